package org.carelake.jobs.service.dqreport;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.returns.ReturnPeriod;
import org.carelake.jobs.service.dqreport.ReportData.Finding;
import org.carelake.jobs.service.dqreport.ReportData.GeographyFinding;
import org.carelake.jobs.service.dqreport.ReportData.ProviderKpis;
import org.carelake.jobs.service.dqreport.ReportData.Snapshot;
import org.carelake.jobs.service.dqreport.ReportData.Submission;
import org.carelake.jobs.service.dqreport.ReportData.TableExtract;

/** Reads what the report needs from the built warehouse, for one provider or for all, into plain values. */
public final class ReportReader {

  static final String DATASET_CHECKS = "dq.dataset_check_result";
  static final int DATASET_CHECK_ROWS = 50;

  /** One row per location: the name and service type of its current (else latest) contract. */
  private static final String LOCATIONS = """
      SELECT location_id, max_by(location_name, k) AS location_name, max_by(service_type, k) AS service_type
      FROM (SELECT *, struct(is_active, start_date, contract_id) AS k FROM core.dim_contract WHERE location_id IS NOT NULL)
      GROUP BY location_id""";

  private static final String FINDINGS = """
      SELECT f.provider_id, f.location_id, l.location_name, l.service_type, f.return_type, f.period_start, f.rule_code,
             f.rule_class, f.severity, f.description, f.measure_code, m.description AS measure_description, f.value,
             f.evidence, f.detected_at
      FROM dq.submission_finding f
      LEFT JOIN core.dim_measure m ON m.measure_code = f.measure_code
      LEFT JOIN (%s) l ON l.location_id = f.location_id
      WHERE %s""".formatted(LOCATIONS, "%s");

  private static final String PROVIDER_NAMES = """
      SELECT p.provider_id, coalesce(p.provider_name, c.provider_name) AS provider_name
      FROM core.dim_provider p
      LEFT JOIN (SELECT provider_id, max(provider_name) AS provider_name FROM core.dim_contract GROUP BY provider_id) c
        ON c.provider_id = p.provider_id
      WHERE %s""";

  private static final String SUBMISSIONS = """
      SELECT contract_id, provider_id, location_id, location_name, service_type, return_type, period_start, period_end,
             is_received, submitted_at, due_date, is_on_time, days_late, error_count, warning_count, is_accurate, finding_classes
      FROM marts.mart_submission_quality WHERE %s""";

  private static final String KPIS = """
      SELECT provider_id, provider_name, window_start, window_end, returns_due, returns_received, returns_on_time,
             returns_late, returns_missing, returns_accurate, returns_inaccurate, timeliness_pct, accuracy_pct,
             timeliness_target_pct, accuracy_target_pct, meets_timeliness_target, meets_accuracy_target, error_findings,
             warning_findings, consecutive_missing, is_service_failure, inaccurate_months, is_persistently_inaccurate,
             inaccuracy_evidence
      FROM marts.mart_provider_data_quality WHERE %s""";

  private static final String GEOGRAPHY = """
      SELECT name_kind, cqc_name, source_layout, rule_code, severity, locations, first_seen_snapshot, last_seen_snapshot, evidence
      FROM dq.cqc_unmatched_geography ORDER BY locations DESC, cqc_name, source_layout""";

  private final SparkSession spark;

  public ReportReader(SparkSession spark) {
    this.spark = spark;
  }

