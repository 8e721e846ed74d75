package org.carelake.schema.maintenance;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileSystem;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Erases people's records for good, from every table that holds them, so that no snapshot, branch, tag or file still
 * yields them. A person is given by their {@code person_key} (the keyed hash ingestion stores in place of the
 * reference); the tables holding person keys are found in the catalog, not listed by hand: every table with a
 * {@code person_key} column (the raw safeguarding log and the models built from it), and the tables whose free text
 * may hold a key ({@link #TEXT_COLUMNS}: the quarantine keeps a rejected safeguarding row as text, with the key in
 * place of the reference).
 *
 * <p>For each table that holds them, in the current state or in any snapshot still kept: their rows are deleted
 * (copy-on-write, the tables' default: the files holding them are rewritten without them; should a table write delete
 * files instead, its files with deletes are rewritten so no delete file masks rows still on disk); branches and tags
 * whose head still holds them are dropped; the manifests are rewritten (a manifest keeps the deleted file's entry, and
 * with it the lower and upper bounds of its columns, which may be a person key); every older snapshot is expired, which
 * deletes the files only those snapshots referenced (time travel to before the erasure ends for those tables: that is
 * the point); last, orphan files (files in the table's folder no snapshot references, left by a failed write) that hold
 * a row of theirs are deleted.
 *
 * <p>Orphan files and writes in flight: a write in progress has written its data files but not yet committed them, so
 * they look exactly like orphans; deleting one would make its commit reference a missing file. Iceberg's own
 * orphan cleanup therefore only deletes files older than a margin longer than any write. Here the same care is taken,
 * more narrowly: only orphan files that hold a row of the person are considered at all (every other orphan is left to
 * {@code maintain}), and of those only files older than {@link #orphanMargin} are deleted. A younger one is reported
 * as left, with the moment after which erasing again removes it. A {@code maintain} or erasure never races a commit on
 * a file it does not own.
 *
 * <p>A final check reads every snapshot each erased table still keeps (and every branch and tag) and reports any that
 * still yields a row of theirs, e.g. written back by a build that read the raw tables before the erasure; the caller
 * erases again or fails.
 */
public final class WarehouseErasure {

  /** Tables whose text columns may hold a person key (besides any {@code person_key} column), and those columns. */
  public static final Map<String, List<String>> TEXT_COLUMNS = Map.of("raw.quarantine", List.of("document", "reason", "record"));

  private static final Pattern KEY = Pattern.compile("^[0-9a-f]{64}$");

  /** What the erasure did (or, in a dry run, would do) to one table. */
  public record TableErasure(String table, long rowsDeleted, int snapshotsBefore, int snapshotsExpired, List<String> refsDropped,
      long dataFilesDeleted, long metadataFilesDeleted, List<String> orphanFilesDeleted, List<String> orphanFilesLeft) {

    public TableErasure {
      refsDropped = List.copyOf(refsDropped);
      orphanFilesDeleted = List.copyOf(orphanFilesDeleted);
      orphanFilesLeft = List.copyOf(orphanFilesLeft);
    }

    public long filesDeleted() {
      return dataFilesDeleted + metadataFilesDeleted + orphanFilesDeleted.size();
    }
  }

  /** The whole erasure: the tables that held the people's records (none: nothing found), and what is left (should be none). */
  public record Result(boolean dryRun, Instant startedAt, Instant finishedAt, List<String> tablesSearched, List<TableErasure> tables,
      List<String> stillHolding) {

    public Result {
      tablesSearched = List.copyOf(tablesSearched);
      tables = List.copyOf(tables);
      stillHolding = List.copyOf(stillHolding);
    }

    public boolean nothingFound() {
      return tables.isEmpty();
    }

    public long rowsDeleted() {
      return tables.stream().mapToLong(TableErasure::rowsDeleted).sum();
    }

    public int snapshotsExpired() {
      return tables.stream().mapToInt(TableErasure::snapshotsExpired).sum();
    }

    public long filesDeleted() {
      return tables.stream().mapToLong(TableErasure::filesDeleted).sum();
    }

    public int orphanFilesLeft() {
      return tables.stream().mapToInt(t -> t.orphanFilesLeft().size()).sum();
    }
  }

  private final SparkSession spark;
  private final List<String> keys;
  private final Duration orphanMargin;

  /**
   * @param personKeys the people's keys (64 lower-case hex digits each, as ingestion makes them)
   * @param orphanMargin orphan files holding their rows younger than this are left (they may belong to a write in flight)
   */
  public WarehouseErasure(SparkSession spark, Collection<String> personKeys, Duration orphanMargin) {
    this.spark = spark;
    this.keys = List.copyOf(new LinkedHashSet<>(personKeys));
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no person to erase");
    }
    for (String k : keys) {
      if (k == null || !KEY.matcher(k).matches()) {
        throw new IllegalArgumentException("a person key is 64 lower-case hex digits (the keyed hash ingestion stores)");
      }
    }
    if (orphanMargin.isNegative()) {
      throw new IllegalArgumentException("the orphan margin must not be negative");
    }
    this.orphanMargin = orphanMargin;
  }

  /** Every table that can hold a person key: with a {@code person_key} column, or named in {@link #TEXT_COLUMNS}. */
  public List<String> tablesHoldingPersonKeys() {
    List<String> out = new ArrayList<>();
    for (String t : TableMaintenance.allTables(spark)) {
      Set<String> cols = Set.of(spark.table(t).columns());
      if (cols.contains("person_key") || TEXT_COLUMNS.containsKey(t)) {
        out.add(t);
      }
    }
    return out;
  }

  /** The SQL condition true for a row of one of the people, over the columns the table (or file) has. */
  String condition(String table, Collection<String> columns) {
    List<String> parts = new ArrayList<>();
    String inList = keys.stream().map(k -> "'" + k + "'").collect(Collectors.joining(", "));
    if (columns.contains("person_key")) {
      parts.add("person_key IN (" + inList + ")");
    }
    for (String c : TEXT_COLUMNS.getOrDefault(table, List.of())) {
      if (columns.contains(c)) {
        for (String k : keys) {
          parts.add("instr(coalesce(`" + c + "`, ''), '" + k + "') > 0");
        }
      }
    }
    return parts.isEmpty() ? "false" : "(" + String.join(" OR ", parts) + ")";
  }

  private String condition(String table) {
    return condition(table, Arrays.asList(spark.table(table).columns()));
  }

  /** What {@link #erase} would do; changes nothing. */
  public Result plan() {
    return run(true);
  }

  /** Erases the people from every table, snapshot, branch, tag and file; returns what it did, and anything still holding them. */
  public Result erase() {
    return run(false);
  }

  private Result run(boolean dryRun) {
    Instant started = Instant.now();
    List<String> searched = tablesHoldingPersonKeys();
    List<TableErasure> out = new ArrayList<>();
    for (String table : searched) {
      TableErasure e = eraseTable(table, dryRun);
      if (e != null) {
        out.add(e);
      }
    }
    List<String> still = dryRun ? List.of() : check(out.stream().map(TableErasure::table).toList());
    return new Result(dryRun, started, Instant.now(), searched, out, still);
  }

  /** Erases one table; null when it holds nothing of theirs (current state, kept snapshots, refs and orphan files). */
  private TableErasure eraseTable(String name, boolean dryRun) {
    String cond = condition(name);
    Table table = load(name);
    table.refresh();
    long current = count("SELECT count(*) FROM " + name + " WHERE " + cond);
    List<String> refs = refsHolding(name, table, cond);
    boolean inHistory = current > 0 || !refs.isEmpty() || filesHolding(name, table) > 0;
    Map<String, Long> orphans = orphansHolding(name, table);
    if (!inHistory && orphans.isEmpty()) {
      return null;
    }
    Set<Long> idsBefore = new HashSet<>();
    table.snapshots().forEach(sn -> idsBefore.add(sn.snapshotId()));
    int snapshotsBefore = idsBefore.size();
    long cutoff = System.currentTimeMillis() - orphanMargin.toMillis();
    List<String> orphansToDelete = orphans.entrySet().stream().filter(o -> o.getValue() < cutoff).map(Map.Entry::getKey).toList();
    List<String> orphansLeft = orphans.entrySet().stream().filter(o -> o.getValue() >= cutoff).map(Map.Entry::getKey).toList();
    if (dryRun) {
      int expirable = inHistory ? snapshotsBefore : 0; // the erasure's own commits replace the current snapshot too
      return new TableErasure(name, current, snapshotsBefore, expirable, refs, 0, 0, orphansToDelete, orphansLeft);
    }

    long dataDeleted = 0;
    long metadataDeleted = 0;
    int expired = 0;
    if (inHistory) {
      if (current > 0) {
        deleteRows(name, cond);
      }
      table.refresh();
      SparkActions actions = SparkActions.get(spark);
      if (hasDeleteFiles(table)) {
        // a merge-on-read table: the rows are only masked; rewrite the files with deletes so no file holds them
        actions.rewriteDataFiles(table).option("delete-file-threshold", "1").option("min-input-files", "1").execute();
        table.refresh();
      }
      for (String ref : refs) {
        SnapshotRef r = table.refs().get(ref);
        if (r != null && r.isBranch()) {
          table.manageSnapshots().removeBranch(ref).commit();
        } else if (r != null) {
          table.manageSnapshots().removeTag(ref).commit();
        }
      }
      table.refresh();
      if (table.currentSnapshot() != null) {
        // live entries only: the deleted files' entries (and their column bounds) are dropped from the manifests
        actions.rewriteManifests(table).execute();
        table.refresh();
      }
      ExpireSnapshots.Result x = actions.expireSnapshots(table).expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).execute();
      dataDeleted = x.deletedDataFilesCount() + x.deletedPositionDeleteFilesCount() + x.deletedEqualityDeleteFilesCount();
      metadataDeleted = x.deletedManifestsCount() + x.deletedManifestListsCount();
      table.refresh();
      // the snapshots there were before the erasure that are gone (the erasure's own intermediate commits not counted)
      Set<Long> kept = new HashSet<>();
      table.snapshots().forEach(sn -> kept.add(sn.snapshotId()));
      expired = (int) idsBefore.stream().filter(id -> !kept.contains(id)).count();
    }
    for (String f : orphansToDelete) {
      table.io().deleteFile(f);
    }
    return new TableErasure(name, current, snapshotsBefore, expired, refs, dataDeleted, metadataDeleted, orphansToDelete, orphansLeft);
  }

  /** DELETE, retried a few times when a concurrent commit to the same table (an ingest's quarantine, say) wins the race. */
  private void deleteRows(String table, String cond) {
    for (int attempt = 1; ; attempt++) {
      try {
        spark.sql("DELETE FROM " + table + " WHERE " + cond);
        return;
      } catch (ValidationException | CommitFailedException e) {
        if (attempt >= 3) {
          throw new IllegalStateException("could not delete from " + table + " after 3 attempts (other writes kept committing): " + e.getMessage(), e);
        }
      }
    }
  }

  /** The tables' snapshots, branches and tags that still yield a row of the people, as {@code table@snapshot}; empty when none. */
  public List<String> check(List<String> tables) {
    List<String> out = new ArrayList<>();
    for (String name : tables) {
      String cond = condition(name);
      Table table = load(name);
      table.refresh();
      for (Snapshot s : table.snapshots()) {
        if (count("SELECT count(*) FROM " + name + " VERSION AS OF " + s.snapshotId() + " WHERE " + cond) > 0) {
          out.add(name + "@" + s.snapshotId());
        }
      }
      for (String ref : refsHolding(name, table, cond)) {
        out.add(name + "@" + ref);
      }
      if (filesHolding(name, table) > 0) {
        out.add(name + " (a data file a snapshot references)");
      }
    }
    return out;
  }

  /** Branches (other than main) and tags whose head yields a row of theirs. */
  private List<String> refsHolding(String name, Table table, String cond) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, SnapshotRef> e : table.refs().entrySet()) {
      if (e.getKey().equals(SnapshotRef.MAIN_BRANCH)) {
        continue;
      }
      if (count("SELECT count(*) FROM " + name + " VERSION AS OF " + e.getValue().snapshotId() + " WHERE " + cond) > 0) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Rows of theirs in any data file any kept snapshot references (current or not): the files are read as they are on
   * disk, so a row masked by a delete file still counts. For a {@code person_key} table the files are first narrowed
   * by the manifests' column bounds.
   */
  private long filesHolding(String name, Table table) {
    if (!table.snapshots().iterator().hasNext()) {
      return 0;
    }
    String where = "";
    Set<String> cols = Set.of(spark.table(name).columns());
    if (cols.contains("person_key") && !TEXT_COLUMNS.containsKey(name)) {
      String admits = keys.stream()
          .map(k -> "(readable_metrics.person_key.lower_bound <= '" + k + "' AND readable_metrics.person_key.upper_bound >= '" + k + "')")
          .collect(Collectors.joining(" OR "));
      where = " WHERE readable_metrics.person_key.lower_bound IS NULL OR readable_metrics.person_key.upper_bound IS NULL OR " + admits;
    }
    List<String> files = spark.sql("SELECT DISTINCT file_path FROM " + name + ".all_data_files" + where).collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    return files.isEmpty() ? 0 : rowsInFiles(name, files);
  }

  /** Orphan files of the table (referenced by no snapshot) that hold a row of theirs, with their modification time. */
  private Map<String, Long> orphansHolding(String name, Table table) {
    DeleteOrphanFiles.Result r = SparkActions.get(spark).deleteOrphanFiles(table).olderThan(System.currentTimeMillis() + 1)
        .deleteWith(path -> { }).execute();
    Map<String, Long> out = new LinkedHashMap<>();
    for (String f : r.orphanFileLocations()) {
      if (f.endsWith(".parquet") && rowsInFiles(name, List.of(f)) > 0) {
        out.put(f, modified(f));
      }
    }
    return out;
  }

  private long rowsInFiles(String table, List<String> files) {
    Dataset<Row> df = spark.read().parquet(files.toArray(String[]::new));
    String cond = condition(table, new HashSet<>(Arrays.asList(df.columns())));
    return cond.equals("false") ? 0 : df.where(cond).count();
  }

  private long modified(String file) {
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(file);
      FileSystem fs = p.getFileSystem(spark.sparkContext().hadoopConfiguration());
      return fs.getFileStatus(p).getModificationTime();
    } catch (IOException e) {
      return System.currentTimeMillis(); // unknown: treat as young, so it is left rather than raced
    }
  }

  private static boolean hasDeleteFiles(Table table) {
    Snapshot s = table.currentSnapshot();
    if (s == null || s.summary() == null) {
      return false;
    }
    return Long.parseLong(s.summary().getOrDefault("total-delete-files", "0")) > 0;
  }

  private long count(String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  private Table load(String name) {
    try {
      return Spark3Util.loadIcebergTable(spark, spark.conf().get("spark.sql.defaultCatalog") + "." + name);
    } catch (Exception e) { // ParseException / NoSuchTableException are checked, thrown from Scala
      throw new IllegalArgumentException("no table " + name + ": " + e.getMessage(), e);
    }
  }

  private static int size(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }
}
