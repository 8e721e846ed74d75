package org.carelake.ingestion.generate;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carelake.ingestion.returns.Measure;

/** One expected return of one service: its true values, then what was actually submitted. */
final class Submission {
  final Service service;
  final String returnType;
  final LocalDate periodStart;
  final LocalDate periodEnd;
  final LocalDate due;
  final List<Measure> measures;
  /** The service's true figures for the period, code to value, in catalogue order ("" = optional measure not reported). */
  final LinkedHashMap<String, String> truth;
  /** What the provider submitted (starts as the truth); no key = no row. */
  LinkedHashMap<String, String> reported;
  final Map<String, String> comments = new LinkedHashMap<>();
  OffsetDateTime submittedAt;
  boolean xlsx;
  FaultClass fault;
  String faultMeasure;
  String faultDetail;
  /** A quantity this submission spiked (history_anomaly), so that the next ones do not spike it again. */
  String spiked;
  /** Measures a visit in the month found discrepant (cross_source via visit). */
  int discrepantVisitMeasures;

  Submission(Service service, String returnType, LocalDate periodStart, LocalDate periodEnd, LocalDate due, List<Measure> measures,
      LinkedHashMap<String, String> truth) {
    this.service = service;
    this.returnType = returnType;
    this.periodStart = periodStart;
    this.periodEnd = periodEnd;
    this.due = due;
    this.measures = measures;
    this.truth = truth;
    this.reported = new LinkedHashMap<>(truth);
  }

  boolean received() {
    return submittedAt != null;
  }

  SubmissionRules.Received asReceived() {
    return new SubmissionRules.Received(returnType, periodStart, reported, submittedAt);
  }
}
