package org.carelake.jobs.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.WarehouseTables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrency (issue 8, property 3): two ingests and a build at once against one catalog. No row is lost or landed
 * twice, every table stays readable and consistent with its snapshot summary, and the build reads its raw inputs at
 * the snapshots it pinned when it started (and records them): a load that lands during the build is not half-seen,
 * and the next build has it.
 */
class ConcurrentIngestAndBuildTest {

  @TempDir
  static Path tmp;

  @Test
  void twoIngestsAndABuildAtOnceLoseNothingAndTheBuildReadsOneSnapshot() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Lakehouse lakehouse = TestWarehouse.lakehouse(spark, tmp.resolve("home"));
    MeasureCatalogue catalogue = MeasureCatalogue.load(TestWarehouse.seeds());
    List<Measure> measures = TestWarehouse.measures(catalogue, 5);
    Path history = TestWarehouse.returns(tmp.resolve("history"), 1, 4, measures, "3");
    Path first = TestWarehouse.returns(tmp.resolve("first"), 11, 16, measures, "3");
    Path second = TestWarehouse.returns(tmp.resolve("second"), 21, 26, measures, "3");
    long perFolder = 6L * measures.size();

    new ReturnsIngestor(new Lander(spark), catalogue, Clock.systemUTC()).ingest(history, Optional.empty());

    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch start = new CountDownLatch(1);
    try {
      Future<WarehouseBuild.Outcome> build = pool.submit(after(start, () -> new WarehouseBuild(lakehouse).build()));
      Future<IngestReport> a = pool.submit(after(start, () -> new ReturnsIngestor(new Lander(spark), catalogue, Clock.systemUTC())
          .ingest(first, Optional.empty())));
      Future<IngestReport> b = pool.submit(after(start, () -> new ReturnsIngestor(new Lander(spark), catalogue, Clock.systemUTC())
          .ingest(second, Optional.empty())));
      start.countDown();
      assertThat(a.get(10, TimeUnit.MINUTES).landed()).isEqualTo(perFolder);
      assertThat(b.get(10, TimeUnit.MINUTES).landed()).isEqualTo(perFolder);
      WarehouseBuild.Outcome outcome = build.get(15, TimeUnit.MINUTES);
      assertThat(outcome.passed()).isTrue();

      // nothing lost, nothing twice
      long all = 4L * measures.size() + 2 * perFolder;
      assertThat(count(spark, "SELECT count(*) FROM raw.return_measure")).isEqualTo(all);
      assertThat(count(spark, "SELECT count(*) FROM (SELECT DISTINCT _source_sha256, _source_row FROM raw.return_measure)")).isEqualTo(all);
      assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest")).isEqualTo(16);
      assertThat(count(spark, "SELECT count(DISTINCT _source_sha256) FROM raw.ingest_manifest")).isEqualTo(16);
      // every table readable, and its rows what its snapshot summary says
      for (var t : WarehouseTables.raw()) {
        var snapshot = new org.carelake.schema.TableSnapshots(spark).current(t.table());
        if (snapshot.isPresent() && snapshot.get().totalRecords() != null) {
          assertThat(count(spark, "SELECT count(*) FROM " + t.table())).as(t.table()).isEqualTo(snapshot.get().totalRecords());
        }
      }

      // the build read raw.return_measure at one snapshot, the one it recorded, whatever landed meanwhile
      Row run = spark.sql("SELECT i.snapshot_id FROM ops.build_run LATERAL VIEW explode(inputs) x AS i "
          + "WHERE run_id = '" + outcome.runId() + "' AND table_name = 'staging.stg_return_measure' AND i.table_name = 'raw.return_measure'").first();
      long read = count(spark, "SELECT count(*) FROM raw.return_measure VERSION AS OF " + run.getLong(0));
      assertThat(count(spark, "SELECT count(*) FROM staging.stg_return_measure")).isEqualTo(read);
      assertThat(read).isBetween(4L * measures.size(), all);

      // and the next build has every row
      assertThat(new WarehouseBuild(lakehouse).build().passed()).isTrue();
      assertThat(count(spark, "SELECT count(*) FROM staging.stg_return_measure")).isEqualTo(all);
    } finally {
      pool.shutdownNow();
    }
  }

  private static <T> Callable<T> after(CountDownLatch start, Callable<T> work) {
    return () -> {
      start.await();
      return work.call();
    };
  }

  private static long count(SparkSession spark, String sql) {
    return spark.sql(sql).first().getLong(0);
  }
}
