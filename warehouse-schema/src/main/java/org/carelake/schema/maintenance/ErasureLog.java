package org.carelake.schema.maintenance;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;

/**
 * {@code ops.erasure_log}: one row per erasure, what it removed from which table, never whose records they were (no
 * reference, no key).
 */
public final class ErasureLog {

  private static final TableContract LOG = WarehouseTables.OPS_ERASURE_LOG;

  /** An erasure that touched a table: when it ran (time travel to before it ends for that table). */
  public record Entry(String erasureId, Instant erasedAt) {}

  private final SparkSession spark;

  public ErasureLog(SparkSession spark) {
    this.spark = spark;
  }

  public void record(String erasureId, String requestedBy, String reason, int personsRequested, WarehouseErasure.Result result) {
    new TableMigrator(spark).ensure(LOG);
    List<Row> tables = new ArrayList<>();
    for (WarehouseErasure.TableErasure t : result.tables()) {
      tables.add(RowFactory.create(t.table(), t.rowsDeleted(), t.snapshotsExpired(), t.refsDropped().size(), t.dataFilesDeleted(),
          t.metadataFilesDeleted(), t.orphanFilesDeleted().size()));
    }
    Row row = new RowBuilder(LOG)
        .set("erasure_id", erasureId)
        .set("erased_at", Timestamp.from(result.startedAt()))
        .set("finished_at", Timestamp.from(result.finishedAt()))
        .set("requested_by", requestedBy)
        .set("reason", reason)
        .set("persons_requested", personsRequested)
        .set("outcome", result.nothingFound() ? "nothing_found" : "erased")
        .set("tables", tables)
        .set("rows_deleted", result.rowsDeleted())
        .set("snapshots_expired", result.snapshotsExpired())
        .set("files_deleted", result.filesDeleted())
        .set("orphan_files_left", result.orphanFilesLeft())
        .build();
    try {
      spark.createDataFrame(List.of(row), LOG.sparkSchema()).writeTo(LOG.table()).append();
    } catch (Exception e) { // NoSuchTableException is checked, thrown from Scala
      throw new IllegalStateException("cannot append to " + LOG.table() + ": " + e.getMessage(), e);
    }
  }

  /** The latest erasure that removed history from the table after the moment, if any. */
  public Optional<Entry> latestAfter(String table, Instant moment) {
    if (!spark.catalog().tableExists(LOG.table())) {
      return Optional.empty();
    }
    List<Row> rows = spark.sql("SELECT erasure_id, erased_at FROM " + LOG.table()
            + " WHERE outcome = 'erased' AND erased_at > :moment AND exists(tables, t -> t.table_name = :table AND t.snapshots_expired > 0)"
            + " ORDER BY erased_at DESC LIMIT 1",
        java.util.Map.<String, Object>of("moment", Timestamp.from(moment), "table", table)).collectAsList();
    return rows.isEmpty() ? Optional.empty() : Optional.of(new Entry(rows.get(0).getString(0), rows.get(0).getTimestamp(1).toInstant()));
  }
}
