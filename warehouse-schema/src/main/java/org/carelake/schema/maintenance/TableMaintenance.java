package org.carelake.schema.maintenance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.actions.DeleteOrphanFiles;
import org.apache.iceberg.actions.ExpireSnapshots;
import org.apache.iceberg.actions.RewriteDataFiles;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Iceberg table maintenance with Iceberg's own Spark actions, table by table and in this order: compaction of small
 * data files (bin-pack), rewriting the manifests, expiring snapshots older than the retention (always keeping the last
 * few), and deleting orphan files (files in the table's folder that no snapshot references) older than a threshold,
 * so that the files of a write still in flight are never touched.
 *
 * <p>A dry run changes nothing: it reports the files bin-packing would pick (an estimate from the current files), the
 * snapshots the retention would expire and the orphan files that would be deleted.
 */
public final class TableMaintenance {

  /** What maintenance did (or, in a dry run, would do) to one table. */
  public record Result(String table, boolean dryRun, long dataFilesBefore, long dataFilesAfter, long bytesBefore, long bytesAfter,
      int filesCompacted, int filesAdded, int manifestsRewritten, int snapshotsBefore, int snapshotsExpired,
      long unreferencedFilesDeleted, long orphanFilesRemoved, List<String> orphanFiles, double seconds) {

    public Result {
      orphanFiles = List.copyOf(orphanFiles);
    }
  }

  private final SparkSession spark;
  private final Set<String> tables;
  private final long targetFileSizeBytes;
  private final int minInputFiles;
  private final Duration snapshotRetention;
  private final int retainLast;
  private final Duration orphanFileAge;
  private final boolean dryRun;

  private TableMaintenance(Builder b) {
    this.spark = b.spark;
    this.tables = new LinkedHashSet<>(b.tables);
    this.targetFileSizeBytes = b.targetFileSizeBytes;
    this.minInputFiles = b.minInputFiles;
    this.snapshotRetention = b.snapshotRetention;
    this.retainLast = b.retainLast;
    this.orphanFileAge = b.orphanFileAge;
    this.dryRun = b.dryRun;
  }

  public static Builder builder(SparkSession spark) {
    return new Builder(spark);
  }

  /** Every table in every namespace of the session's default catalog, as {@code namespace.table}, sorted. */
  public static List<String> allTables(SparkSession spark) {
    List<String> out = new ArrayList<>();
    for (Row ns : spark.sql("SHOW NAMESPACES").collectAsList()) {
      String namespace = ns.getString(0);
      for (Row t : spark.sql("SHOW TABLES IN " + namespace).collectAsList()) {
        if (!t.getBoolean(2)) { // isTemporary
          out.add(namespace + "." + t.getString(1));
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Maintains each table in turn; the tables given to the builder, else every table in the catalog. */
  public List<Result> run() {
    List<String> names = tables.isEmpty() ? allTables(spark) : List.copyOf(tables);
    List<Result> results = new ArrayList<>();
    for (String name : names) {
      results.add(maintain(name));
    }
    return results;
  }

  /** Maintains one table ({@code namespace.table}). */
  public Result maintain(String name) {
    long start = System.nanoTime();
    Table table = load(name);
    table.refresh();
    long filesBefore = summaryLong(table.currentSnapshot(), "total-data-files");
    long bytesBefore = summaryLong(table.currentSnapshot(), "total-files-size");
    int snapshotsBefore = size(table.snapshots());
    long cutoff = System.currentTimeMillis() - snapshotRetention.toMillis();
    long orphanCutoff = System.currentTimeMillis() - orphanFileAge.toMillis();
    SparkActions actions = SparkActions.get(spark);

    int compacted = 0;
    int added = 0;
    int manifests = 0;
    int expired;
    long unreferencedDeleted = 0;
    List<String> orphans = new ArrayList<>();
    if (dryRun) {
      compacted = compactionCandidates(table);
      expired = expiryCandidates(table, cutoff).size();
      DeleteOrphanFiles.Result r = actions.deleteOrphanFiles(table).olderThan(orphanCutoff).deleteWith(path -> { }).execute();
      r.orphanFileLocations().forEach(orphans::add);
    } else {
      if (table.currentSnapshot() != null) {
        RewriteDataFiles.Result r = actions.rewriteDataFiles(table).binPack()
            .option(RewriteDataFiles.TARGET_FILE_SIZE_BYTES, Long.toString(targetFileSizeBytes))
            .option("min-input-files", Integer.toString(minInputFiles))
            .execute();
        compacted = r.rewrittenDataFilesCount();
        added = r.addedDataFilesCount();
        table.refresh();
        if (table.currentSnapshot().dataManifests(table.io()).size() > 1) {
          manifests = size(actions.rewriteManifests(table).execute().rewrittenManifests());
          table.refresh();
        }
      }
      int snapshotsNow = size(table.snapshots());
      ExpireSnapshots.Result e = actions.expireSnapshots(table).expireOlderThan(cutoff).retainLast(retainLast).execute();
      unreferencedDeleted = e.deletedDataFilesCount() + e.deletedManifestsCount() + e.deletedManifestListsCount()
          + e.deletedPositionDeleteFilesCount() + e.deletedEqualityDeleteFilesCount();
      table.refresh();
      expired = snapshotsNow - size(table.snapshots());
      DeleteOrphanFiles.Result r = actions.deleteOrphanFiles(table).olderThan(orphanCutoff).execute();
      r.orphanFileLocations().forEach(orphans::add);
      table.refresh();
    }
    long filesAfter = dryRun ? filesBefore : summaryLong(table.currentSnapshot(), "total-data-files");
    long bytesAfter = dryRun ? bytesBefore : summaryLong(table.currentSnapshot(), "total-files-size");
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(name, dryRun, filesBefore, filesAfter, bytesBefore, bytesAfter, compacted, added, manifests,
        snapshotsBefore, expired, unreferencedDeleted, orphans.size(), orphans, seconds);
  }

  /**
   * The data files bin-packing would rewrite, estimated as Iceberg's planner picks them: per partition, the files
   * outside 75%..180% of the target size, when there are at least {@code minInputFiles} of them.
   */
  int compactionCandidates(Table table) {
    if (table.currentSnapshot() == null) {
      return 0;
    }
    long min = (long) (targetFileSizeBytes * 0.75);
    long max = (long) (targetFileSizeBytes * 1.8);
    Map<String, Integer> perPartition = new HashMap<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      for (FileScanTask task : tasks) {
        long size = task.file().fileSizeInBytes();
        if (size < min || size > max) {
          perPartition.merge(task.spec().specId() + "/" + task.file().partition(), 1, Integer::sum);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return perPartition.values().stream().filter(n -> n >= minInputFiles).mapToInt(Integer::intValue).sum();
  }

  /**
   * The snapshots expiry would remove: older than the cutoff, not among the last {@code retainLast} of the main
   * branch's history, and not the head of any branch or tag.
   */
  List<Long> expiryCandidates(Table table, long cutoffMillis) {
    Set<Long> kept = new HashSet<>();
    for (SnapshotRef ref : table.refs().values()) {
      kept.add(ref.snapshotId());
    }
    Snapshot s = table.currentSnapshot();
    for (int i = 0; s != null && i < retainLast; i++) {
      kept.add(s.snapshotId());
      s = s.parentId() == null ? null : table.snapshot(s.parentId());
    }
    List<Long> out = new ArrayList<>();
    for (Snapshot snap : table.snapshots()) {
      if (snap.timestampMillis() < cutoffMillis && !kept.contains(snap.snapshotId())) {
        out.add(snap.snapshotId());
      }
    }
    return out;
  }

  private Table load(String name) {
    try {
      return Spark3Util.loadIcebergTable(spark, spark.conf().get("spark.sql.defaultCatalog") + "." + name);
    } catch (Exception e) { // ParseException / NoSuchTableException are checked, thrown from Scala
      throw new IllegalArgumentException("no table " + name + ": " + e.getMessage(), e);
    }
  }

  private static long summaryLong(Snapshot s, String key) {
    if (s == null || s.summary() == null || s.summary().get(key) == null) {
      return 0;
    }
    return Long.parseLong(s.summary().get(key));
  }

  private static int size(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  /** Settings for one maintenance run; every value has a safe default. */
  public static final class Builder {
    private final SparkSession spark;
    private final List<String> tables = new ArrayList<>();
    private long targetFileSizeBytes = 128L * 1024 * 1024;
    private int minInputFiles = 5;
    private Duration snapshotRetention = Duration.ofDays(90);
    private int retainLast = 10;
    private Duration orphanFileAge = Duration.ofDays(3);
    private boolean dryRun;

    private Builder(SparkSession spark) {
      this.spark = Objects.requireNonNull(spark, "spark");
    }

    /** A table to maintain ({@code namespace.table}); none given means every table in the catalog. */
    public Builder table(String name) {
      tables.add(name);
      return this;
    }

    public Builder tables(List<String> names) {
      tables.addAll(names);
      return this;
    }

    public Builder targetFileSizeBytes(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("target file size must be positive");
      }
      this.targetFileSizeBytes = bytes;
      return this;
    }

    public Builder minInputFiles(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("min input files must be at least 1");
      }
      this.minInputFiles = n;
      return this;
    }

    /** Snapshots older than this are expired (time travel to them ends), unless among the last {@link #retainLast}. */
    public Builder snapshotRetention(Duration retention) {
      if (retention.isNegative()) {
        throw new IllegalArgumentException("snapshot retention must not be negative");
      }
      this.snapshotRetention = retention;
      return this;
    }

    public Builder retainLast(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("retain-last must be at least 1 (the current snapshot)");
      }
      this.retainLast = n;
      return this;
    }

    /** Only orphan files older than this are deleted, so a write still in flight never loses its files. */
    public Builder orphanFileAge(Duration age) {
      if (age.isNegative()) {
        throw new IllegalArgumentException("orphan file age must not be negative");
      }
      this.orphanFileAge = age;
      return this;
    }

    public Builder dryRun(boolean value) {
      this.dryRun = value;
      return this;
    }

    public TableMaintenance build() {
      return new TableMaintenance(this);
    }
  }
}
