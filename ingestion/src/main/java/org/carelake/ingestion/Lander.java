package org.carelake.ingestion;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands rows into raw tables, a {@link LandingBatch} at a time. A source whose manifest row exists has landed
 * completely, and a re-send of the same bytes lands nothing.
 */
public final class Lander {

  private static final Logger LOG = LoggerFactory.getLogger(Lander.class);

  /** Snapshot summary keys: which batch made a commit, for which source, from which process; and which batch an undo removed. */
  public static final String BATCH_ID = "carelake.batch-id";
  public static final String SOURCE = "carelake.source";
  public static final String OWNER = "carelake.owner";
  public static final String UNDO_BATCH_ID = "carelake.undo-batch-id";

  /** A batch from another machine is taken for dead once its last commit is this old (its own machine knows sooner). */
  public static final Duration STALE_AFTER = Duration.ofHours(12);

  /** The batches open in this JVM, with the owner they commit as: never taken for dead while open. */
  private static final Map<String, String> OPEN = new ConcurrentHashMap<>();

  private static final List<TableContract> BATCH_TABLES = List.of(WarehouseTables.RAW_CQC_API_LOCATION, WarehouseTables.RAW_CQC_RATINGS_LONG,
      WarehouseTables.RAW_CQC_ASC_WIDE, WarehouseTables.RAW_CONTRACT_REGISTER, WarehouseTables.RAW_RETURN_MEASURE,
      WarehouseTables.RAW_VISIT_RECORD, WarehouseTables.RAW_SAFEGUARDING_CONCERN, WarehouseTables.RAW_CONTRACT_ACTION,
      WarehouseTables.RAW_QUARANTINE, WarehouseTables.RAW_INGEST_MANIFEST);

  private final SparkSession spark;
  private final String owner;
  private final Clock clock;

  public Lander(SparkSession spark) {
    this(spark, thisProcess(), Clock.systemUTC());
  }

  /**
   * @param owner the process that tags the commits, as {@code host/pid} (tests pretend to be a process that died)
   * @param clock what "now" is when judging how old an unfinished batch is
   */
  public Lander(SparkSession spark, String owner, Clock clock) {
    this.spark = spark;
    this.owner = owner;
    this.clock = clock;
    WarehouseTables.migrate(new TableMigrator(spark));
  }

  /** This JVM as an owner: {@code host/pid}. */
  public static String thisProcess() {
    return processOwner(ProcessHandle.current().pid());
  }

