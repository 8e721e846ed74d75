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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Given a handful of raw CQC rows in every layout, the whole model chain (staging → core → marts → dq) gives the
 * expected rows, hand-checked. Covers unrated values, both spellings of Requires improvement, inherited ratings,
 * deregistered, dormant and non-social-care locations, sub-group rows, carry-forward between snapshots, name
 * normalisation ("Bristol" → "Bristol, City of") and an unmatched council.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CqcRatingsScenarioTest {

  static final LocalDate S1 = LocalDate.parse("2025-03-01");
  static final LocalDate S2 = LocalDate.parse("2025-06-01");
  static final String ASC = "Adult social care";
  static final Map<String, String> L1_KQ = Map.of("Safe", "Requires Improvement", "Effective", "Good", "Caring", "Good",
      "Responsive", "Good", "Well-led", "Good");
  static final Map<String, String> ALL_GOOD = Map.of("Safe", "Good", "Effective", "Good", "Caring", "Good", "Responsive", "Good", "Well-led", "Good");

  SparkSession spark;
  List<ModelRunner.ModelResult> results;

  @BeforeAll
  void buildScenario() throws Exception {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    new RawFixtures(spark)
        // snapshot 1: Oldham from the API
        .apiDoc(S1, "L1", "Registered", ASC, true, 30, "N", "Oldham", "North West", "Good", "2024-01-05", L1_KQ)
        .apiDoc(S1, "L2", "Registered", ASC, false, 0, "N", "Oldham", "North West", "Outstanding", "2023-06-01", ALL_GOOD)
        .apiDoc(S1, "L3", "Registered", ASC, false, 0, "N", "Oldham", "North West", "Inspected but not rated", "2022-01-01", Map.of())
        .apiDoc(S1, "L4", "Deregistered", ASC, true, 10, "N", "Oldham", "North West", "Inadequate", "2021-01-01", Map.of())
        .apiDoc(S1, "L5", "Registered", ASC, true, 10, "Y", "Oldham", "North West", "Good", "2021-01-01", Map.of())
        .apiDoc(S1, "L6", "Registered", "Primary medical services", false, null, "N", "Oldham", "North West", "Good", "2021-01-01", Map.of())
        .apiDoc(S1, "L7", "Registered", ASC, true, 20, "N", "Oldham", "North West", null, null, Map.of())
        // snapshot 2: L1 gains beds, L2 deregisters; Bury from the long file; two locations from the wide export
        .apiDoc(S2, "L1", "Registered", ASC, true, 32, "N", "Oldham", "North West", "Good", "2024-01-05", L1_KQ)
        .apiDoc(S2, "L2", "Deregistered", ASC, false, 0, "N", "Oldham", "North West", "Outstanding", "2023-06-01", ALL_GOOD)
        .longRow(S2, "B1", "Social Care Org", "Residential social care", "Y", "Bury", "North West", "Overall", "Overall", "Requires improvement", "10/02/2025", "Y")
        .longRow(S2, "B1", "Social Care Org", "Residential social care", "Y", "Bury", "North West", "Overall", "Safe", "Inadequate", "10/02/2025", "Y")
        .longRow(S2, "B1", "Social Care Org", "Residential social care", "Y", "Bury", "North West", "Care Homes", "Overall", "Good", "10/02/2025", "N")
        .longRow(S2, "B2", "Social Care Org", "Community based adult social care services", "N", "Bury", "North West", "Overall", "Overall", "Not Rated", "", "N")
        .longRow(S2, "B3", "Primary Medical Services", "GP Practices", "N", "Bury", "North West", "Overall", "Overall", "Good", "01/01/2024", "N")
        .wideRow(S2, "W1", "Bristol", "South West (ADASS Region)", "Residential social care", "Care home service without nursing", "12", "N",
            "Requires Improvement", "Good", "Good", "Good", "Good", "Good")
        .wideRow(S2, "W2", "Atlantis", "Nowhere (ADASS Region)", "Community based adult social care services", "Domiciliary care service", "0", "N",
            "Good", "", "", "", "", "")
        .land();
    results = new ModelRunner(spark).buildAll(Models.load());
  }

  @Test
  void everyModelKeepsItsContract() {
    assertThat(results).allSatisfy(r -> assertThat(r.violations()).as(r.table()).isEmpty());
  }

  @Test
  void ratingValuesAreNormalisedAndUnratedValuesKept() {
    List<Row> rows = spark.sql("SELECT location_id, key_question, rating_value, rating, is_rated, report_date, is_inherited "
        + "FROM core.fct_rating_snapshot WHERE (location_id, key_question) IN (('L1','Safe'), ('L3','Overall'), ('B1','Overall'), ('B2','Overall'), ('W1','Overall'), ('W2','Safe')) "
        + "AND snapshot_date = DATE'2025-06-01' OR (location_id = 'L3' AND key_question = 'Overall') ORDER BY location_id").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3), r -> r.get(4), r -> r.get(5), r -> r.get(6))
        .containsExactly(
            tuple("B1", "Overall", "Requires improvement", "Requires improvement", true, Date.valueOf("2025-02-10"), true),
            tuple("B2", "Overall", "Not Rated", null, false, null, false),
            tuple("L1", "Safe", "Requires Improvement", "Requires improvement", true, Date.valueOf("2024-01-05"), false),
            tuple("L3", "Overall", "Inspected but not rated", null, false, Date.valueOf("2022-01-01"), false),
            tuple("W1", "Overall", "Requires Improvement", "Requires improvement", true, null, false),
            tuple("W2", "Safe", null, null, false, null, false));
  }

  @Test
  void subGroupRatingsAreNotTheLocationRating() {
    assertThat(spark.sql("SELECT rating FROM core.fct_rating_snapshot WHERE location_id = 'B1' AND key_question = 'Overall'")
        .collectAsList()).extracting(r -> r.get(0)).containsExactly("Requires improvement");
  }

  @Test
  void locationHistoryKeepsAVersionPerChange() {
    List<Row> rows = spark.sql("SELECT location_id, valid_from, valid_to, is_current, care_home_beds, registration_status, is_in_benchmark_population "
        + "FROM core.dim_location WHERE location_id IN ('L1', 'L2', 'L3') ORDER BY location_id, valid_from").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3), r -> r.get(4), r -> r.get(5), r -> r.get(6))
        .containsExactly(
            tuple("L1", Date.valueOf(S1), Date.valueOf(S2), false, 30, "Registered", true),
            tuple("L1", Date.valueOf(S2), null, true, 32, "Registered", true),
            tuple("L2", Date.valueOf(S1), Date.valueOf(S2), false, null, "Registered", true),
            tuple("L2", Date.valueOf(S2), null, true, null, "Deregistered", false),
            tuple("L3", Date.valueOf(S1), null, true, null, "Registered", true));
  }

  @Test
  void councilNamesResolveToOnsCodes() {
    List<Row> rows = spark.sql("SELECT location_id, la_code, la_name, region_code, region_name FROM core.dim_location "
        + "WHERE location_id IN ('B1', 'W1', 'W2') ORDER BY location_id").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3), r -> r.get(4))
        .containsExactly(
            tuple("B1", "E08000002", "Bury", "E12000002", "North West"),
            tuple("W1", "E06000023", "Bristol, City of", "E12000009", "South West"),
            tuple("W2", null, null, null, null));
  }

  @Test
  void benchmarkFiguresAreExact() {
    // snapshot, level, code, service type, key question -> in scope, rated, outstanding, good, RI, inadequate, pct
    assertBenchmark(S2, "local_authority", "E08000004", "all", "Overall", 3, 1, 0, 1, 0, 0, "100.00");
    assertBenchmark(S2, "local_authority", "E08000004", "care_home", "Overall", 2, 1, 0, 1, 0, 0, "100.00");
    assertBenchmark(S2, "local_authority", "E08000004", "community", "Overall", 1, 0, 0, 0, 0, 0, null);
    assertBenchmark(S2, "local_authority", "E08000004", "all", "Safe", 3, 1, 0, 0, 1, 0, "0.00");
    assertBenchmark(S2, "local_authority", "E08000002", "all", "Overall", 2, 1, 0, 0, 1, 0, "0.00");
    assertBenchmark(S2, "local_authority", "E08000002", "all", "Safe", 2, 1, 0, 0, 0, 1, "0.00");
    assertBenchmark(S2, "local_authority", "E06000023", "care_home", "Overall", 1, 1, 0, 0, 1, 0, "0.00");
    assertBenchmark(S2, "region", "E12000002", "all", "Overall", 5, 2, 0, 1, 1, 0, "50.00");
    assertBenchmark(S2, "region", "E12000009", "all", "Overall", 1, 1, 0, 0, 1, 0, "0.00");
    assertBenchmark(S2, "england", "E92000001", "all", "Overall", 7, 4, 0, 2, 2, 0, "50.00");
    assertBenchmark(S1, "local_authority", "E08000004", "all", "Overall", 4, 2, 1, 1, 0, 0, "100.00");
    assertBenchmark(S1, "local_authority", "E08000004", "all", "Safe", 4, 2, 0, 1, 1, 0, "50.00");
    assertBenchmark(S1, "england", "E92000001", "all", "Overall", 4, 2, 1, 1, 0, 0, "100.00");
  }

  @Test
  void benchmarkNamesGeographiesAndCarriesThePublishedFigure() {
    List<Row> rows = spark.sql("SELECT geography_name, published_period, published_pct_good_or_outstanding FROM marts.mart_ratings_benchmark "
        + "WHERE snapshot_date = DATE'2025-06-01' AND service_type = 'care_home' AND key_question = 'Overall' "
        + "AND geography_code IN ('E08000002', 'E92000001', 'E06000023') ORDER BY geography_code").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2)).containsExactly(
        tuple("Bristol, City of", null, null),
        tuple("Bury", Date.valueOf("2025-06-01"), new BigDecimal("82.70")),
        tuple("England", Date.valueOf("2025-06-01"), new BigDecimal("75.00")));
    assertThat(spark.sql("SELECT count(*) FROM marts.mart_ratings_benchmark WHERE published_pct_good_or_outstanding IS NOT NULL "
        + "AND NOT (service_type = 'care_home' AND key_question = 'Overall')").first().getLong(0)).isZero();
  }

  @Test
  void latestRatingListsWhoIsRequiresImprovementAndSinceWhen() {
    assertThat(spark.sql("SELECT count(DISTINCT location_id), count(*) FROM marts.mart_location_latest_rating").first())
        .isEqualTo(org.apache.spark.sql.RowFactory.create(7L, 42L));
    List<Row> flagged = spark.sql("SELECT location_id, key_question, rating, report_date, rating_age_days, as_of_date "
        + "FROM marts.mart_location_latest_rating WHERE is_requires_improvement_or_inadequate ORDER BY location_id, key_question").collectAsList();
    assertThat(flagged).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3), r -> r.get(4), r -> r.get(5))
        .containsExactly(
            tuple("B1", "Overall", "Requires improvement", Date.valueOf("2025-02-10"), 111, Date.valueOf(S2)),
            tuple("B1", "Safe", "Inadequate", Date.valueOf("2025-02-10"), 111, Date.valueOf(S2)),
            tuple("L1", "Safe", "Requires improvement", Date.valueOf("2024-01-05"), 513, Date.valueOf(S2)),
            tuple("W1", "Overall", "Requires improvement", null, null, Date.valueOf(S2)));
  }

  @Test
  void unmatchedNamesAreFindingsNotSilentDrops() {
    List<Row> rows = spark.sql("SELECT name_kind, cqc_name, rule_code, locations FROM dq.cqc_unmatched_geography ORDER BY name_kind").collectAsList();
    assertThat(rows).extracting(r -> r.get(0), r -> r.get(1), r -> r.get(2), r -> r.get(3)).containsExactly(
        tuple("local_authority", "Atlantis", "geography_unmatched", 1L),
        tuple("region", "Nowhere (ADASS Region)", "geography_unmatched", 1L));
  }

  private void assertBenchmark(LocalDate snapshot, String level, String code, String serviceType, String kq,
      long inScope, long rated, long outstanding, long good, long ri, long inadequate, String pct) {
    List<Row> rows = spark.sql(String.format("SELECT locations_in_scope, rated_locations, outstanding, good, requires_improvement, inadequate, "
        + "pct_good_or_outstanding FROM marts.mart_ratings_benchmark WHERE snapshot_date = DATE'%s' AND geography_level = '%s' "
        + "AND geography_code = '%s' AND service_type = '%s' AND key_question = '%s'", snapshot, level, code, serviceType, kq)).collectAsList();
    assertThat(rows).as("%s %s %s %s %s", snapshot, level, code, serviceType, kq).hasSize(1);
    Row r = rows.get(0);
    assertThat(List.of(r.getLong(0), r.getLong(1), r.getLong(2), r.getLong(3), r.getLong(4), r.getLong(5)))
        .as("%s %s %s %s %s", snapshot, level, code, serviceType, kq)
        .containsExactly(inScope, rated, outstanding, good, ri, inadequate);
    assertThat(r.get(6) == null ? null : ((BigDecimal) r.get(6)).toPlainString()).as("pct %s %s %s", level, code, kq).isEqualTo(pct);
  }
}
