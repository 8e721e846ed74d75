package org.carelake.jobs.service.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.schema.WarehouseTables;
import org.springframework.stereotype.Service;

/** Reads the run history ({@code ops.build_run}): builds newest first, and what one build read and wrote. */
@Service
public class RunHistoryQuery {

  /** One build. */
  public record Run(String runId, Instant startedAt, Instant finishedAt, long durationMs, int tablesWritten, long rowsWritten,
      int contractViolations, boolean passed) {}

  /** An input a model read, at the snapshot it read. */
  public record Input(String table, Long snapshotId, Long totalRecords) {}

  /** One table a build wrote. */
  public record TableWrite(int buildOrder, String table, Long snapshotId, long rowsWritten, long durationMs, boolean contractPassed,
      int contractViolations, List<Input> inputs) {}

  /** A build with every table it wrote. */
  public record RunDetail(Run run, List<TableWrite> tables) {}

  private static final String RUNS = WarehouseTables.OPS_BUILD_RUN.table();
  private static final String SUMMARY = "SELECT run_id, min(run_started_at), max(run_finished_at), count(*), sum(rows_written), "
      + "sum(contract_violations) FROM " + RUNS;

  private final Lakehouse lakehouse;

  public RunHistoryQuery(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public List<Run> runs(int limit) {
    if (!lakehouse.spark().catalog().tableExists(RUNS)) {
      return List.of();
    }
    return lakehouse.spark().sql(SUMMARY + " GROUP BY run_id ORDER BY min(run_started_at) DESC LIMIT " + Math.max(1, Math.min(limit, 1000)))
        .collectAsList().stream().map(RunHistoryQuery::run).toList();
  }

  public RunDetail run(String runId) {
    if (!lakehouse.spark().catalog().tableExists(RUNS)) {
      throw new TableQuery.NotFoundException("no build has been recorded yet");
    }
    List<Row> summary = lakehouse.spark().sql(SUMMARY + " WHERE run_id = :id GROUP BY run_id", Map.<String, Object>of("id", runId)).collectAsList();
    if (summary.isEmpty()) {
      throw new TableQuery.NotFoundException("no build run " + runId + "; see GET /api/v1/runs");
    }
    List<TableWrite> tables = new ArrayList<>();
    for (Row r : lakehouse.spark().sql("SELECT build_order, table_name, snapshot_id, rows_written, duration_ms, contract_passed, "
        + "contract_violations, inputs FROM " + RUNS + " WHERE run_id = :id ORDER BY build_order", Map.<String, Object>of("id", runId)).collectAsList()) {
      List<Input> inputs = new ArrayList<>();
      for (Row i : r.<Row>getList(7)) {
        inputs.add(new Input(i.getString(0), i.isNullAt(1) ? null : i.getLong(1), i.isNullAt(2) ? null : i.getLong(2)));
      }
      tables.add(new TableWrite(r.getInt(0), r.getString(1), r.isNullAt(2) ? null : r.getLong(2), r.getLong(3), r.getLong(4),
          r.getBoolean(5), r.getInt(6), inputs));
    }
    return new RunDetail(run(summary.get(0)), tables);
  }

  private static Run run(Row r) {
    Instant started = r.getTimestamp(1).toInstant();
    Instant finished = r.getTimestamp(2).toInstant();
    int violations = (int) r.getLong(5);
    return new Run(r.getString(0), started, finished, finished.toEpochMilli() - started.toEpochMilli(), (int) r.getLong(3), r.getLong(4),
        violations, violations == 0);
  }
}
