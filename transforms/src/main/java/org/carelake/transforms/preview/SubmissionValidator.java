package org.carelake.transforms.preview;

import static org.apache.spark.sql.functions.col;

import java.sql.Date;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.Models;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private static final Logger LOG = LoggerFactory.getLogger(SubmissionValidator.class);
  /** Errors before warnings (as the severities sort), then by rule and measure, blank measures first. */
  private static final Comparator<SubmissionFinding> ORDER = Comparator.comparing(SubmissionFinding::severity)
      .thenComparing(SubmissionFinding::ruleCode)
      .thenComparing(SubmissionFinding::measureCode, Comparator.nullsFirst(Comparator.naturalOrder()));

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
    // a few hundred rows are evaluated faster than Janino compiles code for them (measured: warm check 5.8 s with
    // code generation, 3.8 s without), and inferring filters from constraints costs more than it saves on them
    this.spark.conf().set("spark.sql.codegen.wholeStage", "false");
    this.spark.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
    this.spark.conf().set("spark.sql.constraintPropagation.enabled", "false");
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
    long start = System.nanoTime();
    StructType rawSchema = spark.table(RAW).schema();
    // the keys and dates of the upload are read from the rows themselves: no Spark job for a handful of values
    Set<List<Object>> keys = new LinkedHashSet<>();
    Set<String> locationSet = new TreeSet<>();
    LocalDate latestEnd = null;
    // rows from the gate carry no schema of their own: read their fields by the table's positions
    int locationAt = rawSchema.fieldIndex("location_id");
    int typeAt = rawSchema.fieldIndex("return_type");
    int startAt = rawSchema.fieldIndex("period_start");
    int endAt = rawSchema.fieldIndex("period_end");
    for (Row r : upload) {
      String location = r.getString(locationAt);
      LocalDate end = r.getDate(endAt).toLocalDate();
      keys.add(List.of(location, r.getString(typeAt), r.getDate(startAt).toLocalDate()));
      locationSet.add(location);
      latestEnd = latestEnd == null || end.isAfter(latestEnd) ? end : latestEnd;
    }
    Dataset<Row> candidate = spark.createDataFrame(upload, rawSchema);
    Dataset<Row> history = localCopy(RAW, locationSet).unionByName(candidate);
    // the reporting date moves on far enough for the uploaded periods to be due, so they are judged in full
    // (every due date falls within 46 days of its period's end: seeds/ref/return_schedule.csv)
    Row built = localCopy("core.dim_as_of", Set.of()).first();
    LocalDate builtAsOf = ((Date) built.getAs("as_of_date")).toLocalDate();
    LocalDate judgedAt = latestEnd.plusDays(46).isAfter(builtAsOf) ? latestEnd.plusDays(46) : builtAsOf;
    Dataset<Row> asOf = spark.createDataFrame(List.of(RowFactory.create(Date.valueOf(judgedAt), built.getAs("basis"))),
        spark.table("core.dim_as_of").schema());
    try (ModelPreview preview = new ModelPreview(spark, models)) {
      Dataset<Row> findings = preview.evaluate(FINDINGS, Map.of(
          RAW, history,
          "core.dim_as_of", asOf,
          // which periods are owed does not change with one upload: keep the built answer, not one from this service alone
          "core.dim_return_type", localCopy("core.dim_return_type", Set.of())),
          table -> localCopy(table, locationSet));
      // the findings are already local rows: pick the uploaded returns' in Java rather than with one more job
      List<SubmissionFinding> out = findings.collectAsList().stream()
          .filter(r -> keys.contains(List.<Object>of(r.<String>getAs("location_id"), r.<String>getAs("return_type"), ((Date) r.getAs("period_start")).toLocalDate())))
          // a return just uploaded is neither missing nor (yet) judged against a due date it was sent before
          .filter(r -> !"missing_submission".equals(r.getAs("rule_class")))
          .map(r -> new SubmissionFinding(r.getAs("provider_id"), r.getAs("location_id"), r.getAs("return_type"),
              ((Date) r.getAs("period_start")).toLocalDate(), r.getAs("rule_code"), r.getAs("rule_class"), r.getAs("severity"),
              r.getAs("description"), r.getAs("measure_code"), r.getAs("value"), r.getAs("evidence")))
          .sorted(ORDER)
          .toList();
      LOG.debug("validated {} row(s) for {} in {} ms", upload.size(), locationSet, (System.nanoTime() - start) / 1_000_000);
      return out;
    }
  }
}
