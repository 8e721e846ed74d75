package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Three care homes whose right order is not in doubt, reported as at 2025-06-09: W is rated Inadequate by CQC years
 * ago, has its referrals suspended under an improvement notice, an open large scale enquiry with a high-risk concern,
 * rising concerns, an overdue visit, a third of posts vacant and upheld complaints; M is rated Requires improvement
 * and officers found the same; K is rated Good, visited recently, and nothing is wrong. All three sent one return,
 * alike in its gaps, so submission quality weighs the same on each.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProviderRiskScenarioTest {

  static final String W = "1-300000001";
  static final String M = "1-300000002";
  static final String K = "1-300000003";
  static final String GOOD = "Good";
  static final String RI = "Requires improvement";

  SparkSession spark;
  List<ModelRunner.ModelResult> results;

  @BeforeAll
  void build() throws Exception {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    LocalDate snap = LocalDate.parse("2025-06-01");
    RawFixtures f = new RawFixtures(spark)
        .apiDoc(snap, W, "Registered", "Adult social care", true, 30, "N", "Oldham", "North West", "Inadequate", "2021-01-10",
            Map.of("Safe", "Inadequate", "Effective", RI, "Caring", GOOD, "Responsive", GOOD, "Well-led", "Inadequate"))
        .apiDoc(snap, M, "Registered", "Adult social care", true, 40, "N", "Oldham", "North West", RI, "2024-09-01",
            Map.of("Safe", GOOD, "Effective", GOOD, "Caring", GOOD, "Responsive", RI, "Well-led", GOOD))
        .apiDoc(snap, K, "Registered", "Adult social care", true, 35, "N", "Oldham", "North West", GOOD, "2025-01-10",
            Map.of("Safe", GOOD, "Effective", GOOD, "Caring", GOOD, "Responsive", GOOD, "Well-led", GOOD))
        .contract("CW", "1-400000001", W, "care_home_older_people", "30", null, "2025-05-01", null)
        .contract("CM", "1-400000002", M, "care_home_older_people", "40", null, "2025-05-01", null)
        .contract("CK", "1-400000003", K, "care_home_older_people", "35", null, "2025-05-01", null);
    String at = "2025-06-09T09:00:00+01:00";
    String[][] returns = {
        // location, provider, vacancies, staff, agency hours, rota hours, complaints received, upheld
        {W, "1-400000001", "12", "24", "900", "3000", "4", "2"},
        {M, "1-400000002", "2", "40", "100", "4000", "1", "0"},
        // K's return has negative counts (invalid, IV02): they must not lower its score below 0 (RK03)
        {K, "1-400000003", "-8", "30", "-50", "3200", "-1", "0"}};
    for (String[] r : returns) {
      f.returnMeasure(r[1], r[0], "monthly", "2025-05-01", at, "WF_VACANCIES", r[2])
          .returnMeasure(r[1], r[0], "monthly", "2025-05-01", at, "WF_STAFF_EMPLOYED", r[3])
          .returnMeasure(r[1], r[0], "monthly", "2025-05-01", at, "WF_AGENCY_HOURS", r[4])
          .returnMeasure(r[1], r[0], "monthly", "2025-05-01", at, "KPI_ROTA_HOURS_REQUIRED", r[5])
          .returnMeasure(r[1], r[0], "monthly", "2025-05-01", at, "CC_COMPLAINTS_RECEIVED", r[6])
          .returnMeasure(r[1], r[0], "monthly", "2025-05-01", at, "CC_COMPLAINTS_UPHELD", r[7]);
    }
    // W: visited on schedule two years ago; M and K this year, officers judging M as CQC does
    f.visit("VW", "1-400000001", W, "2023-05-01", "proactive", 0, 0)
        .visit("VM", "1-400000002", M, "2024-11-01", "proactive", 10, 0, GOOD, GOOD, GOOD, RI, GOOD, RI)
        .visit("VK", "1-400000003", K, "2025-02-01", "proactive", 10, 0);
    f.concern("SW1", "1-400000001", W, "2025-04-20", "family", "neglect", true, null, null, true, "high")
        .concern("SW2", "1-400000001", W, "2025-05-02", "provider", "neglect", true, null, null, true)
        .concern("SW3", "1-400000001", W, "2025-05-20", "professional", "physical", false, null, null, true)
        .concern("SW4", "1-400000001", W, "2025-06-03", "family", "organisational", false, null, null, true)
        .concern("SM1", "1-400000002", M, "2025-05-12", "family", "neglect", false, null, null, false);
    f.contractAction("AW1", "1-400000001", W, "improvement_notice", "2025-03-01", null, "Safe rated Inadequate")
        .contractAction("AW2", "1-400000001", W, "suspension_of_referrals", "2025-04-01", null, "Improvement notice in force");
    f.land();
    results = new ModelRunner(spark).buildAll(Models.load());
  }

  @Test
  void theRankingKeepsItsContract() {
    assertThat(results).allSatisfy(r -> assertThat(r.violations()).as(r.table()).isEmpty());
    assertThat(results).filteredOn(r -> r.table().equals("marts.mart_provider_risk")).extracting(ModelRunner.ModelResult::rows)
        .containsExactly(3L);
  }

  @Test
  void theServiceWithTheProblemsIsOnTopAndTheCleanOneAtTheBottom() {
    List<Row> rows = spark.sql("SELECT location_id, risk_rank, risk_score, week_start FROM marts.mart_provider_risk ORDER BY risk_rank")
        .collectAsList();
    assertThat(rows).extracting(r -> r.getString(0), r -> r.getInt(1)).containsExactly(tuple(W, 1), tuple(M, 2), tuple(K, 3));
    BigDecimal w = rows.get(0).getDecimal(2);
    BigDecimal m = rows.get(1).getDecimal(2);
    BigDecimal k = rows.get(2).getDecimal(2);
    assertThat(w.subtract(m)).as("W well clear of M").isGreaterThan(new BigDecimal("20"));
    assertThat(m.subtract(k)).as("M clear of K").isGreaterThan(new BigDecimal("5"));
    assertThat(rows.get(0).get(3).toString()).isEqualTo("2025-06-09"); // a Monday
  }

  @Test
  void theReasonsNameTheProblemsHeaviestFirst() {
    String reasons = spark.sql("SELECT reasons_text FROM marts.mart_provider_risk WHERE location_id = '" + W + "'").first().getString(0);
    assertThat(reasons).startsWith("CQC rates the service Inadequate overall (report 2021-01-10)")
        .contains("contract action(s) in force: improvement notice since 2025-03-01, suspension of referrals since 2025-04-01")
        .contains("a large scale safeguarding enquiry is open")
        .contains("CQC key questions rated below Good: Effective Requires improvement, Safe Inadequate, Well-led Inadequate")
        .contains("scheduled visit overdue by 404 day(s) (due 2024-05-01)")
        .contains("vacancy rate 33.3% in the return for 2025-05-01")
        .contains("4 safeguarding concern(s) in the last 3 months (1.3 per 10 beds)");
    List<String> kReasons = spark.sql("SELECT reasons FROM marts.mart_provider_risk WHERE location_id = '" + K + "'").first().getList(0);
    assertThat(kReasons).noneMatch(r -> r.startsWith("CQC") || r.contains("safeguarding") || r.contains("overdue") || r.contains("vacancy"));
  }

  @Test
  void negativeCountsInAReturnAreReadAsNoValue() {
    List<Row> rows = spark.sql("SELECT x.c.component, x.c.value, x.c.points FROM (SELECT explode(components) AS c FROM marts.mart_provider_risk "
        + "WHERE location_id = '" + K + "') x WHERE x.c.component IN ('workforce_vacancies', 'agency_hours', 'complaints') ORDER BY 1")
        .collectAsList();
    assertThat(rows).extracting(r -> r.getString(0)).containsExactly("agency_hours", "complaints", "workforce_vacancies");
    assertThat(rows).allSatisfy(r -> {
      assertThat(r.getDecimal(1)).as(r.getString(0)).isEqualByComparingTo(BigDecimal.ZERO);
      assertThat(r.getDecimal(2)).as(r.getString(0)).isEqualByComparingTo(BigDecimal.ZERO);
    });
  }

  @Test
  void everyComponentCarriesTheWeightFromTheReferenceFile() {
    List<Row> weights = spark.sql("SELECT x.c.component, x.c.weight, cast(w.weight as decimal(6,2)) FROM (SELECT explode(components) AS c "
        + "FROM marts.mart_provider_risk WHERE location_id = '" + W + "') x JOIN ref.risk_weights w ON w.component = x.c.component")
        .collectAsList();
    assertThat(weights).hasSize((int) spark.table("ref.risk_weights").count()).allSatisfy(r -> assertThat(r.getDecimal(1)).isEqualByComparingTo(r.getDecimal(2)));
  }

  @Test
  void enhancedMonitoringTriggersFireOnTheirOwn() {
    List<Row> rows = spark.sql("SELECT location_id, enhanced_monitoring_triggers, is_enhanced_monitoring_triggered FROM marts.mart_provider_risk "
        + "ORDER BY location_id").collectAsList();
    assertThat(rows).extracting(r -> r.getString(0), r -> r.getList(1), r -> r.getBoolean(2)).containsExactly(
        tuple(W, List.of("improvement_or_default_notice", "large_scale_enquiry", "safeguarding_rise", "serious_safeguarding_referral", "cqc_inadequate"),
            true),
        tuple(M, List.of(), false),
        tuple(K, List.of(), false));
  }
}
