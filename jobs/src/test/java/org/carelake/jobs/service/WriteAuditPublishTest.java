package org.carelake.jobs.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.cqc.CqcApiSettings;
import org.carelake.ingestion.cqc.CqcIngestor;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.schema.TestLakehouse;
import org.carelake.transforms.AuditBranch;
import org.carelake.transforms.Model;
import org.carelake.transforms.ModelTables;
import org.carelake.transforms.Models;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write-audit-publish (issue 8, property 5): a build writes every model to its audit branch, checks the contracts and
 * the error-severity dataset checks there, and moves main only when they pass. A build failing either gate leaves every
 * table's main exactly as it was (same snapshot, same rows), says which gate and table, and keeps its rows on the
 * branch; a later good build publishes.
 */
class WriteAuditPublishTest {

  @TempDir
  static Path tmp;

  @Test
  void aBuildIsPublishedOnlyWhenItsContractAndDataQualityGatesPass() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Lakehouse lakehouse = TestWarehouse.lakehouse(spark, tmp.resolve("home"));
    WarehouseBuild build = new WarehouseBuild(lakehouse);
    MeasureCatalogue catalogue = MeasureCatalogue.load(TestWarehouse.seeds());
    List<Measure> measures = TestWarehouse.measures(catalogue, 5);
    ReturnsIngestor returns = new ReturnsIngestor(new Lander(spark), catalogue, Clock.systemUTC());
    new CqcIngestor(new Lander(spark), CqcApiSettings.defaults(null), Clock.systemUTC())
        .ingest(TestWarehouse.seeds().resolve("samples/cqc/api_oldham_2025").toString(), Optional.empty());
    returns.ingest(TestWarehouse.returns(tmp.resolve("first"), 1, 4, measures, "3"), Optional.empty());

    // a good build is published: main is the branch's head, the branch is gone, the run says so
    WarehouseBuild.Outcome good = build.build();
    assertThat(good.passed()).as(good.whyNotPublished()).isTrue();
    List<String> modelTables = Models.load().all().stream().map(Model::table).toList();
    assertThat(good.published()).extracting(AuditBranch.Published::table).containsExactlyElementsOf(modelTables);
    assertThat(auditBranches(spark, modelTables)).isEmpty();
    Map<String, Long> recorded = runSnapshots(spark, good.runId());
    assertThat(recorded).isEqualTo(mainSnapshots(spark, modelTables));
    assertThat(spark.sql("SELECT count(*) FROM ops.build_run WHERE run_id = '" + good.runId() + "' AND published").first().getLong(0))
        .isEqualTo(modelTables.size());
    long benchmarkRows = count(spark, "SELECT count(*) FROM marts.mart_ratings_benchmark WHERE published_pct_good_or_outstanding IS NOT NULL");
    assertThat(benchmarkRows).as("the LG Inform comparator joined to Oldham's ratings").isPositive();

    Map<String, Long> mainBefore = mainSnapshots(spark, modelTables);
    Map<String, List<Object>> rowsBefore = fingerprints(spark, modelTables);
    long stgBefore = count(spark, "SELECT count(*) FROM staging.stg_return_measure");
    returns.ingest(TestWarehouse.returns(tmp.resolve("second"), 5, 6, measures, "3"), Optional.empty());

    // gate 1, the contracts: a changed query that writes the benchmark's key questions in lower case (not an accepted value)
    Models models = Models.load();
    Model benchmark = models.get("marts.mart_ratings_benchmark");
    Model lowerCase = new Model(benchmark.table(), "SELECT " + select(benchmark, "key_question", "lower(key_question)") + " FROM (" + benchmark.sql()
        + "\n)", benchmark.contract(), benchmark.inputs());
    WarehouseBuild.Outcome broken = build.build(models.replacing(lowerCase));
    assertThat(broken.passed()).isFalse();
    assertThat(broken.published()).isEmpty();
    assertThat(broken.whyNotPublished()).contains("broke their contract").contains("marts.mart_ratings_benchmark");
    assertThat(mainSnapshots(spark, modelTables)).isEqualTo(mainBefore);
    assertThat(fingerprints(spark, modelTables)).isEqualTo(rowsBefore);
    assertThat(count(spark, "SELECT count(*) FROM staging.stg_return_measure")).isEqualTo(stgBefore);
    // what the build wrote is on its branch: the new load included
    assertThat(count(spark, "SELECT count(*) FROM staging.stg_return_measure VERSION AS OF '" + broken.auditBranch() + "'"))
        .isEqualTo(stgBefore + 2L * measures.size());
    assertThat(auditBranches(spark, modelTables)).containsOnly(broken.auditBranch());
    assertThat(count(spark, "SELECT count(*) FROM ops.build_run WHERE run_id = '" + broken.runId() + "' AND NOT published"))
        .isEqualTo(modelTables.size());

