package org.carelake.ingestion.generate;

import java.time.LocalDate;

/** One row of contract_actions.csv. */
record ContractAction(String providerId, String locationId, String type, LocalDate start, LocalDate end, String reason) {

  boolean activeOn(LocalDate day) {
    return !day.isBefore(start) && (end == null || !day.isAfter(end));
  }
}