  /** A process of this machine as an owner. */
  public static String processOwner(long pid) {
    return hostName() + "/" + pid;
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  public SparkSession spark() {
    return spark;
  }

  /**
   * Opens a batch: first removes what unfinished batches of dead processes left behind, so that sources they were
   * landing are landed again, once.
   */
  public LandingBatch begin(String source, String batchId) {
    recoverUnfinishedBatches();
    OPEN.put(batchId, owner);
    return new LandingBatch(this, source, batchId);
  }

  /** SHA-256s of the given stream's sources already landed. */
  public Set<String> landedSources(String source) {
    Set<String> out = new HashSet<>();
    spark.table(WarehouseTables.RAW_INGEST_MANIFEST.table())
        .where(org.apache.spark.sql.functions.col("source").equalTo(source))
        .select("_source_sha256").collectAsList()
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  // ---- used by LandingBatch ----

  Map<String, String> tagging(LandingBatch batch) {
    Map<String, String> options = new LinkedHashMap<>();
    tags(batch).forEach((k, v) -> options.put("snapshot-property." + k, v));
    return options;
  }

  private Map<String, String> tags(LandingBatch batch) {
    return Map.of(BATCH_ID, batch.batchId(), SOURCE, batch.source(), OWNER, owner);
  }

  /** Runs SQL that commits (DELETE) with the batch's tags, plus extra snapshot properties. */
  void runTagged(LandingBatch batch, Map<String, String> extra, Runnable sql) {
    Map<String, String> props = new LinkedHashMap<>(batch == null ? Map.of() : tags(batch));
    props.putAll(extra);
    CommitMetadata.withCommitProperties(props, () -> {
      sql.run();
      return null;
    }, RuntimeException.class);
  }

  /** One commit of a batch to a table; errors name the table and the batch. */
  void commit(LandingBatch batch, String table, Runnable write) {
    try {
      write.run();
    } catch (RuntimeException e) {
      throw new IllegalStateException("batch " + batch.batchId() + " of " + batch.source() + ": the commit to " + table + " failed: "
          + e.getMessage(), e);
    }
  }

  /** Whether the table's history holds a commit made by the batch (used when a commit's outcome is unknown). */
  boolean hasCommitted(LandingBatch batch, String table) {
    Table t = load(table);
    for (Snapshot s : t.snapshots()) {
      if (batch.batchId().equals(summary(s, BATCH_ID))) {
        return true;
      }
    }
    return false;
  }

  /** Removes a batch's rows from a table, tagging the commit so recovery knows the batch is gone. */
  void undo(LandingBatch batch, String table) {
    undo(batch.batchId(), table);
  }

  private void undo(String batchId, String table) {
    runTagged(null, Map.of(UNDO_BATCH_ID, batchId, OWNER, owner), () ->
        spark.sql("DELETE FROM " + table + " WHERE _batch_id = :batch", Map.<String, Object>of("batch", batchId)));
  }

  void finished(LandingBatch batch) {
    OPEN.remove(batch.batchId());
  }

  // ---- recovery ----

  /** A batch that committed rows somewhere but never its manifest. */
  public record UnfinishedBatch(String batchId, String source, String owner, Instant lastCommit, Set<String> tables) {}

  /**
   * Removes the rows of batches that committed to raw tables but never completed, when their process is gone: this
   * JVM (and not open), another process on this machine that no longer runs, or another machine's after
   * {@link #STALE_AFTER}. Batches of live processes are left alone: they may still complete.
   *
   * @return the batches removed
   */
  public List<UnfinishedBatch> recoverUnfinishedBatches() {
    Map<String, UnfinishedBatch> candidates = new LinkedHashMap<>();
    Set<String> undone = new HashSet<>();
    for (TableContract contract : BATCH_TABLES) {
      Table t = load(contract.table());
      for (Snapshot s : t.snapshots()) {
        String undo = summary(s, UNDO_BATCH_ID);
        if (undo != null) {
          undone.add(contract.table() + "\u0000" + undo);
        }
        String id = summary(s, BATCH_ID);
        if (id == null || !addedRows(s) || isOpenHere(id, summary(s, OWNER))) {
          continue; // an append of no rows (every file of a batch already landed) leaves nothing to remove
        }
        Instant at = Instant.ofEpochMilli(s.timestampMillis());
        UnfinishedBatch prev = candidates.get(id);
        Set<String> tables = new HashSet<>(prev == null ? Set.of() : prev.tables());
        tables.add(contract.table());
        Instant last = prev == null || at.isAfter(prev.lastCommit()) ? at : prev.lastCommit();
        candidates.put(id, new UnfinishedBatch(id, summary(s, SOURCE), summary(s, OWNER), last, Set.copyOf(tables)));
      }
    }
    candidates.values().removeIf(b -> b.tables().stream().allMatch(t -> undone.contains(t + "\u0000" + b.batchId())));
    if (candidates.isEmpty()) {
      return List.of();
    }
    Set<String> completed = new HashSet<>();
    spark.sql("SELECT DISTINCT _batch_id FROM " + WarehouseTables.RAW_INGEST_MANIFEST.table()).collectAsList()
        .forEach((Row r) -> completed.add(r.getString(0)));
    List<UnfinishedBatch> dead = candidates.values().stream()
        .filter(b -> !completed.contains(b.batchId()) && processGone(b))
        .toList();
    for (UnfinishedBatch b : dead) {
      for (String table : b.tables()) {
        if (!undone.contains(table + "\u0000" + b.batchId())) {
          try {
            undo(b.batchId(), table);
          } catch (RuntimeException e) {
            throw new IllegalStateException("batch " + b.batchId() + " of " + b.source() + " (owner " + b.owner() + ") did not complete, and its rows "
                + "could not be removed from " + table + ": " + e.getMessage() + ". Nothing new was landed; run the ingest again.", e);
          }
        }
      }
      LOG.warn("removed the rows of batch {} of {} from {}: its process {} stopped before the batch completed (last commit {}); its files land "
          + "again when sent", b.batchId(), b.source(), b.tables(), b.owner(), b.lastCommit());
    }
    return dead;
  }

  /** Open in this JVM, as the process it is (a Lander acting as another process does not keep its batches alive). */
  private static boolean isOpenHere(String batchId, String batchOwner) {
    return batchOwner != null && batchOwner.equals(OPEN.get(batchId)) && batchOwner.equals(thisProcess());
  }

  private boolean processGone(UnfinishedBatch b) {
    String who = b.owner() == null ? "" : b.owner();
    int slash = who.lastIndexOf('/');
    String host = slash < 0 ? "" : who.substring(0, slash);
    String me = owner.substring(0, Math.max(0, owner.lastIndexOf('/')));
    if (who.equals(owner)) {
      return true; // this process, and not open (checked by the caller): an earlier batch here failed and could not undo
    }
    if (host.equals(me)) {
      try {
        long pid = Long.parseLong(who.substring(slash + 1));
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
      } catch (NumberFormatException e) {
        return olderThanStale(b);
      }
    }
    return olderThanStale(b);
  }

  private boolean olderThanStale(UnfinishedBatch b) {
    return b.lastCommit().isBefore(clock.instant().minus(STALE_AFTER));
  }

  private static boolean addedRows(Snapshot s) {
    String added = summary(s, "added-records");
    return added != null && Long.parseLong(added) > 0;
  }

  private static String summary(Snapshot s, String key) {
    return s.summary() == null ? null : s.summary().get(key);
  }

  private Table load(String table) {
    try {
      Table t = Spark3Util.loadIcebergTable(spark, spark.conf().get("spark.sql.defaultCatalog") + "." + table);
      t.refresh();
      return t;
    } catch (Exception e) { // ParseException / NoSuchTableException are checked, thrown from Scala
      throw new IllegalStateException("cannot load table " + table + ": " + e.getMessage(), e);
    }
  }
}
