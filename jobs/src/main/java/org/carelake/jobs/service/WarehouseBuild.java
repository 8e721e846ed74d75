package org.carelake.jobs.service;

import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.seeds.SeedLoader;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.ModelRunner;
import org.carelake.transforms.Models;
import org.carelake.transforms.RunHistory;
import org.carelake.transforms.SnapshotPins;
import org.carelake.schema.TableContract;
import org.carelake.transforms.quality.DatasetCheckRunner;
import org.springframework.stereotype.Service;

/**
 * {@code build}: raw tables migrated, seeds (re)loaded when changed, then every model staging → core → marts → dq, then
 * the dataset checks (Deequ) on the built tables.
 */
@Service
public class WarehouseBuild {

  /** What a build did, the geography findings it raised and what the dataset checks found. */
  public record Outcome(String runId, List<SeedLoader.SeedOutcome> seeds, List<ModelRunner.ModelResult> models, List<Row> geographyFindings,
      DatasetCheckRunner.Report datasetChecks) {
    /**
     * Every model built and kept its contract. Dataset check failures do not count: they describe the data received
     * (a provider's percentages, a CQC feed that shrank), which the build has reflected faithfully; they are printed
     * and kept in dq.dataset_check_result. A broken contract is the build's own fault and fails it.
     */
    public boolean passed() {
      return models.stream().allMatch(ModelRunner.ModelResult::passed);
    }
  }

  private final Lakehouse lakehouse;

  public WarehouseBuild(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public Outcome build() {
    Instant started = Instant.now();
    String runId = UUID.randomUUID().toString();
    SparkSession spark = lakehouse.spark();
    WarehouseTables.migrate(new TableMigrator(spark));
    List<SeedLoader.SeedOutcome> seeds = new SeedLoader(spark, Clock.systemUTC()).load(lakehouse.properties().getSeedsDir());
    RunHistory history = new RunHistory(spark);
    // the raw tables are read as they were when the build started, however much lands while it runs
    SnapshotPins pins = history.pinCurrent(WarehouseTables.raw().stream().map(TableContract::table).toList());
    ModelRunner runner = new ModelRunner(spark, pins);
    List<ModelRunner.ModelResult> results = new ArrayList<>();
    List<RunHistory.TableWrite> writes = new ArrayList<>();
    for (var model : Models.load().all()) {
      List<RunHistory.InputSnapshot> inputs = history.inputsOf(model, pins);
      ModelRunner.ModelResult r = runner.build(model);
      results.add(r);
      writes.add(history.written(writes.size() + 1, model, inputs, r));
    }
    List<Row> findings = spark.sql("SELECT name_kind, cqc_name, source_layout, rule_code, locations, evidence "
        + "FROM dq.cqc_unmatched_geography ORDER BY locations DESC, cqc_name").collectAsList();
    DatasetCheckRunner.Report checks = new DatasetCheckRunner(spark, Clock.systemUTC()).run();
    history.record(runId, started, Instant.now(), writes);
    return new Outcome(runId, seeds, results, findings, checks);
  }
}
