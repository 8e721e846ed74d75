package org.carelake.ingestion;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ingest's writes, landed all or nothing. Every commit is tagged in its Iceberg snapshot summary with the batch id
 * and the process that made it; the manifest rows are committed last, in one commit, and that commit is what makes the
 * batch count as landed. Closing a batch that was not completed removes its rows again, so a failure at any point
 * leaves every table as it was; a batch whose process died before it could do that is removed by the next ingest
 * ({@link Lander#recoverUnfinishedBatches}). When a commit's outcome is unknown (the catalog took it but did not say
 * so), the snapshot history is checked for the batch id before anything is retried or undone.
 *
 * <pre>{@code
 * try (LandingBatch batch = lander.begin("returns", batchId)) {
 *   batch.append(WarehouseTables.RAW_RETURN_MEASURE, rows);
 *   batch.quarantine(rejections);
 *   batch.manifest("returns_csv", null, lineages, outcomes);
 *   batch.complete();
 * }
 * }</pre>
 */
public final class LandingBatch implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LandingBatch.class);
  private static final int MAX_RECORD_CHARS = 4000;

  private final Lander lander;
  private final String source;
  private final String batchId;
  private final Set<String> written = new LinkedHashSet<>();
  private final List<Row> manifestRows = new ArrayList<>();
  private boolean completed;

  LandingBatch(Lander lander, String source, String batchId) {
    this.lander = lander;
    this.source = source;
    this.batchId = batchId;
  }

  public String batchId() {
    return batchId;
  }

  public String source() {
    return source;
  }

  /** Appends rows built by the caller (each carrying this batch's {@code _batch_id}) in one commit. */
  public void append(TableContract table, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    append(table, lander.spark().createDataFrame(rows, table.sparkSchema()), Map.of());
  }

  /** Appends a data set (rows made on the executors) in one commit, with Iceberg write options. */
  public void append(TableContract table, Dataset<Row> rows, Map<String, String> writeOptions) {
    requireOpen();
    written.add(table.table());
    lander.commit(this, table.table(), () -> {
      var writer = rows.writeTo(table.table()).options(writeOptions);
      lander.tagging(this).forEach(writer::option);
      try {
        writer.append();
      } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
        throw new IllegalStateException(table.table() + " does not exist although it was just migrated", e);
      }
    });
  }

  /** Removes rows this batch wrote to a table (e.g. a second copy of the same bytes under another name). */
  public void delete(TableContract table, String whereSql, Map<String, Object> args) {
    requireOpen();
    lander.commit(this, table.table(), () -> lander.runTagged(this, Map.of(), () ->
        lander.spark().sql("DELETE FROM " + table.table() + " WHERE _batch_id = :__batch AND (" + whereSql + ")", withBatch(args))));
  }

  private Map<String, Object> withBatch(Map<String, Object> args) {
    Map<String, Object> all = new java.util.HashMap<>(args);
    all.put("__batch", batchId);
    return all;
  }

  /** Quarantines refused rows or files, each with its rule and reason, in one commit. */
  public void quarantine(List<Rejection> rejections) {
    List<Row> rows = new ArrayList<>();
    for (Rejection r : rejections) {
      String record = r.record();
      if (record != null && record.length() > MAX_RECORD_CHARS) {
        record = record.substring(0, MAX_RECORD_CHARS);
      }
      rows.add(r.lineage().applyTo(new RowBuilder(WarehouseTables.RAW_QUARANTINE))
          .set("source", source).set("layout", r.layout()).set("document", r.document())
          .set("rule", r.rule()).set("reason", r.reason()).set("record", record).build());
    }
    append(WarehouseTables.RAW_QUARANTINE, rows);
  }

  /** Notes sources for the manifest; nothing is committed until {@link #complete()}. */
  public void manifest(String layout, LocalDate snapshotDate, List<Lineage> lineages, List<FileOutcome> outcomes) {
    requireOpen();
    if (lineages.size() != outcomes.size()) {
      throw new IllegalArgumentException("one outcome per source expected: " + lineages.size() + " sources, " + outcomes.size() + " outcomes");
    }
    for (int i = 0; i < lineages.size(); i++) {
      Lineage l = lineages.get(i);
      FileOutcome o = outcomes.get(i);
      manifestRows.add(new Lineage(l.sourceFile(), l.sha256(), null, l.ingestedAt(), batchId)
          .applyTo(new RowBuilder(WarehouseTables.RAW_INGEST_MANIFEST))
          .set("source", source).set("layout", layout)
          .set("snapshot_date", snapshotDate == null ? null : Date.valueOf(snapshotDate))
          .set("rows_read", o.read()).set("rows_landed", o.landed()).set("rows_quarantined", o.quarantined())
          .build());
    }
  }

  /** Commits the manifest: from here the batch has landed, and its sources are skipped when sent again. */
  public void complete() {
    requireOpen();
    try {
      append(WarehouseTables.RAW_INGEST_MANIFEST, manifestRows);
    } catch (RuntimeException e) {
      if (manifestRows.isEmpty() || !lander.hasCommitted(this, WarehouseTables.RAW_INGEST_MANIFEST.table())) {
        throw e;
      }
      // the catalog took the commit but did not confirm it (commit state unknown): the batch has landed
      LOG.warn("batch {} of {}: the manifest commit reported {}, but the snapshot history holds it, so the batch has landed", batchId, source,
          e.toString());
    }
    completed = true;
  }

  /** A batch closed before {@link #complete()} removes whatever it committed, so the tables are as they were. */
  @Override
  public void close() {
    if (completed) {
      lander.finished(this);
      return;
    }
    try {
      for (String table : written) {
        lander.undo(this, table);
      }
      LOG.warn("batch {} of {} did not complete; its rows were removed from {}", batchId, source, written);
    } finally {
      lander.finished(this);
    }
  }

  /** True once the manifest is committed (also when that was learned from the snapshot history after an error). */
  public boolean completed() {
    return completed;
  }

  private void requireOpen() {
    if (completed) {
      throw new IllegalStateException("batch " + batchId + " is already complete");
    }
  }
}