  /** Everything for one provider ({@code providerId} given) or for the council ({@code null}: adds the CQC and warehouse checks). */
  public Snapshot read(String providerId) {
    try {
      return readTables(providerId);
    } catch (Exception e) {
      // Spark's AnalysisException is checked in Java's eyes yet thrown undeclared: told apart here
      if (e instanceof AnalysisException a && String.valueOf(a.getErrorClass()).contains("NOT_FOUND")) {
        throw new IllegalStateException("the warehouse is not built (" + a.getMessage().lines().findFirst().orElse("")
            + "): land returns and run './carelake build' first", e);
      }
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private Snapshot readTables(String providerId) {
    Map<String, Object> args = providerId == null ? Map.of() : Map.of("provider", providerId);
    String where = providerId == null ? "true" : "provider_id = :provider";
    Row asOfRow = spark.sql("SELECT as_of_date FROM core.dim_as_of").first();
    LocalDate asOf = date(asOfRow.get(0));

    Map<String, String> names = new HashMap<>();
    for (Row r : spark.sql(PROVIDER_NAMES.formatted(providerId == null ? "true" : "p.provider_id = :provider"), args).collectAsList()) {
      names.put(r.getString(0), r.getString(1));
    }
    List<Finding> findings = new ArrayList<>();
    for (Row r : spark.sql(FINDINGS.formatted(providerId == null ? "true" : "f.provider_id = :provider"), args).collectAsList()) {
      String returnType = r.getString(4);
      LocalDate start = date(r.get(5));
      findings.add(new Finding(r.getString(0), names.get(r.getString(0)), r.getString(1), r.getString(2), r.getString(3), returnType,
          start, ReturnPeriod.endFor(returnType, start), r.getString(6), r.getString(7), r.getString(8), r.getString(9),
          r.getString(10), r.getString(11), r.getString(12), r.getString(13), instant(r.get(14))));
    }
    List<Submission> submissions = new ArrayList<>();
    for (Row r : spark.sql(SUBMISSIONS.formatted(where), args).collectAsList()) {
      submissions.add(new Submission(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), r.getString(5),
          date(r.get(6)), date(r.get(7)), r.getBoolean(8), instant(r.get(9)), date(r.get(10)), r.getBoolean(11),
          r.isNullAt(12) ? null : ((Number) r.get(12)).intValue(), ((Number) r.get(13)).longValue(), ((Number) r.get(14)).longValue(),
          r.isNullAt(15) ? null : r.getBoolean(15), r.getString(16)));
    }
    Map<String, ProviderKpis> kpis = new LinkedHashMap<>();
    for (Row r : spark.sql(KPIS.formatted(where), args).collectAsList()) {
      kpis.put(r.getString(0), new ProviderKpis(r.getString(0), r.getString(1), date(r.get(2)), date(r.get(3)), lng(r, 4), lng(r, 5),
          lng(r, 6), lng(r, 7), lng(r, 8), lng(r, 9), lng(r, 10), (BigDecimal) r.get(11), (BigDecimal) r.get(12),
          (BigDecimal) r.get(13), (BigDecimal) r.get(14), r.getBoolean(15), r.isNullAt(16) ? null : r.getBoolean(16), lng(r, 17),
          lng(r, 18), (int) lng(r, 19), r.getBoolean(20), (int) lng(r, 21), r.getBoolean(22), r.getString(23)));
    }
    List<GeographyFinding> geography = new ArrayList<>();
    Optional<TableExtract> checks = Optional.empty();
    if (providerId == null) {
      if (spark.catalog().tableExists("dq.cqc_unmatched_geography")) {
        for (Row r : spark.sql(GEOGRAPHY).collectAsList()) {
          geography.add(new GeographyFinding(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4), lng(r, 5),
              date(r.get(6)), date(r.get(7)), r.getString(8)));
        }
      }
      checks = datasetChecks();
    }
    return new Snapshot(asOf, names, findings, submissions, kpis, geography, checks);
  }

  /**
   * dq.dataset_check_result, when another job has made it: its layout is not this report's, so the rows are shown as they
   * are, those whose status column (a column named like *status) says anything but success first.
   */
  Optional<TableExtract> datasetChecks() {
    if (!spark.catalog().tableExists(DATASET_CHECKS)) {
      return Optional.empty();
    }
    Dataset<Row> df = spark.table(DATASET_CHECKS);
    List<String> columns = Arrays.asList(df.columns());
    Optional<String> status = columns.stream().filter(c -> c.toLowerCase(Locale.ROOT).endsWith("status")).reduce((a, b) -> b);
    Long notPassed = null;
    Dataset<Row> ordered = df;
    if (status.isPresent()) {
      String col = "`" + status.get().replace("`", "``") + "`";
      String failing = "NOT (lower(cast(" + col + " AS string)) IN ('success', 'passed', 'pass', 'ok', 'true'))";
      notPassed = df.where(failing).count();
      ordered = df.orderBy(org.apache.spark.sql.functions.expr("CASE WHEN " + failing + " THEN 0 ELSE 1 END"));
    }
    long total = df.count();
    List<List<String>> rows = new ArrayList<>();
    for (Row r : ordered.limit(DATASET_CHECK_ROWS).collectAsList()) {
      List<String> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        cells.add(v == null ? "" : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
      }
      rows.add(cells);
    }
    return Optional.of(new TableExtract(DATASET_CHECKS, columns, rows, total, notPassed));
  }

  private static long lng(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).longValue();
  }

  static LocalDate date(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof java.sql.Date d) {
      return d.toLocalDate();
    }
    if (v instanceof LocalDate d) {
      return d;
    }
    return LocalDate.parse(v.toString());
  }

  static Instant instant(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof Timestamp t) {
      return t.toInstant();
    }
    if (v instanceof Instant i) {
      return i;
    }
    throw new IllegalArgumentException("not a timestamp: " + v);
  }
}