    // gate 2, the dataset checks: a comparator ten times too big keeps the mart's contract but fails check RB02 (error)
    Model inflated = new Model(benchmark.table(), "SELECT " + select(benchmark, "published_pct_good_or_outstanding",
        "published_pct_good_or_outstanding * 10") + " FROM (" + benchmark.sql() + "\n)", benchmark.contract(), benchmark.inputs());
    WarehouseBuild.Outcome failedCheck = build.build(models.replacing(inflated));
    assertThat(failedCheck.models()).allMatch(m -> m.passed());
    assertThat(failedCheck.passed()).isFalse();
    assertThat(failedCheck.whyNotPublished()).contains("dataset check").contains("RB02");
    assertThat(mainSnapshots(spark, modelTables)).isEqualTo(mainBefore);
    assertThat(fingerprints(spark, modelTables)).isEqualTo(rowsBefore);
    assertThat(count(spark, "SELECT count(*) FROM dq.dataset_check_result WHERE run_id = '" + failedCheck.datasetChecks().runId()
        + "' AND check_code = 'RB02' AND status = 'failed'")).isEqualTo(1);

    // a build that fails outright part-way (here a model downstream of a doubled staging table cannot write its map) also
    // leaves main as it was, and the session reads and writes main again afterwards
    Model staged = models.get("staging.stg_return_measure");
    Model doubled = new Model(staged.table(), "SELECT * FROM (" + staged.sql() + "\n) UNION ALL SELECT * FROM (" + staged.sql() + "\n)",
        staged.contract(), staged.inputs());
    assertThatThrownBy(() -> build.build(models.replacing(doubled))).hasMessageContaining("failed");
    assertThat(spark.conf().getOption("spark.wap.branch").isDefined()).isFalse();
    assertThat(mainSnapshots(spark, modelTables)).isEqualTo(mainBefore);
    assertThat(fingerprints(spark, modelTables)).isEqualTo(rowsBefore);

    // the next good build publishes the new load
    WarehouseBuild.Outcome fixed = build.build();
    assertThat(fixed.passed()).as(fixed.whyNotPublished()).isTrue();
    assertThat(count(spark, "SELECT count(*) FROM staging.stg_return_measure")).isEqualTo(stgBefore + 2L * measures.size());
    assertThat(mainSnapshots(spark, modelTables)).isEqualTo(runSnapshots(spark, fixed.runId()));
    assertThat(auditBranches(spark, modelTables)).as("failed builds' branches are kept for inspection")
        .contains(broken.auditBranch(), failedCheck.auditBranch()).hasSize(3);
  }

  /** The model's columns, one of them computed by an expression instead. */
  private static String select(Model model, String column, String expression) {
    return model.contract().columnNames().stream().map(c -> c.equals(column) ? expression + " AS " + c : c).collect(Collectors.joining(", "));
  }

  private static Map<String, Long> mainSnapshots(SparkSession spark, List<String> tables) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : tables) {
      Table table = ModelTables.load(spark, t);
      table.refresh();
      out.put(t, table.currentSnapshot().snapshotId());
    }
    return out;
  }

  private static List<String> auditBranches(SparkSession spark, List<String> tables) {
    return tables.stream().flatMap(t -> {
      Table table = ModelTables.load(spark, t);
      table.refresh();
      return table.refs().entrySet().stream().filter(e -> e.getValue().isBranch() && !e.getKey().equals(SnapshotRef.MAIN_BRANCH)).map(Map.Entry::getKey);
    }).distinct().toList();
  }

  private static Map<String, Long> runSnapshots(SparkSession spark, String runId) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : spark.sql("SELECT table_name, snapshot_id FROM ops.build_run WHERE run_id = '" + runId + "' ORDER BY build_order").collectAsList()) {
      out.put(r.getString(0), r.getLong(1));
    }
    return out;
  }

  private static Map<String, List<Object>> fingerprints(SparkSession spark, List<String> tables) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (String t : tables) {
      Row r = spark.sql("SELECT count(*), coalesce(sum(xxhash64(to_json(struct(*)))), 0) FROM " + t).first();
      out.put(t, List.of(r.getLong(0), r.get(1)));
    }
    return out;
  }

  private static long count(SparkSession spark, String sql) {
    return spark.sql(sql).first().getLong(0);
  }
}
