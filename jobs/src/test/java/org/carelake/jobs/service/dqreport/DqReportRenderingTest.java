package org.carelake.jobs.service.dqreport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.carelake.jobs.service.dqreport.ReportData.Finding;
import org.carelake.jobs.service.dqreport.ReportData.GeographyFinding;
import org.carelake.jobs.service.dqreport.ReportData.ProviderKpis;
import org.carelake.jobs.service.dqreport.ReportData.Snapshot;
import org.carelake.jobs.service.dqreport.ReportData.Submission;
import org.carelake.jobs.service.dqreport.ReportData.TableExtract;
import org.carelake.jobs.service.dqreport.ReportView.CouncilPage;
import org.carelake.jobs.service.dqreport.ReportView.ProviderPage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report from a few given findings: grouping, wording, escaping, the CSV's Excel safety, empty periods, file names. */
class DqReportRenderingTest {

  static final String BAD = "1-100";
  static final String GOOD = "2-200";
  static final String HOME = "1-555";
  static final String CARE = "1-666";
  static final Instant NOW = Instant.parse("2025-08-27T09:30:00Z");
  static final Instant DETECTED = Instant.parse("2025-08-26T12:00:00Z");
  static final LocalDate JUL = LocalDate.of(2025, 7, 1);
  static final LocalDate JUN = LocalDate.of(2025, 6, 1);
  static final LocalDate Q2 = LocalDate.of(2025, 4, 1);

  final ReportRenderer renderer = new ReportRenderer();

  static Finding finding(String location, String name, String type, String returnType, LocalDate start, String rule, String cls,
      String severity, String description, String measure, String measureDescription, String value, String evidence) {
    return new Finding(BAD, "Acme <Care> & Co", location, name, type, returnType, start,
        org.carelake.ingestion.returns.ReturnPeriod.endFor(returnType, start), rule, cls, severity, description, measure,
        measureDescription, value, evidence, DETECTED);
  }

  static Submission submission(String provider, String location, String name, String type, String returnType, LocalDate start,
      boolean received, boolean onTime, Integer daysLate, long errors, long warnings) {
    LocalDate end = org.carelake.ingestion.returns.ReturnPeriod.endFor(returnType, start);
    LocalDate due = org.carelake.ingestion.returns.ReturnPeriod.dueDate(returnType, end);
    Instant at = received ? due.plusDays(daysLate == null ? -2 : daysLate).atStartOfDay(ReportBuilder.LONDON).toInstant() : null;
    return new Submission("C-" + location + returnType, provider, location, name, type, returnType, start, end, received, at, due,
        onTime, daysLate, errors, warnings, received ? errors == 0 : null, null);
  }

