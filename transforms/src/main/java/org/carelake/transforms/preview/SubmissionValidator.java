package org.carelake.transforms.preview;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
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
  private static final int MAX_COPY_ROWS = 200_000;
  private static final String RAW = WarehouseTables.RAW_RETURN_MEASURE.table();

  private final SparkSession spark;
  private final Models models;

  public SubmissionValidator(SparkSession spark, Models models) {
    // its own session: its views stay its own, and a slice of a few hundred rows runs fastest in one partition
    // without adaptive re-planning between the many small stages of the rules
    this.spark = spark.newSession();
    // a new session starts from the context's settings: carry over the catalog and everything else set on this one
    scala.collection.JavaConverters.mapAsJavaMapConverter(spark.conf().getAll()).asJava().forEach((k, v) -> {
      if (this.spark.conf().isModifiable(k) || k.startsWith("spark.sql.catalog.")) {
        this.spark.conf().set(k, v);
      }
    });
    this.spark.conf().set("spark.sql.shuffle.partitions", "1");
    this.spark.conf().set("spark.sql.adaptive.enabled", "false");
    this.models = models;
  }

  public SubmissionValidator(SparkSession spark) {
    this(spark, Models.load());
  }

  /** A built table read by the rules, held as local rows until the table changes; sliced to the services asked about. */
  private record Copy(long snapshotId, Set<String> locations, Dataset<Row> rows) {}

  private final Map<String, Copy> copies = new ConcurrentHashMap<>();

  private Dataset<Row> localCopy(String table, Set<String> locations) {
    long snapshot = snapshotOf(table);
    Dataset<Row> source = spark.table(table);
    boolean sliced = Arrays.asList(source.columns()).contains("location_id");
    Set<String> key = sliced ? locations : Set.of();
    Copy c = copies.get(table);
    if (c != null && c.snapshotId() == snapshot && c.locations().equals(key)) {
      return c.rows();
    }
    Dataset<Row> slice = sliced ? source.where(col("location_id").isin(key.toArray())) : source;
    List<Row> rows = slice.collectAsList();
    if (rows.size() > MAX_COPY_ROWS) {
      return slice; // too big to hold: read it in place
    }
    Dataset<Row> local = spark.createDataFrame(rows, slice.schema());
    copies.put(table, new Copy(snapshot, key, local));
    return local;
  }

  private long snapshotOf(String table) {
    try {
      org.apache.iceberg.Snapshot s = org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, table).currentSnapshot();
      return s == null ? -1 : s.snapshotId();
    } catch (Exception e) { // not an Iceberg table, or gone: never cache
      return System.nanoTime();
    }
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
    Set<String> locationSet = new TreeSet<>();
    for (Object l : locations) {
      locationSet.add((String) l);
    }
    try (ModelPreview preview = new ModelPreview(spark, models)) {
      Dataset<Row> findings = preview.evaluate(FINDINGS, Map.of(
          RAW, history,
          "core.dim_as_of", asOf,
          // which periods are owed does not change with one upload: keep the built answer, not one from this service alone
          "core.dim_return_type", localCopy("core.dim_return_type", Set.of())),
          table -> localCopy(table, locationSet));
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
