package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TestLakehouse;
import org.carelake.transforms.preview.SubmissionFinding;
import org.carelake.transforms.preview.SubmissionValidator;
import org.carelake.transforms.quality.DatasetCheck;
import org.carelake.transforms.quality.DatasetCheckRunner;
import org.carelake.transforms.quality.DatasetChecks;
import org.carelake.transforms.quality.Deequ;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Given a contract register, a few returns and two CQC documents, the submission, KPI, critical-failure and market
 * marts give the hand-checked rows: a re-submission supersedes, a late return is late, missing inputs are "no data"
 * (never 0%), breaches run in a row, a contract with no returns owes every period, three missing in a row is a
 * service failure.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KpiComplianceScenarioTest {

  static final String PA = "1-100000001";
  static final String PB = "1-100000002";
  static final String PX = "1-100000003";
  static final String A = "1-200000001";
  static final String B = "1-200000002";
  static final String X = "1-200000003";

  SparkSession spark;
  List<ModelRunner.ModelResult> results;

  @BeforeAll
  void build() throws Exception {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    LocalDate snap = LocalDate.parse("2025-01-01");
    RawFixtures f = new RawFixtures(spark)
        .apiDoc(snap, A, "Registered", "Adult social care", true, 40, "N", "Oldham", "North West", "Requires improvement", "2024-06-01",
            Map.of("Safe", "Inadequate", "Effective", "Good", "Caring", "Good", "Responsive", "Good", "Well-led", "Requires improvement"))
        .apiDoc(snap, B, "Registered", "Adult social care", false, 0, "N", "Oldham", "North West", "Good", "2023-06-01", Map.of())
        .contract("C1", PA, A, "care_home_older_people", "30", null, "2024-10-01", null)
        .contract("C2", PB, B, "home_support", null, "200", "2024-09-01", null)
        .contract("C3", PX, X, "supported_living", null, "120.5", "2024-07-01", null)
        // so the contract action register, and its dataset checks, have a row to look at
        .contractAction("CA1", PA, A, "improvement_notice", "2024-12-02", null, "Medication audits below target");
    // A: MAR audits monthly; training only in October; November re-submitted with a correction; December late
    String[][] mar = {{"2024-10-01", "2024-11-08T09:00:00+00:00", "20", "19"}, {"2024-11-01", "2024-12-09T09:00:00+00:00", "20", "15"},
        {"2024-11-01", "2024-12-20T09:00:00+00:00", "20", "20"}, {"2024-12-01", "2025-01-14T09:00:00+00:00", "20", "18"},
        {"2025-01-01", "2025-02-09T09:00:00+00:00", "20", "10"}};
    for (String[] m : mar) {
      f.returnMeasure(PA, A, "monthly", m[0], m[1], "KPI_MAR_AUDITS_DUE", m[2]);
      f.returnMeasure(PA, A, "monthly", m[0], m[1], "KPI_MAR_AUDITS_DONE", m[3]);
    }
    f.returnMeasure(PA, A, "monthly", "2024-10-01", "2024-11-08T09:00:00+00:00", "KPI_TRAINING_REQUIRED", "100");
    f.returnMeasure(PA, A, "monthly", "2024-10-01", "2024-11-08T09:00:00+00:00", "KPI_TRAINING_COMPLETED", "96");
    f.returnMeasure(PA, A, "monthly", "2024-10-01", "2024-11-08T09:00:00+00:00", "KPI_ROTA_HOURS_REQUIRED", "");
    // B: September only, then nothing
    f.returnMeasure(PB, B, "monthly", "2024-09-01", "2024-10-07T12:00:00+01:00", "HC_CALLS_SCHEDULED", "1000");
    f.returnMeasure(PB, B, "monthly", "2024-09-01", "2024-10-07T12:00:00+01:00", "HC_CALLS_MISSED", "10");
    f.returnMeasure(PB, B, "monthly", "2024-09-01", "2024-10-07T12:00:00+01:00", "HC_CALLS_LATE", "20");
    // A's December return says 1 concern raised; the council's log holds 2 raised by the provider that month (and one from a
    // family, which is not the provider's to report); November's says 1 against 1. A visit in January found 2 of 12 checked
    // measures not matching the records; one in November found none.
    f.returnMeasure(PA, A, "monthly", "2024-12-01", "2025-01-14T09:00:00+00:00", "SG_CONCERNS_RAISED", "1");
    f.returnMeasure(PA, A, "monthly", "2024-11-01", "2024-12-20T09:00:00+00:00", "SG_CONCERNS_RAISED", "1");
    f.concern("SG1", PA, A, "2024-12-03", "provider").concern("SG2", PA, A, "2024-12-19", "provider")
        .concern("SG3", PA, A, "2024-12-20", "family").concern("SG4", PA, A, "2024-11-05", "provider");
    f.visit("V1", PA, A, "2025-01-21", "proactive", 12, 2).visit("V2", PA, A, "2024-11-12", "annual_audit", 8, 0);
    f.land();
    results = new ModelRunner(spark).buildAll(Models.load());
  }

  @Test
  void everyModelKeepsItsContract() {
    assertThat(results).allSatisfy(r -> assertThat(r.violations()).as(r.table()).isEmpty());
  }

  @Test
  void theDatasetChecksRunOnTheBuiltTablesAndPass() {
    DatasetCheckRunner.Report report = new DatasetCheckRunner(spark, java.time.Clock.systemUTC()).run();
    assertThat(report.results()).extracting(DatasetCheckRunner.Result::code)
        .containsExactlyElementsOf(DatasetChecks.all().stream().map(DatasetCheck::code).toList());
    // the anomaly checks have no earlier run here: they only record; every other check holds on these tables, or has
    // no rows to look at (no percentage measure is returned here)
    assertThat(report.results()).allSatisfy(r -> assertThat(r.status())
        .as(r.code() + " " + r.constraint() + ": " + r.message())
        .isEqualTo(r.code().startsWith("AN") || (r.message() != null && r.message().startsWith("no rows where")) ? Deequ.Status.SKIPPED
            : Deequ.Status.PASSED));
    assertThat(report.count(Deequ.Status.PASSED)).isGreaterThanOrEqualTo(DatasetChecks.all().size() - 5);
    assertThat(spark.sql("SELECT count(*) FROM dq.dataset_check_result WHERE run_id = '" + report.runId() + "'").first().getLong(0))
        .isEqualTo(DatasetChecks.all().size());
  }

  @Test
  void theReportingDateIsTheLatestSubmission() {
    assertThat(spark.sql("SELECT as_of_date, basis FROM core.dim_as_of").first())
        .isEqualTo(org.apache.spark.sql.RowFactory.create(Date.valueOf("2025-02-09"), "latest_submission"));
    assertThat(spark.sql("SELECT return_type, monitoring_start_date, submissions_received FROM core.dim_return_type ORDER BY 1").collectAsList())
        .extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2)).containsExactly(
            tuple("annual", null, 0L), tuple("monthly", Date.valueOf("2024-09-01"), 5L), tuple("quarterly", null, 0L));
  }

  @Test
  void aResubmissionSupersedesTheEarlierVersion() {
    Row r = spark.sql("SELECT value_num, versions_received, submitted_at, first_submitted_at FROM staging.stg_return_measure "
        + "WHERE location_id = '" + A + "' AND period_start = DATE'2024-11-01' AND measure_code = 'KPI_MAR_AUDITS_DONE'").first();
    assertThat(((BigDecimal) r.get(0)).intValue()).isEqualTo(20);
    assertThat(r.getInt(1)).isEqualTo(2);
    assertThat(r.get(2).toString()).startsWith("2024-12-20");
    assertThat(r.get(3).toString()).startsWith("2024-12-09");
    assertThat(spark.sql("SELECT count(*) FROM raw.return_measure WHERE location_id = '" + A + "' AND period_start = DATE'2024-11-01'").first().getLong(0))
        .as("raw keeps both versions (4 measure rows, and 1 only in the second)").isEqualTo(5);
  }

  @Test
  void expectedSubmissionsAreReceivedLateOrMissing() {
    List<Row> a = spark.sql("SELECT period_start, due_date, is_received, is_on_time, days_late, versions_received FROM core.fct_submission "
        + "WHERE contract_id = 'C1' AND return_type = 'monthly' ORDER BY period_start").collectAsList();
    assertThat(a).extracting(r -> r.get(0).toString(), r -> r.get(1).toString(), r -> r.get(2), r -> r.get(3), r -> r.get(4), r -> r.get(5))
        .containsExactly(
            tuple("2024-10-01", "2024-11-10", true, true, 0, 1),
            tuple("2024-11-01", "2024-12-10", true, true, 0, 2),
            tuple("2024-12-01", "2025-01-10", true, false, 4, 1));
    List<Row> b = spark.sql("SELECT period_start, is_missing, consecutive_missing, is_service_failure FROM core.fct_submission "
        + "WHERE contract_id = 'C2' AND return_type = 'monthly' ORDER BY period_start").collectAsList();
    assertThat(b).extracting(r -> r.get(0).toString(), r -> r.get(1), r -> r.get(2), r -> r.get(3)).containsExactly(
        tuple("2024-09-01", false, 0, false), tuple("2024-10-01", true, 1, false),
        tuple("2024-11-01", true, 2, false), tuple("2024-12-01", true, 3, true));
  }

  @Test
  void aContractWithNoReturnsOwesEveryPeriodAsMissing() {
    List<Row> x = spark.sql("SELECT return_type, period_start, is_missing FROM core.fct_submission WHERE contract_id = 'C3' "
        + "ORDER BY return_type, period_start").collectAsList();
    // the contract started in July, but monthly returns are expected from September, the first month anyone returned;
    // no quarterly return has arrived from anyone, so those are owed from the contract's start
    assertThat(x).extracting(r -> r.get(0) + " " + r.get(1), r -> r.get(2)).containsExactly(
        tuple("monthly 2024-09-01", true), tuple("monthly 2024-10-01", true), tuple("monthly 2024-11-01", true),
        tuple("monthly 2024-12-01", true), tuple("quarterly 2024-07-01", true), tuple("quarterly 2024-10-01", true));
  }

  @Test
  void kpisAgainstTargetsWithBreachStreaksAndNoDataNeverZero() {
    List<Row> mar = spark.sql("SELECT period_start, numerator, denominator, value_pct, rag, consecutive_breaches, is_critical_breach "
        + "FROM marts.mart_kpi_compliance WHERE contract_id = 'C1' AND kpi_code = 'MAR_AUDITS' ORDER BY period_start").collectAsList();
    assertThat(mar).extracting(r -> r.get(0).toString(), r -> num(r.get(1)), r -> num(r.get(2)), r -> num(r.get(3)), r -> r.get(4), r -> r.get(5), r -> r.get(6))
        .containsExactly(
            tuple("2024-10-01", "19", "20", "95", "green", 0, false),
            tuple("2024-11-01", "20", "20", "100", "green", 0, false),
            tuple("2024-12-01", "18", "20", "90", "amber", 1, false));
    List<Row> training = spark.sql("SELECT period_start, value_pct, rag FROM marts.mart_kpi_compliance "
        + "WHERE contract_id = 'C1' AND kpi_code = 'TRAINING' ORDER BY period_start").collectAsList();
    assertThat(training).extracting(r -> r.get(0).toString(), r -> num(r.get(1)), r -> r.get(2)).containsExactly(
        tuple("2024-10-01", "96", "green"), tuple("2024-11-01", null, "no_data"), tuple("2024-12-01", null, "no_data"));
    assertThat(spark.sql("SELECT DISTINCT rag FROM marts.mart_kpi_compliance WHERE contract_id = 'C1' AND kpi_code = 'ROTA_COVERAGE'")
        .collectAsList()).extracting(r -> r.get(0)).containsExactly("no_data");
    Row calls = spark.sql("SELECT value_pct, rag, direction FROM marts.mart_kpi_compliance WHERE contract_id = 'C2' "
        + "AND kpi_code = 'MISSED_LATE_CALLS' AND period_start = DATE'2024-09-01'").first();
    assertThat(List.of(num(calls.get(0)), calls.get(1), calls.get(2))).containsExactly("3", "green", "lower_better");
    Row quarter = spark.sql("SELECT returns_expected, rag, is_period_complete FROM marts.mart_kpi_compliance WHERE contract_id = 'C1' "
        + "AND kpi_code = 'OUTCOME_REVIEWS' AND period_start = DATE'2024-10-01'").first();
    assertThat(List.of(quarter.getLong(0), quarter.get(1), quarter.get(2))).containsExactly(3L, "no_data", true);
    assertThat(spark.sql("SELECT count(*) FROM marts.mart_kpi_compliance WHERE kpi_code IN ('PACKAGES_ON_TIME', 'MISSED_LATE_CALLS') "
        + "AND contract_id = 'C1'").first().getLong(0)).as("home care KPIs do not apply to a care home").isZero();
  }

  /** What the KPI dashboards show: each active contract's KPIs in their latest complete period, one row each. */
  @Test
  void theLatestCompletePeriodPerContractAndKpi() {
    assertThat(spark.sql("SELECT count(*), count(DISTINCT contract_id, kpi_code) FROM marts.mart_kpi_latest_period").first())
        .satisfies(r -> assertThat(r.getLong(0)).isPositive().isEqualTo(r.getLong(1)));
    // December is C1's latest complete month (January's returns are not all due at 9 February); November's 100% is older
    Row mar = spark.sql("SELECT period_start, value_pct, rag, consecutive_breaches FROM marts.mart_kpi_latest_period "
        + "WHERE contract_id = 'C1' AND kpi_code = 'MAR_AUDITS'").first();
    assertThat(List.of(mar.get(0).toString(), num(mar.get(1)), mar.get(2), mar.get(3))).containsExactly("2024-12-01", "90", "amber", 1);
    // a contract that never returned still shows its KPIs, as no data, never 0%
    assertThat(spark.sql("SELECT DISTINCT rag FROM marts.mart_kpi_latest_period WHERE contract_id = 'C3'").collectAsList())
        .extracting(r -> r.get(0)).containsExactly("no_data");
    // every row is a complete period of mart_kpi_compliance, and no contract and KPI has a later complete one
    assertThat(spark.sql("SELECT count(*) FROM marts.mart_kpi_latest_period l LEFT ANTI JOIN marts.mart_kpi_compliance k "
        + "ON k.contract_id = l.contract_id AND k.kpi_code = l.kpi_code AND k.period_start = l.period_start AND k.is_period_complete "
        + "AND k.rag = l.rag").first().getLong(0)).isZero();
    assertThat(spark.sql("SELECT count(*) FROM marts.mart_kpi_latest_period l JOIN marts.mart_kpi_compliance k "
        + "ON k.contract_id = l.contract_id AND k.kpi_code = l.kpi_code AND k.is_period_complete AND k.period_start > l.period_start")
        .first().getLong(0)).isZero();
    // and every active contract's KPI with a complete period is there
    assertThat(spark.sql("SELECT count(DISTINCT k.contract_id, k.kpi_code) FROM marts.mart_kpi_compliance k "
        + "JOIN core.dim_contract c ON c.contract_id = k.contract_id AND c.is_active WHERE k.is_period_complete").first().getLong(0))
        .isEqualTo(spark.sql("SELECT count(*) FROM marts.mart_kpi_latest_period").first().getLong(0));
  }

  @Test
  void criticalFailuresNameTheirReasons() {
    List<Row> rows = spark.sql("SELECT contract_id, reason_code, subject FROM marts.mart_critical_failures ORDER BY 1, 2, 3").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2)).containsExactly(
        tuple("C1", "cqc_inadequate", "Safe"),
        tuple("C1", "persistently_inaccurate_data", "submissions"),
        tuple("C2", "returns_missing", "monthly"),
        tuple("C3", "returns_missing", "monthly"));
  }

  @Test
  void marketOverviewBySeviceType() {
    List<Row> rows = spark.sql("SELECT service_type, services, contracted_beds, contracted_weekly_hours, rated_services, "
        + "good_or_outstanding, pct_good_or_outstanding FROM marts.mart_market_overview ORDER BY service_type").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> num(r.get(3)), r -> r.get(4), r -> r.get(5), r -> num(r.get(6)))
        .containsExactly(
            tuple("all", 3L, 30L, "320.5", 2L, 1L, "50"),
            tuple("care_home_older_people", 1L, 30L, "0", 1L, 0L, "0"),
            tuple("home_support", 1L, 0L, "200", 1L, 1L, "100"),
            tuple("supported_living", 1L, 0L, "120.5", 0L, 0L, null));
  }

  @Test
  void submissionFindingsNameTheRuleAndTheEvidence() {
    List<Row> late = spark.sql("SELECT location_id, period_start, rule_class, severity, evidence FROM dq.submission_finding "
        + "WHERE rule_code = 'LT01'").collectAsList();
    assertThat(late).extracting(r -> r.get(0), r -> r.get(1).toString(), r -> r.get(2), r -> r.get(3)).containsExactly(
        tuple(A, "2024-12-01", "late", "warning"));
    assertThat(late.get(0).getString(4)).contains("due 2025-01-10").contains("4 day(s) late");
    long missing = spark.sql("SELECT count(*) FROM core.fct_submission WHERE is_missing").first().getLong(0);
    assertThat(spark.sql("SELECT count(*) FROM dq.submission_finding WHERE rule_code = 'MS01'").first().getLong(0)).isEqualTo(missing);
    // A's returns carry only a few measures: every other mandatory monthly measure is a missing_measure error
    assertThat(spark.sql("SELECT count(DISTINCT measure_code) FROM dq.submission_finding WHERE rule_code = 'MM01' AND location_id = '" + A
        + "' AND period_start = DATE'2024-10-01'").first().getLong(0)).isGreaterThan(20);
    assertThat(spark.sql("SELECT count(*) FROM dq.submission_finding WHERE rule_code = 'MM01' AND measure_code = 'KPI_ROTA_HOURS_REQUIRED' "
        + "AND period_start = DATE'2024-10-01' AND evidence LIKE '%is blank'").first().getLong(0)).as("blank is missing, never zero").isEqualTo(1);
    assertThat(spark.sql("SELECT count(*) FROM marts.mart_submission_quality WHERE is_received AND is_accurate").first().getLong(0)).isZero();
  }

  @Test
  void providerDataQualityOverTheRollingYear() {
    // due by 2025-02-09: A owes October to December monthly (December late) and the October quarter (missing); every
    // return A sent lacks mandatory measures, in three different months, the latest within the last three
    List<Row> rows = spark.sql("SELECT provider_id, returns_due, returns_received, returns_on_time, returns_missing, returns_accurate, "
        + "timeliness_pct, accuracy_pct, consecutive_missing, is_service_failure, inaccurate_months, is_persistently_inaccurate "
        + "FROM marts.mart_provider_data_quality ORDER BY provider_id").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3), r -> r.get(4), r -> r.get(5),
            r -> num(r.get(6)), r -> num(r.get(7)), r -> r.get(8), r -> r.get(9), r -> r.get(10), r -> r.get(11))
        .containsExactly(
            tuple(PA, 4L, 3L, 2L, 1L, 0L, "50", "0", 1, false, 3, true),
            // B: September (monthly) on time but inaccurate, then nothing, nor the October quarter: a service failure, not a
            // pattern of inaccuracy
            tuple(PB, 5L, 1L, 1L, 4L, 0L, "20", "0", 3, true, 1, false),
            tuple(PX, 6L, 0L, 0L, 6L, 0L, "0", null, 4, true, 0, false));
    assertThat(spark.sql("SELECT inaccuracy_evidence FROM marts.mart_provider_data_quality WHERE provider_id = '" + PA + "'").first().getString(0))
        .startsWith("3 of 3 returns received had errors (accuracy 0.00% against 95.00%), in 3 different months, latest due January 2025")
        .contains("monthly 2024-12-01");
  }

  @Test
  void returnsAreComparedWithTheSafeguardingLogAndVisitSpotChecks() {
    List<Row> rows = spark.sql("SELECT rule_code, cast(period_start as string), measure_code, value, evidence FROM dq.submission_finding "
        + "WHERE rule_class = 'cross_source' ORDER BY 1, 2").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3)).containsExactly(
        tuple("CS03", "2024-12-01", "SG_CONCERNS_RAISED", "1"),
        tuple("CS04", "2025-01-01", null, "2"));
    assertThat(rows.get(0).getString(4)).isEqualTo("concerns raised 1 < 2 concern(s) in the council safeguarding log raised by the provider "
        + "between 2024-12-01 and 2024-12-31 (SG1, SG2)");
    assertThat(rows.get(1).getString(4)).isEqualTo("council visit V1 on 2025-01-21 checked 12 returned measures against care plans, rotas "
        + "and timesheets: 2 did not match");
  }

  @Test
  void anUploadIsValidatedAgainstEveryRuleWithoutLanding() {
    long rawBefore = spark.table("raw.return_measure").count();
    long findingsBefore = spark.table("dq.submission_finding").count();
    String at = "2025-03-05T09:00:00+00:00";
    List<Row> upload = new RawFixtures(spark)
        .returnMeasure(PA, A, "monthly", "2025-02-01", at, "CC_COMPLAINTS_RECEIVED", "1")
        .returnMeasure(PA, A, "monthly", "2025-02-01", at, "CC_COMPLAINTS_UPHELD", "3")
        .returnMeasure(PA, A, "monthly", "2025-02-01", at, "KPI_MAR_AUDITS_DUE", "20")
        .returnMeasure(PA, A, "monthly", "2025-02-01", at, "KPI_MAR_AUDITS_DONE", "ten")
        .returnRows();
    List<SubmissionFinding> found = new SubmissionValidator(spark).validate(upload);
    assertThat(found).allSatisfy(f -> assertThat(f.locationId() + " " + f.periodStart()).isEqualTo(A + " 2025-02-01"));
    assertThat(found).filteredOn(f -> !f.ruleCode().equals("MM01"))
        .extracting(SubmissionFinding::ruleCode, SubmissionFinding::measureCode, SubmissionFinding::value)
        .containsExactly(tuple("IC01", "CC_COMPLAINTS_UPHELD", "3"), tuple("IV01", "KPI_MAR_AUDITS_DONE", "ten"));
    assertThat(found).filteredOn(f -> f.ruleCode().equals("MM01")).extracting(SubmissionFinding::measureCode)
        .contains("CC_COMPLAINTS_RESOLVED_28D").doesNotContain("CC_COMPLAINTS_UPHELD", "KPI_MAR_AUDITS_DONE");
    assertThat(found.get(0).description()).isEqualTo("More complaints are shown as upheld than were received.");
    // the same upload sent late is also told so; nothing of either check lands
    List<Row> late = new RawFixtures(spark).returnMeasure(PA, A, "monthly", "2025-02-01", "2025-03-12T09:00:00+00:00",
        "CC_COMPLAINTS_RECEIVED", "1").returnRows();
    assertThat(new SubmissionValidator(spark).validate(late)).extracting(SubmissionFinding::ruleCode).contains("LT01").doesNotContain("IC01");
    assertThat(spark.table("raw.return_measure").count()).isEqualTo(rawBefore);
    assertThat(spark.table("dq.submission_finding").count()).isEqualTo(findingsBefore);
  }

  @Test
  void aReturnThatCopiesThePreviousOneIsFlaggedBlanksIncluded() {
    // B's September return: 1000 calls scheduled, 10 missed, 20 late. October adds a blank measure, November repeats
    // October exactly (the blank too), December changes one value.
    RawFixtures upload = new RawFixtures(spark);
    String[][] months = {{"2024-10-01", "2024-11-05T09:00:00+00:00", "20"}, {"2024-11-01", "2024-12-05T09:00:00+00:00", "20"},
        {"2024-12-01", "2025-01-06T09:00:00+00:00", "21"}};
    for (String[] m : months) {
      upload.returnMeasure(PB, B, "monthly", m[0], m[1], "HC_CALLS_SCHEDULED", "1000")
          .returnMeasure(PB, B, "monthly", m[0], m[1], "HC_CALLS_MISSED", "10")
          .returnMeasure(PB, B, "monthly", m[0], m[1], "HC_CALLS_LATE", m[2])
          .returnMeasure(PB, B, "monthly", m[0], m[1], "WF_AGENCY_HOURS", "");
    }
    List<SubmissionFinding> found = new SubmissionValidator(spark).validate(upload.returnRows());
    // October is not a copy of September (it has a measure September lacks), nor December of November
    assertThat(found).filteredOn(f -> f.ruleCode().equals("HA02"))
        .extracting(f -> f.periodStart().toString(), SubmissionFinding::ruleClass, SubmissionFinding::severity, SubmissionFinding::evidence)
        .containsExactly(tuple("2024-11-01", "history_anomaly", "warning", "all 4 values equal those of the return for 2024-10-01"));
  }

  @Test
  void aJumpIsJudgedAgainstTheMedianOfTheLastThreeValidValues() {
    // B's agency hours month by month; November's negative figure is invalid (IV02) and left out of the median
    String[][] months = {{"2024-10-01", "30"}, {"2024-11-01", "-5"}, {"2024-12-01", "50"}, {"2025-01-01", "400"},
        {"2025-02-01", "2"}, {"2025-03-01", "60"}};
    RawFixtures upload = new RawFixtures(spark);
    for (String[] m : months) {
      upload.returnMeasure(PB, B, "monthly", m[0], LocalDate.parse(m[0]).plusMonths(1).plusDays(3) + "T09:00:00+00:00",
          "WF_AGENCY_HOURS", m[1]);
    }
    List<SubmissionFinding> found = new SubmissionValidator(spark).validate(upload.returnRows());
    // December: 50 against 30 alone; January: 400 against the mean of the two before (30, 50); February: 2 against
    // the middle of three (30, 50, 400); March: 60 against the middle of 50, 400 and 2
    assertThat(found).filteredOn(f -> f.ruleCode().equals("HA01"))
        .extracting(f -> f.periodStart().toString(), SubmissionFinding::measureCode, SubmissionFinding::evidence)
        .containsExactly(
            tuple("2025-01-01", "WF_AGENCY_HOURS", "WF_AGENCY_HOURS 400 against a median of 40.0 in the last three returns"),
            tuple("2025-02-01", "WF_AGENCY_HOURS", "WF_AGENCY_HOURS 2 against a median of 50.0 in the last three returns"));
    assertThat(found).filteredOn(f -> f.ruleCode().equals("IV02")).extracting(f -> f.periodStart().toString())
        .containsExactly("2024-11-01");
  }

  private static String num(Object o) {
    return o == null ? null : ((BigDecimal) o).stripTrailingZeros().toPlainString();
  }
}
