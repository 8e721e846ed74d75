package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.returns.ReturnWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user sees: `demo` on an empty home loads the three real CQC samples, generates a year of Oldham council
 * data, builds, and prints the benchmark and KPI tables and the dataset checks; `dq-suggest` profiles a table; then
 * `template` writes a workbook for a contracted service and `dq-report` the data-quality report; then Superset on the
 * same home: the bundled dashboards, their numbers against `carelake sql`, a screenshot each.
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
        .contains("Critical performance failures")
        // dataset checks after the second build: the anomaly checks compare with the first (CQC-only) build
        .containsPattern("dataset checks \\(dq\\.dataset_check_result, run \\S+\\): (\\d+) checks: \\1 passed, 0 failed \\(0 error, 0 warning\\), 0 skipped");
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

    // the portal's check of an upload: the blank template misses every mandatory measure; nothing of it lands
    String rawBefore = cli.run("sql", "SELECT count(*) FROM raw.return_measure").stdout();
    CliRunner.Result check = cli.run("dq-check", xlsx.toString());
    assertThat(check.exitCode()).as(check.stderr()).isEqualTo(1);
    assertThat(check.stdout()).contains("template.xlsx: ").contains("MM01").contains("HC_CALLS_SCHEDULED (").contains("[missing_measure]");
    assertThat(cli.run("sql", "SELECT count(*) FROM raw.return_measure").stdout()).isEqualTo(rawBefore);

    // the rules judged against the faults the generator injected into the demo's council data
    CliRunner.Result eval = cli.run("dq-eval", "--truth", tmp.resolve("home/demo-council/truth.csv").toString());
    assertThat(eval.exitCode()).as(eval.stderr()).isZero();
    assertThat(eval.stdout()).as(eval.stdout()).containsPattern("cross_source\\s+[1-9]\\d*\\s+[1-9]")
        .containsPattern("false_positive_%\\s+[1-9]\\d*\\s+\\d+");

    riskRankingOnTheDemoData(cli, r.stdout());
    dqReportOnTheDemoData(cli);
    dashboardsOnTheDemoData(cli);
  }

  /**
   * Superset beside the product, on this demo's home (no second demo run): `serve` in the background for the SQL
   * endpoint, `dashboards up` (installs the pinned Superset into the home's venv, imports the bundle, starts it), then
   * `dashboards check`: every dashboard and chart of the bundle through Superset's API, each chart's numbers against
   * `carelake sql`, and a headless-browser screenshot per dashboard in target/dashboard-screenshots. Superset and the
   * SQL endpoint are always stopped.
   */
  private void dashboardsOnTheDemoData(CliRunner cli) throws Exception {
    Path home = tmp.resolve("home");
    int sqlPort = CliRunner.freePort();
    int httpPort = CliRunner.freePort();
    int supersetPort = CliRunner.freePort();
    Map<String, String> env = Map.of("CARELAKE_HOME", home.toString(), "CARELAKE_SQL_PORT", Integer.toString(sqlPort),
        "CARELAKE_HTTP_PORT", Integer.toString(httpPort), "CARELAKE_SUPERSET_PORT", Integer.toString(supersetPort),
        "CARELAKE_JAVA_OPTS", "-Xmx2g");
    Path script = CliRunner.repoRoot().resolve("dashboards/bin/dashboards").toAbsolutePath().normalize();
    Path screenshots = Path.of("target", "dashboard-screenshots").toAbsolutePath();
    Path serveLog = tmp.resolve("serve.log");
    Process serve = cli.builder(env, "serve").redirectErrorStream(true).redirectOutput(serveLog.toFile()).start();
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (!Files.readString(serveLog).contains("SQL endpoint (HiveServer2")) {
        assertThat(serve.isAlive()).as("serve exited: " + tail(serveLog)).isTrue();
        assertThat(System.nanoTime()).as("serve did not open the SQL endpoint in 5 minutes: " + tail(serveLog)).isLessThan(deadline);
        Thread.sleep(500);
      }
      long t0 = System.nanoTime();
      CliRunner.Result up = runScript(script, env, "up");
      assertThat(up.exitCode()).as(up.stdout() + up.stderr()).isZero();
      assertThat(up.stdout()).contains("Superset: http://127.0.0.1:" + supersetPort);
      Path superset = home.resolve("superset");
      for (String secret : List.of("secret_key", "admin_password")) {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(superset.resolve(secret)))).as(secret).isEqualTo("rw-------");
      }
      assertThat(Files.readString(superset.resolve("superset_config.py"))).doesNotContain(Files.readString(superset.resolve("secret_key")).strip());
      long t1 = System.nanoTime();
      CliRunner.Result check = runScript(script, env, "check", "--screenshots", screenshots.toString());
      long t2 = System.nanoTime();
      System.out.println("DemoIT dashboards: up " + TimeUnit.NANOSECONDS.toSeconds(t1 - t0) + " s, check "
          + TimeUnit.NANOSECONDS.toSeconds(t2 - t1) + " s\n" + check.stdout());
      assertThat(check.exitCode()).as(check.stdout() + check.stderr()).isZero();
      assertThat(check.stdout()).contains("dashboards check: 4 dashboards and").contains("numbers match `carelake sql`");
      for (String slug : List.of("ratings", "provider-performance", "submission-quality", "risk-and-activity")) {
        assertThat(screenshots.resolve("carelake-" + slug + ".png")).isNotEmptyFile();
      }
    } finally {
      CliRunner.Result down = runScript(script, env, "down");
      serve.destroy();
      if (!serve.waitFor(60, TimeUnit.SECONDS)) {
        serve.destroyForcibly();
      }
      assertThat(down.exitCode()).as(down.stdout() + down.stderr()).isZero();
    }
  }

  private CliRunner.Result runScript(Path script, Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new java.util.ArrayList<>(List.of(script.toString()));
    cmd.addAll(List.of(args));
    Path out = Files.createTempFile(tmp, "dashboards", ".out");
    Path err = Files.createTempFile(tmp, "dashboards", ".err");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(CliRunner.TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new IllegalStateException("dashboards " + String.join(" ", args) + " did not finish in " + CliRunner.TIMEOUT_MINUTES + " minutes");
    }
    return new CliRunner.Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }


  private static String tail(Path log) throws java.io.IOException {
    String text = Files.readString(log);
    return text.substring(Math.max(0, text.length() - 4000));
  }

  /**
   * The generator gives services under a notice, suspension or large scale enquiry worse KPIs and more concerns: the
   * ranking must put every one of them in its top quarter, naming the action, and every service in its top ten must show
   * a problem a team would act on.
   */
  private void riskRankingOnTheDemoData(CliRunner cli, String demoOut) throws Exception {
    assertThat(demoOut).contains("Where to look next").containsPattern("\\n\\s*1\\s+\\d+\\.\\d\\s+1-\\d+");
    long services = Long.parseLong(cli.run("sql", "SELECT count(*) FROM marts.mart_provider_risk").stdout().lines().skip(1).findFirst().orElseThrow());
    List<String> underAction = cli.run("sql", "SELECT r.risk_rank, r.reasons_text LIKE '%contract action(s) in force%' FROM marts.mart_provider_risk r "
        + "WHERE EXISTS (SELECT 1 FROM marts.mart_contract_actions a WHERE a.contract_id = r.contract_id AND a.status = 'active' "
        + "AND a.action_type IN ('improvement_notice', 'default_notice', 'suspension_of_referrals', 'large_scale_enquiry'))")
        .stdout().lines().skip(1).toList();
    assertThat(underAction).isNotEmpty().allSatisfy(line -> {
      String[] f = line.split(",");
      assertThat(Long.parseLong(f[0])).as(line).isLessThanOrEqualTo(Math.max(1, services / 4));
      assertThat(f[1]).as(line).isEqualTo("true");
    });
    String topWithoutAProblem = cli.run("sql", "SELECT count(*) FROM marts.mart_provider_risk WHERE risk_rank <= 10 AND NOT exists(components, "
        + "c -> c.component IN ('critical_kpi_breach', 'cqc_overall', 'contract_actions', 'officer_judgement', 'large_scale_enquiry', "
        + "'safeguarding_trend') AND c.value >= 0.5)").stdout();
    assertThat(topWithoutAProblem.lines().skip(1).findFirst().orElseThrow()).as(topWithoutAProblem).isEqualTo("0");
  }

  /**
   * The data-quality report on the demo home: the council overview and a file pair per provider, the CSV rows matching
   * dq.submission_finding, a value a spreadsheet would take for a formula neutralised, an unknown provider refused and an
   * empty period reported as empty.
   */
  private void dqReportOnTheDemoData(CliRunner cli) throws Exception {
    List<CSVRecord> counts = csv(cli.run("sql", "SELECT (SELECT count(*) FROM dq.submission_finding) AS findings, "
        + "(SELECT count(DISTINCT provider_id) FROM marts.mart_submission_quality) AS providers").stdout());
    long allFindings = Long.parseLong(counts.get(0).get("findings"));
    int providers = Integer.parseInt(counts.get(0).get("providers"));
    assertThat(allFindings).isPositive();

    Path all = tmp.resolve("dq-report-all");
    CliRunner.Result r = cli.run("dq-report", "--all", "-o", all.toString());
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout()).contains("dq-report: ").contains(allFindings + " finding(s)");
    String index = Files.readString(all.resolve("index.html"));
    assertThat(index).contains("Council overview of all providers").contains("Providers, most concerning first")
        .contains("Bedford Borough").contains("Persistently inaccurate").doesNotContain("<script");
    try (Stream<Path> files = Files.list(all)) {
      List<String> names = files.map(p -> p.getFileName().toString()).toList();
      assertThat(names.stream().filter(n -> n.matches("provider-[A-Za-z0-9_-]+\\.html"))).hasSizeGreaterThanOrEqualTo(providers);
      assertThat(names).contains("findings.csv", "cqc-geography.csv").allMatch(n -> !n.startsWith(".dq-report-"));
    }
    assertThat(reportCsv(all.resolve("findings.csv"))).hasSize((int) allFindings);

    // the provider with the most findings among those with a value Excel would read as a formula (a negative count)
    List<CSVRecord> pick = csv(cli.run("sql", "SELECT provider_id, count(*) AS findings, "
        + "count_if(substr(value, 1, 1) IN ('=', '+', '-', '@')) AS formula_like FROM dq.submission_finding "
        + "GROUP BY provider_id ORDER BY formula_like DESC, findings DESC, provider_id LIMIT 1").stdout());
    String provider = pick.get(0).get("provider_id");
    int findings = Integer.parseInt(pick.get(0).get("findings"));
    int formulaLike = Integer.parseInt(pick.get(0).get("formula_like"));
    assertThat(formulaLike).as("the demo's faults include a negative value").isPositive();

    Path one = tmp.resolve("dq-report-one");
    r = cli.run("dq-report", "--provider", provider, "-o", one.toString());
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    String stem = "provider-" + provider;
    assertThat(Files.readString(one.resolve(stem + ".html"))).contains(provider).contains("Timeliness").contains("Accuracy")
        .contains("Target <span>95%</span>").contains("Findings by service and period").doesNotContain("Council overview of all providers");
    List<CSVRecord> rows = reportCsv(one.resolve(stem + ".csv"));
    assertThat(rows).hasSize(findings).allSatisfy(row -> assertThat(row.get("provider_id")).isEqualTo(provider));
    assertThat(rows).extracting(row -> row.get("value")).filteredOn(v -> v.startsWith("'")).hasSize(formulaLike);
    assertThat(rows).allSatisfy(row -> java.util.Arrays.stream(row.values()).forEach(cell -> assertThat(cell).doesNotStartWith("=").doesNotStartWith("+")
        .doesNotStartWith("-").doesNotStartWith("@")));

    r = cli.run("dq-report", "--provider", "1-NO-SUCH-PROVIDER", "-o", tmp.resolve("dq-report-unknown").toString());
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isEqualTo(2);
    assertThat(r.stderr()).contains("unknown provider '1-NO-SUCH-PROVIDER'");

    Path empty = tmp.resolve("dq-report-empty");
    r = cli.run("dq-report", "--provider", provider, "--period", "2019-01..2019-03", "-o", empty.toString());
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(Files.readString(empty.resolve(stem + ".html"))).contains("Nothing to report for 2019-01 to 2019-03");
    assertThat(reportCsv(empty.resolve(stem + ".csv"))).isEmpty();
  }

  private static List<CSVRecord> csv(String text) throws Exception {
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(text)).getRecords();
  }

  /** A report CSV: UTF-8 with a byte order mark, a header, one record per finding. */
  private static List<CSVRecord> reportCsv(Path file) throws Exception {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(text).startsWith("\uFEFF");
    return csv(text.substring(1));
  }
}