  static Snapshot snapshot() {
    List<Finding> findings = List.of(
        finding(HOME, "Sunny Home", "care_home_older_people", "monthly", JUL, "IV01", "invalid_value", "error",
            "The value is not a number, or not a date (YYYY-MM-DD) for a date measure.", "SP_ACTIVE_RESIDENTS",
            "People supported at the end of the period", "=HYPERLINK(\"http://evil.example\",\"click\")",
            "SP_ACTIVE_RESIDENTS is measured in count; <script>alert(1)</script> is not a valid count value"),
        finding(HOME, "Sunny Home", "care_home_older_people", "monthly", JUL, "IV02", "invalid_value", "error",
            "A count or a number of hours cannot be negative.", "WF_LEAVERS", "Staff who left", "-5",
            "WF_LEAVERS is measured in count; \"-5\" is not a valid count value"),
        finding(HOME, "Sunny Home", "care_home_older_people", "monthly", JUL, "HA01", "history_anomaly", "warning",
            "A value is ten times higher or lower than in your recent returns.", "KPI_ROTA_HOURS_REQUIRED", "Rota hours required", "9000",
            "KPI_ROTA_HOURS_REQUIRED 9000 against a median of 900.0 in the last three returns"),
        finding(HOME, "Sunny Home", "care_home_older_people", "monthly", JUN, "LT01", "late", "warning",
            "The return arrived after its due date.", null, null, null, "first submitted 2025-07-14, due 2025-07-10: 4 day(s) late"),
        finding(CARE, "Care@Home", "home_support", "quarterly", Q2, "MS01", "missing_submission", "error",
            "The return was due but has not arrived.", null, null, null, "due 2025-07-15, not received by 2025-08-26"));
    List<Submission> subs = List.of(
        submission(BAD, HOME, "Sunny Home", "care_home_older_people", "monthly", JUL, true, true, null, 2, 1),
        submission(BAD, HOME, "Sunny Home", "care_home_older_people", "monthly", JUN, true, false, 4, 0, 1),
        submission(BAD, HOME, "Sunny Home", "care_home_older_people", "monthly", LocalDate.of(2025, 5, 1), true, true, null, 0, 0),
        submission(BAD, CARE, "Care@Home", "home_support", "quarterly", Q2, false, false, null, 0, 0),
        submission(GOOD, "1-777", "Good Place", "supported_living", "monthly", JUL, true, true, null, 0, 0));
    ProviderKpis bad = new ProviderKpis(BAD, "Acme <Care> & Co", LocalDate.of(2024, 8, 26), LocalDate.of(2025, 8, 26), 4, 3, 2, 1, 1,
        2, 1, new BigDecimal("50.00"), new BigDecimal("66.67"), new BigDecimal("95.00"), new BigDecimal("95.00"), false, false, 2, 2,
        1, false, 3, true, "3 of 3 returns received had errors, in 3 months (2025-05, 2025-06, 2025-07)");
    ProviderKpis good = new ProviderKpis(GOOD, "Good Co", LocalDate.of(2024, 8, 26), LocalDate.of(2025, 8, 26), 1, 1, 1, 0, 0, 1, 0,
        new BigDecimal("100.00"), new BigDecimal("100.00"), new BigDecimal("95.00"), new BigDecimal("95.00"), true, true, 0, 0, 0,
        false, 0, false, null);
    List<GeographyFinding> geo = List.of(new GeographyFinding("local_authority", "Bedford Borough", "cqc_asc_wide", "geography_unmatched",
        "warning", 3, LocalDate.of(2025, 9, 22), LocalDate.of(2025, 9, 22), "3 locations name 'Bedford Borough'"));
    return new Snapshot(LocalDate.of(2025, 8, 26), Map.of(BAD, "Acme <Care> & Co", GOOD, "Good Co"), findings, subs,
        Map.of(BAD, bad, GOOD, good), geo, Optional.empty());
  }

