package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.returns.ReturnWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user sees: `demo` on an empty home loads the three real CQC samples, generates a year of Oldham council
 * data, builds, and prints the benchmark and KPI tables; then `template` writes a workbook for a contracted service.
 */
class DemoIT {

  /** Whatever the developer's environment holds, the demo makes its own key file. */
  private static final Map<String, String> NO_KEY = Map.of("CARELAKE_PSEUDONYMISATION_KEY", "");

  @TempDir
  Path tmp;

  @Test
  void demoLoadsTheRealSamplesAndCouncilDataAndPrintsTheHeadlines() throws Exception {
    CliRunner cli = new CliRunner(tmp.resolve("home"), tmp);
    CliRunner.Result r = cli.run(NO_KEY, "demo", "--no-serve");
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
        .contains("Critical performance failures");
    assertThat(r.stdout()).doesNotContain(" WARN ").doesNotContain(" INFO ");
    // the council's own intelligence: visits, the safeguarding log (pseudonymised under a key the demo made), contract actions
    for (String[] source : new String[][] {{"visits", "visit_record"}, {"safeguarding", "safeguarding_concern"}, {"contract-actions", "contract_action"}}) {
      assertThat(r.stdout()).containsPattern("ingest " + source[0] + "\\s+layout " + source[1]
          + ", batch \\S+ 1 source\\(s\\) new, 0 already landed; rows read (\\d+) = landed \\1 \\+ quarantined 0");
    }
    assertThat(r.stdout()).containsPattern("staging\\.stg_visit\\s+[1-9]\\d*\\s+rows\\s+\\S+\\s+contract ok")
        .containsPattern("staging\\.stg_safeguarding_concern\\s+[1-9]\\d*\\s+rows\\s+\\S+\\s+contract ok")
        .containsPattern("staging\\.stg_contract_action\\s+[1-9]\\d*\\s+rows\\s+\\S+\\s+contract ok");
    Path key = tmp.resolve("home/pseudonymisation.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
    List<String> people = Files.readAllLines(tmp.resolve("home/demo-council/safeguarding.csv")).stream().skip(1).map(l -> l.split(",")[6]).toList();
    assertThat(people).isNotEmpty().allSatisfy(p -> assertThat(p).matches("P\\d{6}"));
    assertThat(people).allSatisfy(p -> assertThat(r.stdout() + r.stderr()).doesNotContain(p));

    // without a key the safeguarding log is not read at all
    CliRunner fresh = new CliRunner(tmp.resolve("home-without-key"), tmp);
    CliRunner.Result refused = fresh.run(NO_KEY, "ingest", "safeguarding", tmp.resolve("home/demo-council/safeguarding.csv").toString());
    assertThat(refused.exitCode()).as(refused.stdout() + refused.stderr()).isEqualTo(2);
    assertThat(refused.stderr()).contains("no pseudonymisation key").contains("CARELAKE_PSEUDONYMISATION_KEY").contains("Nothing was landed");
    assertThat(tmp.resolve("home-without-key/catalog.db")).doesNotExist();

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
