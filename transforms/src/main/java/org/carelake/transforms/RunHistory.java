package org.carelake.transforms;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableSnapshots;
import org.carelake.schema.WarehouseTables;

/**
 * Records what a build read and wrote in {@code ops.build_run}: for every model, the snapshot of each input when it ran
 * and the snapshot it committed, with row counts and duration.
 */
public final class RunHistory {

  private static final TableContract RUNS = WarehouseTables.OPS_BUILD_RUN;

  /** One table a build wrote, with the inputs as they were when it was built. */
  public record TableWrite(int buildOrder, String table, List<InputSnapshot> inputs, Long snapshotId, long rowsWritten, long durationMs,
      int contractViolations, String action, String modelFingerprint, String slice) {

    public TableWrite(int buildOrder, String table, List<InputSnapshot> inputs, Long snapshotId, long rowsWritten, long durationMs,
        int contractViolations, String action, String modelFingerprint) {
      this(buildOrder, table, inputs, snapshotId, rowsWritten, durationMs, contractViolations, action, modelFingerprint, null);
    }
  }

  /** The last published build: when it started and what it recorded of each table. */
  public record LastPublished(String runId, Instant startedAt, java.util.Map<String, UnchangedModels.Recorded> tables) {
    static final LastPublished NONE = new LastPublished(null, null, java.util.Map.of());
  }

  /** An input table and its snapshot (null ids when the table had none). */
  public record InputSnapshot(String table, Long snapshotId, Long totalRecords) {}

  private final SparkSession spark;
  private final TableSnapshots snapshots;
  private final String branch;

  public RunHistory(SparkSession spark) {
    this(spark, null);
  }

  /** A history of a build that writes its models to a branch (write-audit-publish): their snapshots are that branch's. */
  public RunHistory(SparkSession spark, String branch) {
    this.spark = spark;
    this.snapshots = new TableSnapshots(spark);
    this.branch = branch;
  }

  /** The inputs' current snapshots, taken just before a model reads them. */
  public List<InputSnapshot> inputsOf(Model model) {
    return inputsOf(model, SnapshotPins.none());
  }

  /** The snapshots a model reads: a pinned input at its pin, any other as it is now (just before the model reads it). */
  public List<InputSnapshot> inputsOf(Model model, SnapshotPins pins) {
    List<InputSnapshot> out = new ArrayList<>();
    for (String table : model.inputs()) {
      Long pinned = pins.snapshotOf(table);
      var snapshot = pinned != null ? snapshots.byId(table, pinned) : snapshots.head(table, branch);
      out.add(snapshot.map(s -> new InputSnapshot(table, s.snapshotId(), s.totalRecords())).orElse(new InputSnapshot(table, null, null)));
    }
    return out;
  }

  /** The current snapshot of each table that has one: what a build pins its raw inputs at when it starts. */
  public SnapshotPins pinCurrent(List<String> tables) {
    java.util.Map<String, Long> ids = new java.util.LinkedHashMap<>();
    for (String table : tables) {
      snapshots.current(table).ifPresent(s -> ids.put(table, s.snapshotId()));
    }
    return SnapshotPins.of(ids);
  }

  /** The write a model's build just made. */
  public TableWrite written(int order, Model model, List<InputSnapshot> inputs, ModelRunner.ModelResult result) {
    Long snapshot = snapshots.head(model.table(), branch).map(TableSnapshots.TableSnapshot::snapshotId).orElse(null);
    return new TableWrite(order, model.table(), inputs, snapshot, result.rows(), result.took().toMillis(), result.violations().size(),
        result.sliced() ? "sliced" : "built", model.fingerprint(), result.sliced() ? result.slice().describe() : null);
  }

  /** A model this build left as it was: its table's main snapshot, and the inputs as they still are. */
  public TableWrite kept(int order, Model model, List<InputSnapshot> inputs) {
    Long snapshot = snapshots.current(model.table()).map(TableSnapshots.TableSnapshot::snapshotId).orElse(null);
    return new TableWrite(order, model.table(), inputs, snapshot, 0, 0, 0, "unchanged", model.fingerprint());
  }

  /**
   * What the last published build recorded (builds before write-audit-publish count as published): per table, its
   * snapshot, the snapshots of its inputs and the model's fingerprint.
   */
  public LastPublished lastPublished() {
    if (!spark.catalog().tableExists(RUNS.table())) {
      return LastPublished.NONE;
    }
    List<Row> rows = spark.sql("WITH last AS (SELECT run_id FROM " + RUNS.table() + " WHERE coalesce(published, true) "
        + "ORDER BY run_finished_at DESC LIMIT 1) SELECT b.run_id, b.run_started_at, b.table_name, b.snapshot_id, b.inputs, b.model_fingerprint "
        + "FROM " + RUNS.table() + " b JOIN last l ON l.run_id = b.run_id").collectAsList();
    if (rows.isEmpty()) {
      return LastPublished.NONE;
    }
    java.util.Map<String, UnchangedModels.Recorded> tables = new java.util.LinkedHashMap<>();
    for (Row r : rows) {
      java.util.Map<String, Long> inputs = new java.util.LinkedHashMap<>();
      for (Row i : r.<Row>getList(4)) {
        inputs.put(i.getString(0), i.isNullAt(1) ? null : i.getLong(1));
      }
      tables.put(r.getString(2), new UnchangedModels.Recorded(r.isNullAt(3) ? null : r.getLong(3), inputs, r.getString(5)));
    }
    return new LastPublished(rows.get(0).getString(0), rows.get(0).getTimestamp(1).toInstant(), tables);
  }

  public void record(String runId, Instant startedAt, Instant finishedAt, List<TableWrite> writes) {
    record(runId, startedAt, finishedAt, writes, true);
  }

  /** @param published whether main now shows what the build wrote (false: it stayed on the audit branch) */
  public void record(String runId, Instant startedAt, Instant finishedAt, List<TableWrite> writes, boolean published) {
    List<Row> rows = new ArrayList<>();
    for (TableWrite w : writes) {
      List<Row> inputs = w.inputs().stream().map(i -> RowFactory.create(i.table(), i.snapshotId(), i.totalRecords())).toList();
      rows.add(new RowBuilder(RUNS)
          .set("run_id", runId)
          .set("run_started_at", Timestamp.from(startedAt))
          .set("run_finished_at", Timestamp.from(finishedAt))
          .set("build_order", w.buildOrder())
          .set("table_name", w.table())
          .set("inputs", inputs) // Spark converts a java.util.List to an array column
          .set("snapshot_id", w.snapshotId())
          .set("rows_written", w.rowsWritten())
          .set("duration_ms", w.durationMs())
          .set("contract_passed", w.contractViolations() == 0)
          .set("contract_violations", w.contractViolations())
          .set("published", published)
          .set("action", w.action())
          .set("model_fingerprint", w.modelFingerprint())
          .set("slice", w.slice())
          .set("audit_branch", branch)
          .build());
    }
    try {
      spark.createDataFrame(rows, RUNS.sparkSchema()).writeTo(RUNS.table()).append();
    } catch (Exception e) { // NoSuchTableException is checked, thrown from Scala
      throw new IllegalStateException("cannot append to " + RUNS.table() + ": " + e.getMessage(), e);
    }
  }
}
