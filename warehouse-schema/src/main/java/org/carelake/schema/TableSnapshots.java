package org.carelake.schema;

import java.time.Instant;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.SparkSession;

/** Iceberg snapshots of warehouse tables: the current one, or the one that was current at a time or with an id. */
public final class TableSnapshots {

  /** One committed state of a table. {@code totalRecords} is null when the snapshot summary does not carry it. */
  public record TableSnapshot(String table, long snapshotId, Instant committedAt, Long totalRecords) {}

  private final SparkSession spark;

  public TableSnapshots(SparkSession spark) {
    this.spark = spark;
  }

  /** The current snapshot, empty for a table that does not exist or has never been written. */
  public Optional<TableSnapshot> current(String table) {
    return load(table).flatMap(t -> {
      t.refresh();
      return Optional.ofNullable(t.currentSnapshot()).map(s -> of(table, s));
    });
  }

  /**
   * The head of a branch when the table has it, else the current snapshot of main: what a session writing to that
   * branch (write-audit-publish) reads.
   */
  public Optional<TableSnapshot> head(String table, String branch) {
    if (branch == null) {
      return current(table);
    }
    return load(table).flatMap(t -> {
      t.refresh();
      var ref = t.refs().get(branch);
      Snapshot s = ref != null ? t.snapshot(ref.snapshotId()) : t.currentSnapshot();
      return Optional.ofNullable(s).map(x -> of(table, x));
    });
  }

  /** The snapshot with this id, if the table has it. */
  public Optional<TableSnapshot> byId(String table, long snapshotId) {
    return load(table).flatMap(t -> Optional.ofNullable(t.snapshot(snapshotId)).map(s -> of(table, s)));
  }

  /** The oldest snapshot the table still keeps (older ones were expired), empty for a table never written. */
  public Optional<TableSnapshot> oldest(String table) {
    return load(table).flatMap(t -> {
      t.refresh();
      Snapshot oldest = null;
      for (Snapshot s : t.snapshots()) {
        if (oldest == null || s.timestampMillis() < oldest.timestampMillis()) {
          oldest = s;
        }
      }
      return Optional.ofNullable(oldest).map(s -> of(table, s));
    });
  }

  /** The snapshot that was current at {@code time}; empty when the table had none then. */
  public Optional<TableSnapshot> asOf(String table, Instant time) {
    return load(table).flatMap(t -> {
      t.refresh();
      Long id = SnapshotUtil.nullableSnapshotIdAsOfTime(t, time.toEpochMilli());
      return Optional.ofNullable(id).map(t::snapshot).map(s -> of(table, s));
    });
  }

  private Optional<Table> load(String table) {
    if (!spark.catalog().tableExists(table)) {
      return Optional.empty();
    }
    try {
      // qualified with the default catalog: a Thrift server session may have switched the current one
      return Optional.of(Spark3Util.loadIcebergTable(spark, spark.conf().get("spark.sql.defaultCatalog") + "." + table));
    } catch (Exception e) { // ParseException / NoSuchTableException are checked, thrown from Scala
      throw new IllegalStateException("cannot load table " + table + ": " + e.getMessage(), e);
    }
  }

  private static TableSnapshot of(String table, Snapshot s) {
    String total = s.summary() == null ? null : s.summary().get("total-records");
    return new TableSnapshot(table, s.snapshotId(), Instant.ofEpochMilli(s.timestampMillis()), total == null ? null : Long.parseLong(total));
  }
}
