package org.carelake.jobs.service;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.seeds.SeedLoader;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.ModelRunner;
import org.carelake.transforms.Models;
import org.springframework.stereotype.Service;

/** {@code build}: raw tables migrated, seeds (re)loaded when changed, then every model staging → core → marts → dq. */
@Service
public class WarehouseBuild {

  /** What a build did, and the geography findings it raised. */
  public record Outcome(List<SeedLoader.SeedOutcome> seeds, List<ModelRunner.ModelResult> models, List<Row> geographyFindings) {
    public boolean passed() {
      return models.stream().allMatch(ModelRunner.ModelResult::passed);
    }
  }

  private final Lakehouse lakehouse;

  public WarehouseBuild(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public Outcome build() {
    SparkSession spark = lakehouse.spark();
    WarehouseTables.migrate(new TableMigrator(spark));
    List<SeedLoader.SeedOutcome> seeds = new SeedLoader(spark, Clock.systemUTC()).load(lakehouse.properties().getSeedsDir());
    ModelRunner runner = new ModelRunner(spark);
    List<ModelRunner.ModelResult> results = new ArrayList<>();
    for (var model : Models.load().all()) {
      ModelRunner.ModelResult r = runner.build(model);
      results.add(r);
    }
    List<Row> findings = spark.sql("SELECT name_kind, cqc_name, source_layout, rule_code, locations, evidence "
        + "FROM dq.cqc_unmatched_geography ORDER BY locations DESC, cqc_name").collectAsList();
    return new Outcome(seeds, results, findings);
  }
}
