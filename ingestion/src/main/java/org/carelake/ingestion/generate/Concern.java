package org.carelake.ingestion.generate;

import java.time.LocalDate;

/** One row of safeguarding.csv (person_ref is synthetic, never real data). */
record Concern(String locationId, String providerId, LocalDate received, String source, String abuseType, String personRef,
    String riskLevel, boolean s42, LocalDate concluded, String outcome, boolean largeScale) {}
