package org.carelake.transforms.quality;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.quality.DatasetCheck.Severity;
import org.carelake.transforms.quality.DatasetCheck.Source;
import org.carelake.transforms.quality.Deequ.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs dataset checks on the built tables: one Deequ run per source (checks on a table share its scans), anomaly checks
 * against the history in dq.deequ_metric, then appends this run's metrics there and its results to
 * dq.dataset_check_result (two Iceberg commits per run).
 */
public final class DatasetCheckRunner {

  public static final TableContract RESULTS = WarehouseTables.DQ_DATASET_CHECK_RESULT;
  /** How many earlier runs of each dataset the anomaly checks see (they compare with the latest; more is headroom). */
  public static final int HISTORY_RUNS = 30;
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** One check's result in one run (a row of dq.dataset_check_result). */
  public record Result(String runId, Instant checkedAt, String table, String code, String description, Severity severity, Status status,
      String constraint, String message, Double metricValue) {

    public boolean failed() {
      return status == Status.FAILED;
    }
  }

  /** What a run found and how long it took. */
  public record Report(String runId, Instant checkedAt, List<Result> results, int metricsStored, Duration took) {

    public long count(Status status) {
      return results.stream().filter(r -> r.status() == status).count();
    }

    public long failed(Severity severity) {
      return results.stream().filter(r -> r.failed() && r.severity() == severity).count();
    }

    public List<Result> failures() {
      return results.stream().filter(Result::failed).toList();
    }

    /** e.g. "20 checks: 18 passed, 1 failed (0 error, 1 warning), 1 skipped; 2.1s". */
    public String summary() {
      return String.format(Locale.ROOT, "%d checks: %d passed, %d failed (%d error, %d warning), %d skipped; %.1fs", results.size(),
          count(Status.PASSED), count(Status.FAILED), failed(Severity.ERROR), failed(Severity.WARNING), count(Status.SKIPPED),
          took.toMillis() / 1000.0);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(DatasetCheckRunner.class);
  private final SparkSession spark;
  private final Clock clock;

  public DatasetCheckRunner(SparkSession spark, Clock clock) {
    this.spark = spark;
    this.clock = clock;
  }

  /** Runs every registered check ({@link DatasetChecks#all()}). */
  public Report run() {
    return run(DatasetChecks.all());
  }

  public Report run(List<DatasetCheck> checks) {
    long start = System.nanoTime();
    Instant checkedAt = clock.instant();
    long datasetDate = checkedAt.toEpochMilli();
    String runId = RUN_ID.format(checkedAt) + "-" + UUID.randomUUID().toString().substring(0, 8);
    new TableMigrator(spark).ensure(RESULTS);
    WarehouseMetricsRepository repository = new WarehouseMetricsRepository(spark).ensureTable();

    Map<Source, List<DatasetCheck>> bySource = DatasetChecks.bySource(checks);
    Deequ.History history = repository.load(bySource.keySet().stream().map(Source::dataset).toList(), HISTORY_RUNS);
    LocalDate asOf = asOfDate();

    List<Result> results = new ArrayList<>();
    List<WarehouseMetricsRepository.Entry> metrics = new ArrayList<>();
    for (Map.Entry<Source, List<DatasetCheck>> group : bySource.entrySet()) {
      Source source = group.getKey();
      List<DatasetCheck> sourceChecks = group.getValue();
      Dataset<Row> data;
      try {
        if (!spark.catalog().tableExists(source.table())) {
          sourceChecks.forEach(c -> results.add(result(runId, checkedAt, c, Status.SKIPPED, "-", source.table() + " is not built", null)));
          continue;
        }
        data = source.sql() == null ? spark.table(source.table()) : spark.sql(source.sql());
      } catch (Exception e) { // AnalysisException is checked in Java's eyes but thrown undeclared
        String why = "cannot read " + source.dataset() + ": " + e.getMessage();
        sourceChecks.forEach(c -> results.add(result(runId, checkedAt, c, Status.FAILED, "-", why, null)));
        continue;
      }
      long sourceStart = System.nanoTime();
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put(Deequ.DATASET_TAG, source.dataset());
      tags.put("table", source.table());
      if (asOf != null) {
        tags.put("as_of_date", asOf.toString());
      }
      Deequ.Verification v = Deequ.verify(data, sourceChecks.stream().map(DatasetCheck::rule).toList(), history,
          new Deequ.RunKey(datasetDate, tags));
      for (int i = 0; i < sourceChecks.size(); i++) {
        Deequ.Outcome o = v.outcomes().get(i);
        results.add(result(runId, checkedAt, sourceChecks.get(i), o.status(), o.constraint(), o.message(), o.metricValue()));
      }
      for (Deequ.StoredMetric m : v.metrics()) {
        metrics.add(new WarehouseMetricsRepository.Entry(runId, datasetDate, source.dataset(), source.table(), asOf, m));
      }
      LOG.info("dataset checks on {}: {} check(s) in {} ms", source.dataset(), sourceChecks.size(), (System.nanoTime() - sourceStart) / 1_000_000);
    }
    repository.append(metrics);
    write(results);
    return new Report(runId, checkedAt, List.copyOf(results), metrics.size(), Duration.ofNanos(System.nanoTime() - start));
  }

  private static Result result(String runId, Instant at, DatasetCheck c, Status status, String constraint, String message, Double value) {
    return new Result(runId, at, c.source().table(), c.code(), c.description(), c.severity(), status, constraint, message, value);
  }

  /** The warehouse's reporting date (core.dim_as_of), tagged on every metric; null before it is built. */
  private LocalDate asOfDate() {
    if (!spark.catalog().tableExists("core.dim_as_of")) {
      return null;
    }
    List<Row> rows = spark.sql("SELECT max(as_of_date) FROM core.dim_as_of").collectAsList();
    return rows.isEmpty() || rows.get(0).isNullAt(0) ? null : rows.get(0).getDate(0).toLocalDate();
  }

  private void write(List<Result> results) {
    if (results.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (Result r : results) {
      rows.add(new RowBuilder(RESULTS)
          .set("run_id", r.runId())
          .set("checked_at", Timestamp.from(r.checkedAt()))
          .set("table_name", r.table())
          .set("check_code", r.code())
          .set("description", r.description())
          .set("severity", r.severity().code())
          .set("status", r.status().code())
          .set("constraint", r.constraint())
          .set("message", r.message())
          .set("metric_value", r.metricValue())
          .build());
    }
    try {
      spark.createDataFrame(rows, RESULTS.sparkSchema()).writeTo(RESULTS.table()).append();
    } catch (Exception e) { // NoSuchTableException is checked in Java's eyes
      throw new IllegalStateException("cannot append to " + RESULTS.table() + ": " + e.getMessage(), e);
    }
  }
}
