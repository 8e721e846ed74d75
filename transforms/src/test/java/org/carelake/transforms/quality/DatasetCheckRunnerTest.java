package org.carelake.transforms.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.CatalogSettings;
import org.carelake.schema.TestLakehouse;
import org.carelake.transforms.quality.DatasetCheck.Severity;
import org.carelake.transforms.quality.DatasetCheck.Source;
import org.carelake.transforms.quality.Deequ.Status;
import org.junit.jupiter.api.Test;

/**
 * The metrics history lives in the warehouse: a second run in a new session over a freshly loaded catalog (as after a
 * restart: nothing in memory) compares with the first run's stored metrics and flags the drop; results and metrics of
 * both runs are in dq.*.
 */
class DatasetCheckRunnerTest {

  private static final Source ITEMS = Source.table("core.test_items");
  private static final Source PCT_ROWS = Source.view("core.test_items", "percent_rows", "SELECT * FROM core.test_items WHERE unit = 'percent'");
  private static final List<DatasetCheck> CHECKS = List.of(
      new DatasetCheck("T01", ITEMS, Severity.ERROR, "ids are complete", new Deequ.Complete(List.of("id"), 1.0)),
      new DatasetCheck("T02", ITEMS, Severity.ERROR, "ids are unique", new Deequ.Unique(List.of("id"))),
      new DatasetCheck("T03", ITEMS, Severity.WARNING, "percentages within 0-100", Deequ.range("value", 0, 100, "unit = 'percent'", 1.0)),
      new DatasetCheck("T04", ITEMS, Severity.WARNING, "rows do not drop", new Deequ.NoSuddenDrop(0.10)),
      new DatasetCheck("T05", PCT_ROWS, Severity.WARNING, "percent rows do not drop", new Deequ.NoSuddenDrop(0.10)),
      new DatasetCheck("T06", Source.table("core.not_built"), Severity.ERROR, "a table not built yet", new Deequ.Complete(List.of("id"), 1.0)));

  @Test
  void historySurvivesARestartAndADropIsFlagged() {
    SparkSession spark = TestLakehouse.spark();
    CatalogSettings catalog = TestLakehouse.freshCatalog();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS core");
    spark.sql("CREATE TABLE core.test_items USING iceberg AS SELECT * FROM VALUES "
        + "('a', 'percent', 10.0), ('b', 'percent', 99.5), ('c', 'count', 250.0), ('d', 'percent', 100.0), ('e', 'count', 3.0) AS t(id, unit, value)");

    DatasetCheckRunner.Report first = new DatasetCheckRunner(spark, clockAt("2025-08-01T10:00:00Z")).run(CHECKS);
    assertThat(first.results()).extracting(DatasetCheckRunner.Result::code, DatasetCheckRunner.Result::status, DatasetCheckRunner.Result::metricValue)
        .containsExactly(
            tuple("T01", Status.PASSED, 1.0), tuple("T02", Status.PASSED, 1.0), tuple("T03", Status.PASSED, 1.0),
            tuple("T04", Status.SKIPPED, 5.0), tuple("T05", Status.SKIPPED, 3.0), tuple("T06", Status.SKIPPED, null));
    assertThat(first.metricsStored()).isPositive();
    assertThat(first.summary()).startsWith("6 checks: 3 passed, 0 failed (0 error, 0 warning), 3 skipped");

    // a restart: a new session whose catalog instance loads everything from the catalog database again
    SparkSession restarted = spark.newSession();
    catalog.sparkConf().forEach((k, v) -> restarted.conf().set(k, v));
    restarted.conf().set("spark.sql.defaultCatalog", catalog.name());
    restarted.sql("USE " + catalog.name());
    // the file lost: two percentage rows gone, one duplicated id and one out of range arrives
    restarted.sql("DELETE FROM core.test_items WHERE id IN ('a', 'b')");
    restarted.sql("INSERT INTO core.test_items VALUES ('c', 'percent', 140.0)");

    DatasetCheckRunner.Report second = new DatasetCheckRunner(restarted, clockAt("2025-08-02T10:00:00Z")).run(CHECKS);
    assertThat(second.results()).extracting(DatasetCheckRunner.Result::code, DatasetCheckRunner.Result::status)
        .containsExactly(tuple("T01", Status.PASSED), tuple("T02", Status.FAILED), tuple("T03", Status.FAILED),
            tuple("T04", Status.FAILED), tuple("T05", Status.FAILED), tuple("T06", Status.SKIPPED));
    assertThat(second.results().get(3).metricValue()).isEqualTo(4.0);
    assertThat(second.results().get(3).message()).contains("from 5 to 4").contains("-20.0%");
    assertThat(second.results().get(4).message()).contains("from 3 to 2");
    assertThat(second.failed(Severity.ERROR)).isEqualTo(1);
    assertThat(second.failed(Severity.WARNING)).isEqualTo(3);

    List<Row> runs = restarted.sql("SELECT run_id, count(*), count_if(status = 'failed') FROM dq.dataset_check_result GROUP BY run_id ORDER BY run_id")
        .collectAsList();
    assertThat(runs).extracting(r -> r.getString(0), r -> r.getLong(1), r -> r.getLong(2))
        .containsExactly(tuple(first.runId(), 6L, 0L), tuple(second.runId(), 6L, 4L));
    List<Row> sizes = restarted.sql("SELECT run_id, dataset, value FROM dq.deequ_metric WHERE analyzer = 'Size(None)' ORDER BY dataset_date, dataset")
        .collectAsList();
    assertThat(sizes).extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getDouble(2)).containsExactly(
        tuple(first.runId(), "core.test_items", 5.0), tuple(first.runId(), "core.test_items:percent_rows", 3.0),
        tuple(second.runId(), "core.test_items", 4.0), tuple(second.runId(), "core.test_items:percent_rows", 2.0));
    assertThat(restarted.sql("SELECT DISTINCT table_name, as_of_date FROM dq.deequ_metric").collectAsList())
        .extracting(r -> r.getString(0), r -> r.get(1)).containsExactly(tuple("core.test_items", null));

    // a bounded load: the latest run only, or both
    long firstRun = Instant.parse("2025-08-01T10:00:00Z").toEpochMilli();
    WarehouseMetricsRepository repository = new WarehouseMetricsRepository(restarted);
    assertThat(repository.load(List.of("core.test_items"), 1).latestRowCount("core.test_items", firstRun)).isEmpty();
    assertThat(repository.load(List.of("core.test_items"), 2).latestRowCount("core.test_items", firstRun)).hasValue(5.0);
  }

  private static Clock clockAt(String instant) {
    return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
  }
}
