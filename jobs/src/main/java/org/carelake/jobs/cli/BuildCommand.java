package org.carelake.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.carelake.jobs.service.TextTable;
import org.carelake.jobs.service.WarehouseBuild;
import org.carelake.transforms.ModelRunner;
import org.carelake.transforms.quality.DatasetCheckRunner;
import picocli.CommandLine.Command;

@Command(name = "build", mixinStandardHelpOptions = true,
    description = {"Load changed seeds, then build staging → core → marts and the data-quality tables, checking every contract;",
        "then run the dataset checks (completeness, uniqueness, ranges, anomalies against earlier builds) and print what",
        "failed. Write-audit-publish: the models are written to an audit branch and the dashboards, SQL endpoint and portal",
        "see them only once every contract and every error-severity dataset check has passed. A failed gate leaves what",
        "they see as it was and exits 3, naming the gate; warnings are reported, not fatal."})
public class BuildCommand implements Callable<Integer> {

  private final WarehouseBuild build;

  public BuildCommand(WarehouseBuild build) {
    this.build = build;
  }

  @picocli.CommandLine.Option(names = "--full", description = "run every model, even those none of whose inputs changed since the last published build")
  boolean full;

  @Override
  public Integer call() {
    WarehouseBuild.Outcome outcome = full ? build.buildFull() : build.build();
    print(outcome);
    return outcome.passed() ? 0 : 3;
  }

  static void print(WarehouseBuild.Outcome outcome) {
    long reloaded = outcome.seeds().stream().filter(s -> s.reloaded()).count();
    System.out.println("build run " + outcome.runId() + " (run history: ops.build_run, GET /api/v1/runs/" + outcome.runId() + ")");
    System.out.println("seeds: " + reloaded + " reloaded, " + (outcome.seeds().size() - reloaded) + " unchanged");
    for (ModelRunner.ModelResult r : outcome.models()) {
      System.out.printf("  %-36s %9d rows  %6.1fs  %s%n", r.table(), r.rows(), r.took().toMillis() / 1000.0,
          !r.built() ? "unchanged" : r.passed() ? "contract ok" : "CONTRACT BROKEN");
      r.violations().forEach(v -> System.out.println("      " + v));
    }
    List<Row> findings = outcome.geographyFindings();
    if (findings.isEmpty()) {
      System.out.println("geography: every CQC council and region name matched an ONS geography");
    } else {
      System.out.println("geography findings (dq.cqc_unmatched_geography): " + findings.size());
      System.out.print(TextTable.render(List.of("name_kind", "cqc_name", "source_layout", "rule", "locations", "evidence"), findings));
    }
    printDatasetChecks(outcome.datasetChecks());
    if (outcome.passed()) {
      long kept = outcome.models().stream().filter(m -> !m.built()).count();
      System.out.println("published: " + outcome.published().size() + " tables now show this build (audit branch " + outcome.auditBranch()
          + " fast-forwarded into main and removed)" + (kept == 0 ? "" : "; " + kept + " unchanged since the last published build, left as they were"));
    } else {
      System.out.println("NOT PUBLISHED: " + outcome.whyNotPublished() + ".");
      System.out.println("  The dashboards, the SQL endpoint and the portal still show the last published build. What this build wrote is kept");
      System.out.println("  for " + org.carelake.transforms.AuditBranch.KEEP.toDays() + " days on branch " + outcome.auditBranch()
          + ", e.g. SELECT * FROM <table> VERSION AS OF '" + outcome.auditBranch() + "'.");
    }
  }

  static void printDatasetChecks(DatasetCheckRunner.Report report) {
    System.out.println("dataset checks (dq.dataset_check_result, run " + report.runId() + "): " + report.summary());
    List<DatasetCheckRunner.Result> failures = report.failures();
    if (failures.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (DatasetCheckRunner.Result r : failures) {
      rows.add(RowFactory.create(r.code(), r.severity().code(), r.table(), r.metricValue() == null ? "" : String.format(Locale.ROOT, "%.4g", r.metricValue()),
          r.description() + (r.message() == null ? "" : " [" + r.message() + "]")));
    }
    System.out.print(TextTable.render(List.of("check", "severity", "table", "metric", "expected [found]"), rows));
  }
}
