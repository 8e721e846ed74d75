package org.carelake.transforms.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TestLakehouse;
import org.carelake.transforms.quality.Deequ.Complete;
import org.carelake.transforms.quality.Deequ.NoSuddenDrop;
import org.carelake.transforms.quality.Deequ.Outcome;
import org.carelake.transforms.quality.Deequ.RunKey;
import org.carelake.transforms.quality.Deequ.Status;
import org.carelake.transforms.quality.Deequ.Unique;
import org.junit.jupiter.api.Test;

/** The Java face of Deequ on a few rows: each kind of rule passes on good data and fails on bad, with its metric. */
class DeequTest {

  private final SparkSession spark = TestLakehouse.spark();

  private Dataset<Row> rows(String values) {
    return spark.sql("SELECT * FROM VALUES " + values + " AS t(id, part, pct, unit)");
  }

  private static final String GOOD = "('a', 1, 10.0, 'percent'), ('b', 1, 100.0, 'percent'), ('c', 2, 250.0, 'count')";
  private static final String BAD = "('a', 1, 10.0, 'percent'), ('a', 1, 140.0, 'percent'), (null, 2, 250.0, 'count'), ('d', null, 50.0, 'percent')";

  private List<Outcome> verify(String values, List<Deequ.Rule> rules) {
    return Deequ.verify(rows(values), rules, new Deequ.History(), new RunKey(1_000, Map.of(Deequ.DATASET_TAG, "t"))).outcomes();
  }

  @Test
  void completenessOfOneColumnAndOfACompositeKey() {
    List<Deequ.Rule> rules = List.of(new Complete(List.of("id"), 1.0), new Complete(List.of("id", "part"), 1.0), new Complete(List.of("id"), 0.7));
    assertThat(verify(GOOD, rules)).extracting(Outcome::status, Outcome::metricValue)
        .containsExactly(tuple(Status.PASSED, 1.0), tuple(Status.PASSED, 1.0), tuple(Status.PASSED, 1.0));
    List<Outcome> bad = verify(BAD, rules);
    assertThat(bad).extracting(Outcome::status, Outcome::metricValue)
        .containsExactly(tuple(Status.FAILED, 0.75), tuple(Status.FAILED, 0.5), tuple(Status.PASSED, 0.75));
    assertThat(bad.get(0).constraint()).contains("Completeness(id");
    assertThat(bad.get(0).message()).isEqualTo("completeness 0.75, at least 1 required");
  }

  @Test
  void uniquenessOfAKey() {
    List<Deequ.Rule> rules = List.of(new Unique(List.of("id")), new Unique(List.of("id", "part")));
    assertThat(verify(GOOD, rules)).extracting(Outcome::status).containsExactly(Status.PASSED, Status.PASSED);
    List<Outcome> bad = verify(BAD, rules);
    assertThat(bad).extracting(Outcome::status).containsExactly(Status.FAILED, Status.FAILED);
    assertThat(bad.get(0).constraint()).contains("Uniqueness");
    assertThat(bad.get(0).message()).startsWith("uniqueness 0.").endsWith(", at least 1 required");
  }

