package org.carelake.jobs.service.dqreport;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the data-quality report reads from the warehouse, as plain values (no Spark types). */
public final class ReportData {

  private ReportData() {}

  /** One row of dq.submission_finding with the names a reader needs beside the codes. */
  public record Finding(String providerId, String providerName, String locationId, String locationName, String serviceType,
      String returnType, LocalDate periodStart, LocalDate periodEnd, String ruleCode, String ruleClass, String severity,
      String description, String measureCode, String measureDescription, String value, String evidence, Instant detectedAt) {

    public boolean isError() {
      return "error".equals(severity);
    }
  }

  /** One expected submission (marts.mart_submission_quality). */
  public record Submission(String contractId, String providerId, String locationId, String locationName, String serviceType,
      String returnType, LocalDate periodStart, LocalDate periodEnd, boolean received, Instant submittedAt, LocalDate dueDate,
      boolean onTime, Integer daysLate, long errorCount, long warningCount, Boolean accurate, String findingClasses) {

    public boolean late() {
      return received && !onTime;
    }
  }

  /** A provider's rolling twelve-month data-submission KPIs (marts.mart_provider_data_quality). */
  public record ProviderKpis(String providerId, String providerName, LocalDate windowStart, LocalDate windowEnd,
      long returnsDue, long returnsReceived, long returnsOnTime, long returnsLate, long returnsMissing, long returnsAccurate,
      long returnsInaccurate, BigDecimal timelinessPct, BigDecimal accuracyPct, BigDecimal timelinessTargetPct,
      BigDecimal accuracyTargetPct, boolean meetsTimelinessTarget, Boolean meetsAccuracyTarget, long errorFindings,
      long warningFindings, int consecutiveMissing, boolean serviceFailure, int inaccurateMonths, boolean persistentlyInaccurate,
      String inaccuracyEvidence) {}

  /** A council or region name in CQC data that matches no ONS geography (dq.cqc_unmatched_geography). */
  public record GeographyFinding(String nameKind, String cqcName, String sourceLayout, String ruleCode, String severity,
      long locations, LocalDate firstSeen, LocalDate lastSeen, String evidence) {}

  /**
   * A few rows of a table whose layout this report does not own (dq.dataset_check_result), shown as they are:
   * {@code notPassed} counts rows whose status column says anything but success, when there is such a column.
   */
  public record TableExtract(String table, List<String> columns, List<List<String>> rows, long totalRows, Long notPassed) {}

  /** Everything one report run reads, already narrowed to the provider asked for (periods are narrowed later). */
  public record Snapshot(LocalDate asOf, Map<String, String> providerNames, List<Finding> findings, List<Submission> submissions,
      Map<String, ProviderKpis> kpis, List<GeographyFinding> geography, Optional<TableExtract> datasetChecks) {}
}