  static List<CSVRecord> parse(String csv) throws Exception {
    assertThat(csv).startsWith("\uFEFF");
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(csv.substring(1)))
        .getRecords();
  }

  @Test
  void providerPageGroupsFindingsByServiceAndPeriodAndEscapesEverything() {
    ReportBuilder builder = new ReportBuilder(snapshot(), Optional.empty(), NOW);
    ProviderPage page = builder.providerPage(BAD, null, "provider-1-100.csv");
    assertThat(page.services()).extracting(ReportView.ServiceBlock::name).containsExactly("Care@Home", "Sunny Home");
    ReportView.ServiceBlock home = page.services().get(1);
    assertThat(home.periods()).extracting(ReportView.PeriodBlock::heading)
        .containsExactly("Monthly return, July 2025", "Monthly return, June 2025");
    assertThat(home.periods().get(0).findings()).extracting(ReportView.FindingLine::ruleCode).containsExactly("IV01", "IV02", "HA01");
    assertThat(home.returnsWithoutFindings()).isEqualTo(1);
    assertThat(page.lateOrMissing()).extracting(r -> r.status().text()).containsExactly("Missing", "4 days late");
    assertThat(page.kpis().timeliness().tag().text()).isEqualTo("Not met");
    assertThat(page.kpis().accuracy().value()).isEqualTo("66.7%");

    String html = renderer.providerHtml(page);
    assertThat(html)
        .contains("<html lang=\"en-GB\"")
        .contains("Acme &lt;Care&gt; &amp; Co")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>")
        .contains("Monthly return, July 2025").contains("Quarterly return, April to June 2025")
        .contains("People supported at the end of the period").contains("SP_ACTIVE_RESIDENTS")
        .contains("A count or a number of hours cannot be negative.")
        .contains("Not met").contains("95%").contains("50%")
        .contains("Persistently inaccurate").contains("in 3 months (2025-05, 2025-06, 2025-07)")
        .contains("4 days late").contains("Missing")
        .contains("<th scope=\"col\">Evidence</th>")
        .contains("href=\"provider-1-100.csv\"")
        .doesNotContain("Council overview of all providers");
    // self-contained: no external style sheet, script, image or font
    assertThat(html).doesNotContainPattern("(?i)<link|<script|<img|src=|@import|url\\(");
  }

  @Test
  void csvHasOneRowPerFindingAndNeutralisesFormulas() throws Exception {
    ReportBuilder builder = new ReportBuilder(snapshot(), Optional.empty(), NOW);
    String csv = ReportRenderer.findingsCsv(builder.findings(BAD));
    List<CSVRecord> rows = parse(csv);
    assertThat(rows).hasSize(5);
    assertThat(rows.get(0).getParser().getHeaderNames()).isEqualTo(ReportRenderer.CSV_HEADER);
    assertThat(rows).extracting(r -> r.get("value"))
        .contains("'=HYPERLINK(\"http://evil.example\",\"click\")", "'-5", "9000", "");
    assertThat(rows).extracting(r -> r.get("location_name")).contains("Care@Home");
    assertThat(rows).allSatisfy(r -> {
      for (String cell : r.values()) {
        assertThat(cell).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@");
      }
    });
    CSVRecord first = rows.get(0);
    assertThat(first.get("provider_name")).isEqualTo("Acme <Care> & Co");
    assertThat(first.get("period_end")).isNotEmpty();
    assertThat(first.get("detected_at")).isEqualTo("2025-08-26T12:00:00Z");
    assertThat(ReportRenderer.neutralise("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(ReportRenderer.neutralise("+44 161")).isEqualTo("'+44 161");
    assertThat(ReportRenderer.neutralise("12")).isEqualTo("12");
  }

  @Test
  void anEmptyPeriodSaysThereIsNothing() {
    ReportBuilder builder = new ReportBuilder(snapshot(), Optional.of(PeriodRange.parse("2019-01..2019-03")), NOW);
    ProviderPage page = builder.providerPage(BAD, "index.html", "provider-1-100.csv");
    assertThat(page.empty()).isTrue();
    String html = renderer.providerHtml(page);
    assertThat(html).contains("Nothing to report for 2019-01 to 2019-03").contains("href=\"index.html\"");
    assertThat(ReportRenderer.findingsCsv(page.findings())).isEqualTo("\uFEFF" + String.join(",", ReportRenderer.CSV_HEADER) + "\r\n");

    CouncilPage council = builder.councilPage(id -> "provider-" + id + ".html", "findings.csv", "cqc-geography.csv");
    assertThat(renderer.councilHtml(council)).contains("Returns in 2019-01 to 2019-03");
  }

  @Test
  void aPeriodKeepsTheReturnsThatOverlapIt() {
    ReportBuilder may = new ReportBuilder(snapshot(), Optional.of(PeriodRange.parse("2025-05")), NOW);
    // the quarterly return for April to June overlaps May; the monthly returns for June and July do not
    assertThat(may.findings(BAD)).extracting(Finding::ruleCode).containsExactly("MS01");
    ProviderPage page = may.providerPage(BAD, null, "x.csv");
    assertThat(page.selected().due()).isEqualTo(2);
    assertThat(page.selected().missing()).isEqualTo(1);
  }

  @Test
  void councilOverviewRanksWorstFirstAndListsCqcMismatchesAndChecks() {
    Snapshot s = snapshot();
    Snapshot withChecks = new Snapshot(s.asOf(), s.providerNames(), s.findings(), s.submissions(), s.kpis(), s.geography(),
        Optional.of(new TableExtract("dq.dataset_check_result", List.of("check", "constraint_status"),
            List.of(List.of("<b>not null</b>", "Failure")), 4, 1L)));
    ReportBuilder builder = new ReportBuilder(withChecks, Optional.empty(), NOW);
    CouncilPage page = builder.councilPage(id -> ReportFiles.providerStem(id) + ".html", "findings.csv", "cqc-geography.csv");
    assertThat(page.providers()).extracting(ReportView.ProviderRow::providerId).containsExactly(BAD, GOOD);
    assertThat(page.persistentlyInaccurate()).isEqualTo(1);
    assertThat(page.meetingBothTargets()).isEqualTo(1);
    String html = renderer.councilHtml(page);
    assertThat(html)
        .contains("href=\"provider-1-100.html\"").contains("href=\"provider-2-200.html\"")
        .contains("Acme &lt;Care&gt; &amp; Co")
        .contains("Bedford Borough")
        .contains("Warehouse checks").contains("&lt;b&gt;not null&lt;/b&gt;").contains("4 check results, 1 not passed")
        .contains("<th scope=\"colgroup\" colspan=\"4\">Last 12 months</th>");
    assertThat(html.indexOf("provider-1-100.html")).isLessThan(html.indexOf("provider-2-200.html"));

    String noChecks = renderer.councilHtml(new ReportBuilder(s, Optional.empty(), NOW)
        .councilPage(id -> id + ".html", "findings.csv", "cqc-geography.csv"));
    assertThat(noChecks).doesNotContain("Warehouse checks");
  }

  @Test
  void fileNamesComeFromCleanedIdsAndStayInTheFolder(@TempDir Path tmp) throws Exception {
    assertThat(ReportFiles.providerStem("1-101634620")).isEqualTo("provider-1-101634620");
    String evil = ReportFiles.providerStem("../../etc/passwd");
    assertThat(evil).matches("provider-[A-Za-z0-9_-]+").doesNotContain("..").doesNotContain("/");
    assertThat(ReportFiles.providerStem("a/b")).isNotEqualTo(ReportFiles.providerStem("a_b"));
    assertThat(DqReportService.stems(List.of("A", "a"))).containsValues("provider-A", "provider-a-2");

    ReportFiles files = new ReportFiles(tmp.resolve("out/nested"));
    Path written = files.write(evil + ".html", "<p>x</p>");
    assertThat(written.getParent()).isEqualTo(tmp.resolve("out/nested").toRealPath());
    assertThat(Files.readString(written)).isEqualTo("<p>x</p>");
    // readable as any file made here (the umask's), not owner-only as a temporary file would be
    Path plain = Files.createFile(tmp.resolve("plain.txt"));
    assertThat(Files.getPosixFilePermissions(written)).isEqualTo(Files.getPosixFilePermissions(plain));
    assertThatThrownBy(() -> new ReportFiles(plain)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is a file");
    assertThatThrownBy(() -> files.write("../escape.html", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> files.write(tmp.resolve("escape.html").toAbsolutePath().toString(), "x")).isInstanceOf(IllegalArgumentException.class);
    try (var listing = Files.list(files.dir())) {
      assertThat(listing.map(p -> p.getFileName().toString())).containsExactly(evil + ".html");
    }
  }

  @Test
  void periodsParseOrAreRefusedWithTheExpectedForm() {
    assertThat(PeriodRange.parse("2025-04..2025-06")).isEqualTo(new PeriodRange(YearMonth.of(2025, 4), YearMonth.of(2025, 6)));
    assertThat(PeriodRange.parse("2025-04").label()).isEqualTo("2025-04");
    assertThatThrownBy(() -> PeriodRange.parse("2025-6")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("YYYY-MM");
    assertThatThrownBy(() -> PeriodRange.parse("2025-13")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeriodRange.parse("2025-06..2025-04")).isInstanceOf(IllegalArgumentException.class);
  }
}
