package org.carelake.jobs.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.cqc.CqcApiSettings;
import org.carelake.ingestion.cqc.CqcIngestor;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.schema.TestLakehouse;
import org.carelake.transforms.Model;
import org.carelake.transforms.ModelRunner;
import org.carelake.transforms.ModelTables;
import org.carelake.transforms.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build leaves alone the models none of whose inputs changed since the last published build, and what it leaves is
 * exactly what a full build would have written; so is what it rebuilds for the new month's periods alone.
 */
class UnchangedModelsBuildTest {

  private static final List<String> CQC_CHAIN = List.of("staging.stg_cqc_location", "staging.stg_cqc_rating", "core.fct_rating_snapshot",
      "marts.mart_ratings_benchmark", "marts.mart_location_latest_rating");

  @TempDir
  static Path tmp;

  @Test
  void aBuildRunsOnlyWhatANewLoadChangesAndMatchesAFullBuild() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    WarehouseBuild build = new WarehouseBuild(TestWarehouse.lakehouse(spark, tmp.resolve("home")));
    MeasureCatalogue catalogue = MeasureCatalogue.load(TestWarehouse.seeds());
    List<Measure> measures = TestWarehouse.measures(catalogue, 5);
    ReturnsIngestor returns = new ReturnsIngestor(new Lander(spark), catalogue, Clock.systemUTC());
    new CqcIngestor(new Lander(spark), CqcApiSettings.defaults(null), Clock.systemUTC())
        .ingest(TestWarehouse.seeds().resolve("samples/cqc/api_oldham_2025").toString(), Optional.empty());
    returns.ingest(TestWarehouse.returns(tmp.resolve("first"), 1, 4, measures, "3"), Optional.empty());
    List<String> tables = Models.load().all().stream().map(Model::table).toList();

    WarehouseBuild.Outcome first = build.build();
    assertThat(first.passed()).as(first.whyNotPublished()).isTrue();
    assertThat(first.models()).allMatch(ModelRunner.ModelResult::built);
    Map<String, Long> afterFirst = mainSnapshots(spark, tables);

    // nothing new: every table left as it was, and the run says so
    WarehouseBuild.Outcome idle = build.build();
    assertThat(idle.passed()).isTrue();
    assertThat(idle.models()).noneMatch(ModelRunner.ModelResult::built);
    assertThat(idle.published()).isEmpty();
    assertThat(mainSnapshots(spark, tables)).isEqualTo(afterFirst);
    assertThat(spark.sql("SELECT count(*) FROM ops.build_run WHERE run_id = '" + idle.runId() + "' AND action = 'unchanged' AND published")
        .first().getLong(0)).isEqualTo(tables.size());

    // a month of returns: the return chain is rebuilt, its period-keyed tables for the new month alone; the CQC chain is not rebuilt
    returns.ingest(TestWarehouse.returns(tmp.resolve("second"), 1, 6, measures, "3", java.time.LocalDate.of(2025, 9, 1)), Optional.empty());
    WarehouseBuild.Outcome afterReturns = build.build();
    assertThat(afterReturns.passed()).as(afterReturns.whyNotPublished()).isTrue();
    List<String> kept = afterReturns.models().stream().filter(m -> !m.built()).map(ModelRunner.ModelResult::table).toList();
    List<String> rebuilt = afterReturns.models().stream().filter(ModelRunner.ModelResult::built).map(ModelRunner.ModelResult::table).toList();
    assertThat(kept).containsAll(CQC_CHAIN);
    assertThat(rebuilt).contains("staging.stg_return_measure", "core.fct_return_measure", "dq.submission_finding", "marts.mart_kpi_compliance");
    Map<String, String> sliced = afterReturns.models().stream().filter(ModelRunner.ModelResult::sliced)
        .collect(Collectors.toMap(ModelRunner.ModelResult::table, m -> m.slice().describe()));
    assertThat(sliced).containsExactlyInAnyOrderEntriesOf(Map.of(
        "staging.stg_return_measure", "monthly from 2025-09-01", "core.fct_return_measure", "monthly from 2025-09-01"));
    assertThat(spark.sql("SELECT count(*) FROM ops.build_run WHERE run_id = '" + afterReturns.runId() + "' AND action = 'sliced' "
        + "AND slice = 'monthly from 2025-09-01'").first().getLong(0)).isEqualTo(2);
    for (String t : CQC_CHAIN) {
      assertThat(mainSnapshots(spark, List.of(t))).isEqualTo(Map.of(t, afterFirst.get(t)));
    }
    assertSummaryTotalsAreRowCounts(spark, tables);
    long partialMs = afterReturns.models().stream().mapToLong(m -> m.took().toMillis()).sum();
    Map<String, List<Object>> partial = fingerprints(spark, tables);

    // a full build of the same inputs writes exactly what the partial build left
    WarehouseBuild.Outcome full = build.buildFull();
    assertThat(full.passed()).isTrue();
    assertThat(full.models()).allMatch(ModelRunner.ModelResult::built);
    assertThat(fingerprints(spark, tables)).isEqualTo(partial);
    long fullMs = full.models().stream().mapToLong(m -> m.took().toMillis()).sum();
    System.out.printf("unchanged models: %d of %d kept after a month of returns; models took %.1f s against %.1f s for a full build%n",
        kept.size(), tables.size(), partialMs / 1000.0, fullMs / 1000.0);
    System.out.println("kept: " + kept + "; sliced: " + sliced);
  }

  /** Each table's main snapshot summary counts its rows (a sliced or rebuilt table published from the audit branch). */
  private static void assertSummaryTotalsAreRowCounts(SparkSession spark, List<String> tables) {
    for (String t : tables) {
      var table = ModelTables.load(spark, t);
      table.refresh();
      assertThat(table.currentSnapshot().summary().get("total-records")).as(t + " total-records")
          .isEqualTo(String.valueOf(spark.table(t).count()));
    }
  }

  private static Map<String, Long> mainSnapshots(SparkSession spark, List<String> tables) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : tables) {
      var table = ModelTables.load(spark, t);
      table.refresh();
      out.put(t, table.currentSnapshot().snapshotId());
    }
    return out;
  }

  /** Row count and order-free content hash of each table; a build's own time stamps are left out. */
  private static Map<String, List<Object>> fingerprints(SparkSession spark, List<String> tables) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (String t : tables) {
      String cols = Arrays.stream(spark.table(t).columns()).filter(c -> !c.equals("detected_at")).map(c -> "`" + c + "`")
          .collect(Collectors.joining(", "));
      Row r = spark.sql("SELECT count(*), coalesce(sum(xxhash64(to_json(struct(" + cols + ")))), 0) FROM " + t).first();
      out.put(t, List.of(r.getLong(0), r.get(1)));
    }
    return out;
  }
}
