package org.carelake.jobs.cli;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.TextTable;
import org.carelake.schema.maintenance.WarehouseRollback;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "rollback", mixinStandardHelpOptions = true,
    description = {"Puts every table back as it was at a moment (after a bad load): each table's current snapshot becomes the",
        "one current then. Nothing is deleted, so a later rollback can return to now; ops tables keep their history.",
        "The moment is a time (2025-10-01T09:00:00Z) or a build run id (the moment that build finished)."})
public class RollbackCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;

  public RollbackCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Option(names = "--to", required = true, paramLabel = "TIME|RUN_ID", description = "an ISO instant, or a run_id from ops.build_run")
  String to;

  @Option(names = "--dry-run", description = "print what would be rolled back; change nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    var spark = lakehouse.spark();
    Instant moment;
    try {
      moment = Instant.parse(to);
    } catch (DateTimeParseException notATime) {
      List<Row> run = spark.sql("SELECT max(run_finished_at) FROM ops.build_run WHERE run_id = :id", java.util.Map.<String, Object>of("id", to))
          .collectAsList();
      if (run.isEmpty() || run.get(0).isNullAt(0)) {
        System.err.println("rollback: --to must be an instant like 2025-10-01T09:00:00Z or a run_id in ops.build_run; '" + to + "' is neither");
        return 2;
      }
      moment = run.get(0).getTimestamp(0).toInstant();
    }
    WarehouseRollback rollback = new WarehouseRollback(spark);
    List<WarehouseRollback.Change> changes = dryRun ? rollback.plan(moment) : rollback.rollBackTo(moment);
    List<Row> rows = changes.stream()
        .map(c -> RowFactory.create(c.table(), String.valueOf(c.fromSnapshot()), String.valueOf(c.toSnapshot()), c.action()))
        .toList();
    System.out.printf("%s to %s%n", dryRun ? "rollback --dry-run (nothing is changed)" : "rollback", moment);
    System.out.print(TextTable.render(List.of("table", "current snapshot", "snapshot then", "action"), rows));
    long rolled = changes.stream().filter(c -> c.action().equals("rolled back")).count();
    List<String> erased = changes.stream().filter(c -> c.action().contains(WarehouseRollback.ERASED)).map(WarehouseRollback.Change::table).toList();
    if (!erased.isEmpty()) {
      System.out.printf("note: %s cannot go back to %s: a person's records were erased from them since (ops.erasure_log), which ended time travel"
          + " to before the erasure; they stay as they are%n", String.join(", ", erased), moment);
    }
    System.out.printf("%d table(s) %s%n", rolled, dryRun ? "would be rolled back" : "rolled back");
    return 0;
  }
}
