package org.carelake.transforms.preview;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.Models;

/**
 * Validates one uploaded submission against every data-quality rule before it lands: the rows are added to the
 * service's landed history and {@code dq.submission_finding} is evaluated over them (see {@link ModelPreview}), so
 * the portal gives the provider the same findings the council's report will show. Only the uploaded service's rows
 * are read, which keeps the answer within a couple of seconds on a warm session.
 */
public final class SubmissionValidator {

  static final String FINDINGS = "dq.submission_finding";
  private static final String RAW = WarehouseTables.RAW_RETURN_MEASURE.table();

  private final SparkSession spark;
  private final Models models;

  public SubmissionValidator(SparkSession spark, Models models) {
    this.spark = spark;
    this.models = models;
  }

  public SubmissionValidator(SparkSession spark) {
    this(spark, Models.load());
  }

  /**
   * @param upload rows shaped like {@code raw.return_measure} (what the returns gate would land)
   * @return the findings on the uploaded returns, errors first
   */
  public List<SubmissionFinding> validate(List<Row> upload) {
    if (upload.isEmpty()) {
      return List.of();
    }
    Dataset<Row> candidate = spark.createDataFrame(upload, spark.table(RAW).schema());
    List<Row> keys = candidate.select("location_id", "return_type", "period_start").distinct().collectAsList();
    Object[] locations = keys.stream().map(k -> k.getString(0)).distinct().toArray();
    Dataset<Row> history = spark.table(RAW).where(col("location_id").isin(locations)).unionByName(candidate);
    // the reporting date moves on far enough for the uploaded periods to be due, so they are judged in full
    // (every due date falls within 46 days of its period's end: seeds/ref/return_schedule.csv)
    Dataset<Row> asOf = spark.table("core.dim_as_of").crossJoin(candidate.agg(functions.max("period_end").as("latest_end")))
        .select(functions.greatest(col("as_of_date"), functions.date_add(col("latest_end"), 46)).as("as_of_date"), col("basis"));
    try (ModelPreview preview = new ModelPreview(spark, models)) {
      Dataset<Row> findings = preview.evaluate(FINDINGS, Map.of(
          RAW, history,
          "core.dim_as_of", asOf,
          // which periods are owed does not change with one upload: keep the built answer, not one from this service alone
          "core.dim_return_type", spark.table("core.dim_return_type"),
          "core.dim_contract", spark.table("core.dim_contract").where(col("location_id").isin(locations))));
      Column wanted = functions.lit(false);
      for (Row k : keys) {
        wanted = wanted.or(col("location_id").equalTo(k.getString(0)).and(col("return_type").equalTo(k.getString(1)))
            .and(col("period_start").equalTo(k.getDate(2))));
      }
      return findings.where(wanted)
          // a return just uploaded is neither missing nor (yet) judged against a due date it was sent before
          .where(col("rule_class").notEqual("missing_submission"))
          .orderBy(col("severity"), col("rule_code"), col("measure_code"))
          .collectAsList().stream()
          .map(r -> new SubmissionFinding(r.getAs("provider_id"), r.getAs("location_id"), r.getAs("return_type"),
              ((Date) r.getAs("period_start")).toLocalDate(), r.getAs("rule_code"), r.getAs("rule_class"), r.getAs("severity"),
              r.getAs("description"), r.getAs("measure_code"), r.getAs("value"), r.getAs("evidence")))
          .toList();
    }
  }
}