  @Test
  void rangesOnTheRowsTheyConcernWithAToleratedFraction() {
    List<Deequ.Rule> rules = List.of(Deequ.range("pct", 0, 100, "unit = 'percent'", 1.0), Deequ.range("pct", 0, 100, "unit = 'percent'", 0.6));
    // 250 is a count, not a percentage: outside the filter
    assertThat(verify(GOOD, rules)).extracting(Outcome::status, Outcome::metricValue)
        .containsExactly(tuple(Status.PASSED, 1.0), tuple(Status.PASSED, 1.0));
    List<Outcome> bad = verify(BAD, rules);
    assertThat(bad).extracting(Outcome::status).containsExactly(Status.FAILED, Status.PASSED);
    assertThat(bad.get(0).metricValue()).isCloseTo(2.0 / 3, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(bad.get(0).constraint()).contains("pct between 0 and 100");
  }

  @Test
  void aSuddenDropIsAnAnomalyAgainstThePreviousRunAndTheFirstRunOnlyRecords() {
    Deequ.History history = new Deequ.History();
    List<Deequ.Rule> rules = List.of(new NoSuddenDrop(0.10));
    Deequ.Verification first = Deequ.verify(rows(BAD), rules, history, key(1_000, "t"));
    assertThat(first.outcomes()).extracting(Outcome::status, Outcome::metricValue).containsExactly(tuple(Status.SKIPPED, 4.0));
    assertThat(first.metrics()).extracting(Deequ.StoredMetric::analyzer, Deequ.StoredMetric::value).containsExactly(tuple("Size(None)", 4.0));

    // same size again: no anomaly; 4 -> 3 rows (-25%): an anomaly
    assertThat(Deequ.verify(rows(BAD), rules, history, key(2_000, "t")).outcomes()).extracting(Outcome::status).containsExactly(Status.PASSED);
    Deequ.Verification drop = Deequ.verify(rows(GOOD), rules, history, key(3_000, "t"));
    assertThat(drop.outcomes()).extracting(Outcome::status, Outcome::metricValue).containsExactly(tuple(Status.FAILED, 3.0));
    assertThat(drop.outcomes().get(0).message()).contains("from 4 to 3").contains("-25.0%");

    // another dataset's history is not this one's
    assertThat(Deequ.verify(rows(GOOD), rules, history, key(4_000, "u")).outcomes()).extracting(Outcome::status).containsExactly(Status.SKIPPED);
  }

  @Test
  void growthFromNoRowsIsNotAnAnomalyButFallingToNoneIs() {
    Deequ.History history = new Deequ.History();
    List<Deequ.Rule> rules = List.of(new NoSuddenDrop(0.10));
    Dataset<Row> none = rows(GOOD).where("false");
    Deequ.verify(none, rules, history, key(1_000, "e"));
    assertThat(Deequ.verify(none, rules, history, key(2_000, "e")).outcomes()).extracting(Outcome::status).containsExactly(Status.PASSED);
    assertThat(Deequ.verify(rows(GOOD), rules, history, key(3_000, "e")).outcomes()).extracting(Outcome::status).containsExactly(Status.PASSED);
    assertThat(Deequ.verify(none, rules, history, key(4_000, "e")).outcomes()).extracting(Outcome::status, Outcome::metricValue)
        .containsExactly(tuple(Status.FAILED, 0.0));
  }

  @Test
  void checksOnNoRowsAreSkippedNotFailed() {
    List<Deequ.Rule> rules = List.of(new Complete(List.of("id"), 1.0), new Unique(List.of("id")), Deequ.range("pct", 0, 100, null, 1.0),
        Deequ.range("pct", 0, 100, "unit = 'percent'", 1.0));
    assertThat(Deequ.verify(rows(GOOD).where("false"), rules, new Deequ.History(), key(1_000, "t")).outcomes())
        .extracting(Outcome::status, Outcome::message).containsOnly(tuple(Status.SKIPPED, "no rows"));
    // rows, but none the range concerns
    assertThat(Deequ.verify(rows(GOOD).where("unit = 'count'"), rules, new Deequ.History(), key(1_000, "t")).outcomes())
        .extracting(Outcome::status).containsExactly(Status.PASSED, Status.PASSED, Status.FAILED, Status.SKIPPED);
  }

  private static RunKey key(long at, String dataset) {
    return new RunKey(at, Map.of(Deequ.DATASET_TAG, dataset));
  }

  @Test
  void storedMetricsHydrateAFreshHistory() {
    Deequ.History history = new Deequ.History();
    List<Deequ.Rule> rules = List.of(new NoSuddenDrop(0.10), new Complete(List.of("id"), 1.0));
    Deequ.Verification first = Deequ.verify(rows(BAD), rules, history, new RunKey(1_000, Map.of(Deequ.DATASET_TAG, "t", "as_of_date", "2025-01-01")));
    Deequ.History reloaded = new Deequ.History();
    first.metrics().forEach(m -> reloaded.add(m.json()));
    assertThat(reloaded.size()).isEqualTo(first.metrics().size()).isGreaterThanOrEqualTo(2);
    assertThat(reloaded.latestRowCount("t", 1_999)).hasValue(4.0);
    Deequ.Verification second = Deequ.verify(rows(GOOD), rules, reloaded, new RunKey(2_000, Map.of(Deequ.DATASET_TAG, "t", "as_of_date", "2025-02-01")));
    assertThat(second.outcomes().get(0).status()).isEqualTo(Status.FAILED);
  }

  @Test
  void suggestionsArePlainRecordsInColumnOrder() {
    // one profiling run (it is several passes): a date column is profiled as its text, Deequ's profiler has no date type
    List<Deequ.Suggestion> s = Deequ.suggest(spark.sql("SELECT * FROM VALUES ('a', 10.0, DATE'2025-01-01'), ('b', 100.0, DATE'2025-02-01'), "
        + "('c', 250.0, DATE'2025-02-01') AS t(id, pct, period_start)"));
    assertThat(s).extracting(Deequ.Suggestion::column, Deequ.Suggestion::code).contains(
        tuple("id", ".isComplete(\"id\")"), tuple("pct", ".isNonNegative(\"pct\")"), tuple("period_start", ".isComplete(\"period_start\")"));
    assertThat(s).allSatisfy(x -> assertThat(x.code()).startsWith("."));
    assertThat(s.get(0).column()).isEqualTo("id");
  }

}
