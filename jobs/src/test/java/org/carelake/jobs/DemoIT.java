package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.returns.ReturnWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user sees: `demo` on an empty home loads the three real CQC samples, generates a year of Oldham council
 * data, builds, and prints the benchmark and KPI tables and the dataset checks; `dq-suggest` profiles a table; then
 * `template` writes a workbook for a contracted service.
 */
class DemoIT {

  @TempDir
  Path tmp;

  @Test
  void demoLoadsTheRealSamplesAndCouncilDataAndPrintsTheHeadlines() throws Exception {
    CliRunner cli = new CliRunner(tmp.resolve("home"), tmp);
    CliRunner.Result r = cli.run("demo", "--no-serve");
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout())
        .contains("rows read 451 = landed 451 + quarantined 0")
        .contains("rows read 2800 = landed 2800 + quarantined 0")
        .contains("rows read 999 = landed 999 + quarantined 0")
        .doesNotContain("CONTRACT BROKEN")
        .contains("Ratings benchmark, Overall, snapshot 2025-09-22")
        .containsPattern("Oldham\\s+local_authority\\s+all\\s+97\\s+71\\s+84\\.51")
        .contains("Shropshire").contains("Telford and Wrekin").contains("West Midlands").contains("England")
        // a real mismatch in CQC's own data: listed as a finding, not dropped
        .contains("Bedford Borough")
        // the generated council: every row lands (faults are data-quality findings, not parse errors)
        .containsPattern("ingest returns\\s+layout returns, batch \\S+ \\d+ source\\(s\\) new, 0 already landed; rows read (\\d+) = landed \\1 \\+ quarantined 0")
        .contains("Commissioned market").containsPattern("home_support\\s+\\d+")
        .contains("KPI compliance").containsPattern("MAR_AUDITS\\s+month\\s+\\d{4}-\\d{2}\\s+95\\.00")
        .contains("Provider returns expected so far").containsPattern("monthly\\s+\\d+\\s+\\d+")
        .contains("Critical performance failures")
        // dataset checks after the second build: the anomaly checks compare with the first (CQC-only) build
        .containsPattern("dataset checks \\(dq\\.dataset_check_result, run \\S+\\): (\\d+) checks: \\1 passed, 0 failed \\(0 error, 0 warning\\), 0 skipped");
    assertThat(r.stdout()).doesNotContain(" WARN ").doesNotContain(" INFO ");

    CliRunner.Result suggest = cli.run("dq-suggest", "staging.stg_contract");
    assertThat(suggest.exitCode()).as(suggest.stderr()).isZero();
    assertThat(suggest.stdout()).contains("Constraint suggestions for staging.stg_contract")
        .containsPattern("contract_id\\s+'contract_id' is not null\\s+\\.isComplete\\(\"contract_id\"\\)")
        .doesNotContain("Unable to map type");

    CliRunner.Result locations = cli.run("sql", "SELECT location_id, service_type FROM core.dim_contract WHERE service_type = 'home_support' "
        + "ORDER BY location_id LIMIT 1");
    String location = locations.stdout().lines().skip(1).findFirst().orElseThrow().split(",")[0];
    Path xlsx = tmp.resolve("template.xlsx");
    CliRunner.Result t = cli.run("template", "--location", location, "--return", "monthly", "--period", "2025-07-15", "-o", xlsx.toString());
    assertThat(t.exitCode()).as(t.stderr()).isZero();
    ReturnWorkbook.Contents wb = ReturnWorkbook.read(SourceBytes.read(xlsx));
    assertThat(wb.header()).containsEntry("location_id", location).containsEntry("return_type", "monthly")
        .containsEntry("period_start", "2025-07-01").containsEntry("period_end", "2025-07-31");
    assertThat(wb.rows()).extracting(ReturnWorkbook.MeasureRow::measureCode).contains("HC_CALLS_SCHEDULED").doesNotContain("KPI_ROTA_HOURS_REQUIRED");
    assertThat(Files.size(xlsx)).isPositive();
  }
}
