package org.carelake.ingestion.generate;

import java.util.Locale;

/** The data-quality fault classes the generator injects into provider submissions, one per faulty submission. */
public enum FaultClass {
  /** A mandatory measure's row removed, or its value left empty. */
  MISSING_MEASURE,
  /** A value of the wrong type ('twelve', a UK-format date, 'Yes' for a flag), a negative count, a percentage outside 0-100. */
  INVALID_VALUE,
  /** The return contradicts itself (one of the contradictions listed in DOMAIN.md). */
  INTERNAL_INCONSISTENCY,
  /** The return contradicts another source: CQC beds, the contract, the council's safeguarding log, a visit's spot check. */
  CROSS_SOURCE,
  /** A value jumps by an order of magnitude against the provider's own history, or every value is the previous period's. */
  HISTORY_ANOMALY,
  /** Submitted after the due date. */
  LATE,
  /** The return never arrives. */
  MISSING_SUBMISSION;

  /** The name used in truth.csv. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FaultClass fromCode(String code) {
    return valueOf(code.trim().toUpperCase(Locale.ROOT));
  }
}
