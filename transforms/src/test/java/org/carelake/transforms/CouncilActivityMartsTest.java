package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TestLakehouse;
import org.carelake.transforms.quality.DatasetCheck;
import org.carelake.transforms.quality.DatasetCheckRunner;
import org.carelake.transforms.quality.DatasetChecks;
import org.carelake.transforms.quality.Deequ;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A small council: two providers, six contracts, a few visits, concerns and contract actions, reported as at
 * 2025-06-15 (the latest return). The visit schedule, safeguarding trends and contract action register give the
 * hand-computed rows: overdue and not, never visited, officers' judgements next to CQC's, a rising and a steady trend,
 * per-10-bed rates with and without beds, the substantiated rate, active and lifted actions with re-audits due, done and
 * overdue, a whole-provider action fanning out to the provider's services. Nothing dated after as_of_date counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CouncilActivityMartsTest {

  static final String PA = "1-100000001";
  static final String PB = "1-100000002";
  static final String A1 = "1-200000001";
  static final String A2 = "1-200000002";
  static final String A3 = "1-200000003";
  static final String B1 = "1-200000004";
  static final String B2 = "1-200000005";
  static final String X = "1-200000009";
  static final String NA = "Not assessed";
  static final String GOOD = "Good";
  static final String RI = "Requires improvement";

  SparkSession spark;
  List<ModelRunner.ModelResult> results;

  @BeforeAll
  void landAndBuild() throws Exception {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    LocalDate snap = LocalDate.parse("2025-06-01");
    RawFixtures f = new RawFixtures(spark)
        .apiDoc(snap, A1, "Registered", "Adult social care", true, 40, "N", "Oldham", "North West", RI, "2024-11-20",
            Map.of("Safe", "Inadequate", "Effective", GOOD, "Caring", GOOD, "Responsive", RI, "Well-led", RI))
        .apiDoc(snap, A3, "Registered", "Adult social care", true, 25, "N", "Oldham", "North West", GOOD, "2023-05-01",
            Map.of("Safe", GOOD, "Effective", GOOD, "Caring", GOOD, "Responsive", GOOD, "Well-led", GOOD))
        .contract("C1", PA, A1, "care_home_older_people", "40", null, "2020-01-01", null)
        .contract("C2", PA, A2, "home_support", null, "150", "2025-01-01", null)
        // a care home contracted without a bed count: CQC's registered beds stand in
        .contract("C3", PA, A3, "care_home_under_65", null, null, "2019-04-01", null)
        .contract("C4", PB, B1, "supported_living", null, "60", "2023-02-01", null)
        .contract("C5", PB, null, "home_support", null, "80", "2022-06-01", null)
        .contract("C6", PB, B2, "care_home_older_people", "20", null, "2018-01-01", "2024-12-31")
        // the only return: it sets as_of_date to 2025-06-15
        .returnMeasure(PA, A1, "monthly", "2025-05-01", "2025-06-15T09:00:00+01:00", "SP_ACTIVE_RESIDENTS", "30");

    // judgements: safe, effective, caring, responsive, well-led, overall
    f.visit("V1", PA, A1, "2024-03-10", "proactive", 10, 1, GOOD, GOOD, GOOD, GOOD, GOOD, GOOD)
        .visit("V2", PA, A1, "2024-08-01", "joint_cqc", 0, 0, NA, NA, "Outstanding", NA, NA, NA)
        .visit("V3", PA, A1, "2025-05-20", "reactive", 0, 0, "Inadequate", NA, NA, NA, RI, NA)
        .visit("V4", PA, A1, "2025-07-01", "proactive", 5, 0, GOOD, GOOD, GOOD, GOOD, GOOD, GOOD) // after as_of_date
        .visit("V5", PA, A3, "2024-12-01", "annual_audit", 8, 0, GOOD, GOOD, GOOD, GOOD, GOOD, GOOD)
        .visit("V6", PA, A3, "2025-03-15", "enhanced_monitoring", 6, 2, RI, GOOD, GOOD, GOOD, RI, RI)
        // at the location of a contract that has ended since: not in the schedule, but it re-audits provider B
        .visit("V7", PB, B2, "2025-01-15", "proactive", 0, 0, GOOD, GOOD, GOOD, GOOD, GOOD, GOOD);

    f.concern("SG01", PA, A1, "2025-01-15", "family", "neglect", true, "2025-03-10", "substantiated", false)
        .concern("SG02", PA, A1, "2025-04-02", "provider", "physical", true, "2025-05-05", "not_substantiated", false)
        .concern("SG03", PA, A1, "2025-05-03", "whistleblowing", "organisational", true, "2025-05-28", "partially_substantiated", true)
        .concern("SG04", PA, A1, "2025-05-20", "professional", "neglect", false, null, null, false)
        .concern("SG05", PA, A1, "2025-06-10", "anonymous", "financial", true, null, null, false)
        .concern("SG06", PA, A1, "2025-06-20", "public", "neglect", false, null, null, false) // after as_of_date
        .concern("SG07", PA, A1, "2025-04-10", "cqc", "psychological", true, "2025-07-01", "inconclusive", false) // concluded after as_of_date
        .concern("SG08", PA, A2, "2025-02-11", "family", "neglect", false, null, null, false)
        .concern("SG09", PA, A2, "2025-05-07", "public", "financial", false, null, null, false)
        .concern("SG10", PA, A3, "2025-06-02", "provider", "neglect", false, null, null, false)
        // at a location the council does not contract: not in the mart, but it starts the log in March 2024
        .concern("SG11", PA, X, "2024-03-01", "family", "neglect", false, null, null, false);

    f.contractAction("CA1", PA, A1, "improvement_notice", "2025-01-06", "2025-02-20", "Medication errors on audit")
        .contractAction("CA2", PB, null, "large_scale_enquiry", "2025-03-01", null, "Concerns across the provider")
        .contractAction("CA3", PA, A3, "suspension_of_referrals", "2024-10-01", "2025-01-31", "Staffing below the dependency tool")
        .contractAction("CA4", PA, A1, "enhanced_monitoring", "2025-05-01", "2025-08-31", "Reactive visit findings")
        .contractAction("CA5", PA, A1, "default_notice", "2025-07-01", null, "Starts after as_of_date")
        .contractAction("CA6", PA, A2, "default_notice", "2025-04-01", "2025-05-31", "Missed calls")
        .contractAction("CA7", PB, B2, "termination", "2024-06-01", "2024-12-31", "Contract ended")
        // whole provider, lifted: each service covered is re-audited at its own location, one without a location at any
        .contractAction("CA9", PB, null, "improvement_notice", "2024-09-01", "2024-11-30", "Medication audit across the provider")
        // names a location the council has no contract at: covers no service
        .contractAction("CA8", PA, X, "improvement_notice", "2025-02-01", null, "Wrong location");
    f.land();
    results = new ModelRunner(spark).buildAll(Models.load());
  }

  private List<String> rows(String sql) {
    return SqlRows.of(spark, sql);
  }

  @Test
  void everyModelKeepsItsContract() {
    assertThat(results).allSatisfy(r -> assertThat(r.violations()).as(r.table()).isEmpty());
    assertThat(results).filteredOn(r -> r.table().startsWith("marts.mart_visit_schedule") || r.table().equals("marts.mart_safeguarding_trends")
            || r.table().equals("marts.mart_contract_actions"))
        .extracting(ModelRunner.ModelResult::table, ModelRunner.ModelResult::rows)
        .containsExactly(tuple("marts.mart_visit_schedule", 4L), tuple("marts.mart_safeguarding_trends", 64L),
            tuple("marts.mart_contract_actions", 10L));
    assertThat(spark.sql("SELECT as_of_date FROM core.dim_as_of").first().get(0).toString()).isEqualTo("2025-06-15");
  }

  @Test
  void theScheduleSaysWhoIsOverdueCountingFromTheContractStartWhenNeverVisited() {
    assertThat(rows("SELECT contract_id, location_id, service_type, last_visit_date, last_scheduled_visit_date, min_interval_months,"
        + " next_proactive_due, due_basis, is_visit_overdue, days_overdue FROM marts.mart_visit_schedule ORDER BY contract_id"))
        .containsExactly(
            "[C1, " + A1 + ", care_home_older_people, 2025-05-20, 2024-03-10, 12, 2025-03-10, last_scheduled_visit, true, 97]",
            "[C2, " + A2 + ", home_support, null, null, 12, 2026-01-01, contract_start, false, 0]",
            "[C3, " + A3 + ", care_home_under_65, 2025-03-15, 2024-12-01, 12, 2025-12-01, last_scheduled_visit, false, 0]",
            "[C4, " + B1 + ", supported_living, null, null, 12, 2024-02-01, contract_start, true, 500]");
  }

  @Test
  void lastVisitsByTypeAndTwelveMonthCountsIgnoreVisitsAfterAsOf() {
    assertThat(rows("SELECT contract_id, last_proactive_date, last_reactive_date, last_enhanced_monitoring_date, last_annual_audit_date,"
        + " last_joint_cqc_date, last_joint_icb_date, visits_12m_total, visits_12m_proactive, visits_12m_reactive,"
        + " visits_12m_enhanced_monitoring, visits_12m_annual_audit, visits_12m_joint_cqc, visits_12m_joint_icb"
        + " FROM marts.mart_visit_schedule ORDER BY contract_id"))
        .containsExactly(
            "[C1, 2024-03-10, 2025-05-20, null, null, 2024-08-01, null, 2, 0, 1, 0, 0, 1, 0]",
            "[C2, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0, 0]",
            "[C3, null, null, 2025-03-15, 2024-12-01, null, null, 2, 0, 0, 1, 1, 0, 0]",
            "[C4, null, null, null, null, null, null, 0, 0, 0, 0, 0, 0, 0]");
  }

  @Test
  void officersLatestAssessedJudgementSitsNextToCqcsRating() {
    assertThat(rows("SELECT contract_id, officer_safe, officer_safe_date, cqc_safe, officer_effective, officer_effective_date, cqc_effective,"
        + " officer_caring, officer_caring_date, cqc_caring, officer_responsive, cqc_responsive, officer_well_led, officer_well_led_date,"
        + " cqc_well_led, officer_overall, officer_overall_date, cqc_overall, cqc_overall_date"
        + " FROM marts.mart_visit_schedule WHERE contract_id IN ('C1', 'C3') ORDER BY contract_id"))
        .containsExactly(
            "[C1, Inadequate, 2025-05-20, Inadequate, Good, 2024-03-10, Good, Outstanding, 2024-08-01, Good, Good, Requires improvement,"
                + " Requires improvement, 2025-05-20, Requires improvement, Good, 2024-03-10, Requires improvement, 2024-11-20]",
            "[C3, Requires improvement, 2025-03-15, Good, Good, 2025-03-15, Good, Good, 2025-03-15, Good, Good, Good,"
                + " Requires improvement, 2025-03-15, Good, Requires improvement, 2025-03-15, Good, 2023-05-01]");
    assertThat(rows("SELECT officer_overall, cqc_overall FROM marts.mart_visit_schedule WHERE contract_id = 'C2'"))
        .containsExactly("[null, null]");
  }

  @Test
  void theLatestSpotCheckIsTheLatestVisitThatVerifiedMeasures() {
    assertThat(rows("SELECT contract_id, spot_check_date, spot_check_measures_verified, spot_check_measures_discrepant"
        + " FROM marts.mart_visit_schedule ORDER BY contract_id"))
        .containsExactly("[C1, 2024-03-10, 10, 1]", "[C2, null, null, null]", "[C3, 2025-03-15, 6, 2]", "[C4, null, null, null]");
  }

  @Test
  void safeguardingMonthsAreDenseFromTheFirstMonthOfTheLog() {
    assertThat(rows("SELECT location_id, count(*), min(month_start), max(month_start), sum(concerns_total) FROM marts.mart_safeguarding_trends"
        + " GROUP BY location_id ORDER BY location_id"))
        .containsExactly(
            "[" + A1 + ", 16, 2024-03-01, 2025-06-01, 6]",
            "[" + A2 + ", 16, 2024-03-01, 2025-06-01, 2]",
            "[" + A3 + ", 16, 2024-03-01, 2025-06-01, 1]",
            "[" + B1 + ", 16, 2024-03-01, 2025-06-01, 0]");
    assertThat(spark.table("marts.mart_safeguarding_trends").columns()).noneMatch(c -> c.contains("person"));
  }

  @Test
  void aRisingServiceCountsBySourceAndTypePerTenBedsWithItsSubstantiatedRate() {
    assertThat(rows("SELECT month_start, concerns_total, concerns_from_provider, concerns_from_family, concerns_from_professional,"
        + " concerns_from_cqc, concerns_from_whistleblowing, concerns_from_public, concerns_from_anonymous, concerns_neglect, concerns_physical,"
        + " concerns_financial, concerns_psychological, concerns_organisational, beds, beds_basis, concerns_per_10_beds, s42_enquiries_opened,"
        + " enquiries_concluded, enquiries_substantiated, substantiated_rate_pct, is_large_scale_enquiry, concerns_last_3_months,"
        + " concerns_previous_3_months, trend, is_month_complete"
        + " FROM marts.mart_safeguarding_trends WHERE location_id = '" + A1 + "' AND month_start >= DATE'2025-01-01' ORDER BY month_start"))
        .containsExactly(
            "[2025-01-01, 1, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 40, contracted, 0.25, 1, 0, 0, null, false, 1, 0, steady, true]",
            "[2025-02-01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, contracted, 0.00, 0, 0, 0, null, false, 1, 0, steady, true]",
            "[2025-03-01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, contracted, 0.00, 0, 1, 1, 100.00, false, 1, 0, steady, true]",
            "[2025-04-01, 2, 1, 0, 0, 1, 0, 0, 0, 0, 1, 0, 1, 0, 40, contracted, 0.50, 2, 0, 0, null, false, 2, 1, steady, true]",
            "[2025-05-01, 2, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 1, 40, contracted, 0.50, 1, 2, 1, 50.00, true, 4, 1, rising, true]",
            "[2025-06-01, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 40, contracted, 0.25, 1, 0, 0, null, false, 5, 1, rising, false]");
  }

  @Test
  void aSteadyServiceWithoutBedsAndOneRatedOnCqcBeds() {
    assertThat(rows("SELECT location_id, month_start, concerns_total, beds, beds_basis, concerns_per_10_beds, concerns_last_3_months,"
        + " concerns_previous_3_months, trend FROM marts.mart_safeguarding_trends"
        + " WHERE month_start = DATE'2025-06-01' ORDER BY location_id"))
        .containsExactly(
            "[" + A1 + ", 2025-06-01, 1, 40, contracted, 0.25, 5, 1, rising]",
            "[" + A2 + ", 2025-06-01, 0, null, null, null, 1, 1, steady]",
            "[" + A3 + ", 2025-06-01, 1, 25, cqc_registered, 0.40, 1, 0, steady]",
            "[" + B1 + ", 2025-06-01, 0, null, null, null, 0, 0, steady]");
    // no trend until the series holds six months (March to July 2024 lack an earlier window)
    assertThat(rows("SELECT min(month_start) FROM marts.mart_safeguarding_trends WHERE trend IS NOT NULL")).containsExactly("[2024-08-01]");
  }

  @Test
  void aWholeProviderLargeScaleEnquiryMarksEachOfItsServicesWhileInForce() {
    assertThat(rows("SELECT month_start, is_large_scale_enquiry FROM marts.mart_safeguarding_trends WHERE location_id = '" + B1 + "'"
        + " AND month_start >= DATE'2025-02-01' ORDER BY month_start"))
        .containsExactly("[2025-02-01, false]", "[2025-03-01, true]", "[2025-04-01, true]", "[2025-05-01, true]", "[2025-06-01, true]");
  }

  @Test
  void theRegisterHasEachActionPerServiceItCoversWithStatusAndReAudits() {
    assertThat(rows("SELECT action_id, contract_id, scope, location_id, service_type, is_contract_active, status, days_active,"
        + " suspends_referrals, re_audit_months, re_audit_due, re_audited_on, is_re_audit_overdue"
        + " FROM marts.mart_contract_actions ORDER BY action_id, contract_id"))
        .containsExactly(
            // lifted notice, no scheduled visit since (the reactive visit is not a re-audit, the July one is after as_of_date)
            "[CA1, C1, location, " + A1 + ", care_home_older_people, true, lifted, 45, true, 3, 2025-05-20, null, true]",
            // whole provider: both services in force, the location and the provider-level contract; not the one ended before
            "[CA2, C4, provider, " + B1 + ", supported_living, true, active, 106, true, null, null, null, false]",
            "[CA2, C5, provider, null, home_support, true, active, 106, true, null, null, null, false]",
            // lifted suspension re-audited by an enhanced monitoring visit
            "[CA3, C3, location, " + A3 + ", care_home_under_65, true, lifted, 122, true, 3, 2025-04-30, 2025-03-15, false]",
            // ends after as_of_date: still active
            "[CA4, C1, location, " + A1 + ", care_home_older_people, true, active, 45, false, null, null, null, false]",
            // lifted, re-audit not due yet
            "[CA6, C2, location, " + A2 + ", home_support, true, lifted, 60, true, 3, 2025-08-31, null, false]",
            // history: the contract it covered has ended since
            "[CA7, C6, location, " + B2 + ", care_home_older_people, false, lifted, 213, true, null, null, null, false]",
            // whole provider, lifted: no visit at B1 since, so overdue; the service without a location is re-audited by the
            // visit at B2, as is the ended contract at B2 it covered then
            "[CA9, C4, provider, " + B1 + ", supported_living, true, lifted, 90, true, 3, 2025-02-28, null, true]",
            "[CA9, C5, provider, null, home_support, true, lifted, 90, true, 3, 2025-02-28, 2025-01-15, false]",
            "[CA9, C6, provider, " + B2 + ", care_home_older_people, false, lifted, 90, true, 3, 2025-02-28, 2025-01-15, false]");
  }

  @Test
  void theNewDatasetChecksPassAndFlagAnActionCoveringNoService() {
    List<DatasetCheck> mine = DatasetChecks.all().stream()
        .filter(c -> c.code().startsWith("VS") || c.code().startsWith("SG") || c.code().startsWith("CA")).toList();
    assertThat(mine).extracting(DatasetCheck::code).containsExactly("VS01", "VS02", "SG01", "SG02", "CA01", "CA02", "CA03");
    DatasetCheckRunner.Report report = new DatasetCheckRunner(spark, Clock.systemUTC()).run(mine);
    assertThat(report.results()).extracting(DatasetCheckRunner.Result::code, DatasetCheckRunner.Result::status).containsExactly(
        tuple("VS01", Deequ.Status.PASSED), tuple("VS02", Deequ.Status.PASSED), tuple("SG01", Deequ.Status.PASSED),
        tuple("SG02", Deequ.Status.PASSED), tuple("CA01", Deequ.Status.PASSED), tuple("CA02", Deequ.Status.PASSED),
        // CA8 names a location with no contract: 7 of the 8 actions started by as_of_date reach the register
        tuple("CA03", Deequ.Status.FAILED));
  }
}
