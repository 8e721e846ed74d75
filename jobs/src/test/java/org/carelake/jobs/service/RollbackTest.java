package org.carelake.jobs.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.maintenance.TableMaintenance;
import org.carelake.schema.maintenance.WarehouseRollback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Time travel (issue 8, property 6): a past snapshot's answer is reproduced exactly after later loads, and rolling back
 * a bad load restores the earlier marts, takes the load's rows and manifest entries out of the raw tables (so its
 * corrected version can be sent) and leaves the run history alone.
 */
class RollbackTest {

  @TempDir
  static Path tmp;

  @Test
  void aReportForAPastSnapshotIsReproducedAndRollingBackABadLoadRestoresTheMarts() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Lakehouse lakehouse = TestWarehouse.lakehouse(spark, tmp.resolve("home"));
    MeasureCatalogue catalogue = MeasureCatalogue.load(TestWarehouse.seeds());
    List<Measure> measures = TestWarehouse.measures(catalogue, 5);
    ReturnsIngestor ingestor = new ReturnsIngestor(new Lander(spark), catalogue, Clock.systemUTC());
    ingestor.ingest(TestWarehouse.returns(tmp.resolve("good"), 1, 4, measures, "3"), Optional.empty());
    assertThat(new WarehouseBuild(lakehouse).build().passed()).isTrue();

    Map<String, List<Object>> goodModels = fingerprints(spark);
    String report = "SELECT * FROM core.fct_return_measure ORDER BY submission_id, measure_code";
    long reportSnapshot = spark.sql("SELECT snapshot_id FROM core.fct_return_measure.snapshots ORDER BY committed_at DESC LIMIT 1")
        .first().getLong(0);
    List<Row> reportThen = spark.sql(report).collectAsList();
    Thread.sleep(50); // the moment lies strictly between the good build's commits and the bad load's
    Instant beforeTheBadLoad = Instant.now();
    Thread.sleep(50);

    // a bad load: a provider's whole month with every value 10,000 times too big, then a build
    Path bad = TestWarehouse.returns(tmp.resolve("bad"), 5, 8, measures, "30000");
    IngestReport landed = ingestor.ingest(bad, Optional.empty());
    assertThat(landed.landed()).isEqualTo(4L * measures.size());
    assertThat(new WarehouseBuild(lakehouse).build().passed()).isTrue();
    assertThat(fingerprints(spark)).isNotEqualTo(goodModels);
    long runs = count(spark, "SELECT count(*) FROM ops.build_run");

    // the past answer, asked by its snapshot, is the same after the later load and build
    String reportSql = report.replace("core.fct_return_measure", "core.fct_return_measure VERSION AS OF " + reportSnapshot);
    assertThat(spark.sql(reportSql).collectAsList()).containsExactlyElementsOf(reportThen);

    List<WarehouseRollback.Change> changes = new WarehouseRollback(spark).rollBackTo(beforeTheBadLoad);
    assertThat(changes).filteredOn(c -> c.action().equals("rolled back")).extracting(WarehouseRollback.Change::table)
        .contains("raw.return_measure", "raw.ingest_manifest", "core.fct_return_measure", "staging.stg_return_measure")
        .noneMatch(t -> t.startsWith("ops."));
    assertThat(fingerprints(spark)).isEqualTo(goodModels);
    assertThat(spark.sql(report).collectAsList()).containsExactlyElementsOf(reportThen);
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE location_id >= '1-40000000005'")).isZero();
    assertThat(count(spark, "SELECT count(*) FROM ops.build_run")).isEqualTo(runs);

    // the corrected month can now be sent: it lands as new
    IngestReport corrected = ingestor.ingest(TestWarehouse.returns(tmp.resolve("corrected"), 5, 8, measures, "3"), Optional.empty());
    assertThat(corrected.landed()).isEqualTo(4L * measures.size());
  }

  /** Row count and order-free hash of every model's table (staging, core, data quality, marts). */
  private static Map<String, List<Object>> fingerprints(SparkSession spark) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (String t : TableMaintenance.allTables(spark)) {
      if (t.startsWith("staging.") || t.startsWith("core.") || t.startsWith("dq.") || t.startsWith("marts.")) {
        Row r = spark.sql("SELECT count(*), coalesce(sum(xxhash64(to_json(struct(*)))), 0) FROM " + t).first();
        out.put(t, List.of(r.getLong(0), r.get(1)));
      }
    }
    return out;
  }

  private static long count(SparkSession spark, String sql) {
    return spark.sql(sql).first().getLong(0);
  }
}
