package org.carelake.ingestion.generate;

import java.time.LocalDate;

/** One row of visits.csv; measures_discrepant is set only for a cross_source fault on that month's return. */
final class Visit {
  final String locationId;
  final String providerId;
  final LocalDate date;
  final String type;
  final boolean announced;
  final String officer;
  final String[] judgements; // safe, effective, caring, responsive, well_led
  final String overall;
  final int actionsRaised;
  final int actionsClosed;
  final int measuresVerified;
  int measuresDiscrepant;
  final LocalDate followUpDue;

  Visit(String locationId, String providerId, LocalDate date, String type, boolean announced, String officer, String[] judgements,
      String overall, int actionsRaised, int actionsClosed, int measuresVerified, LocalDate followUpDue) {
    this.locationId = locationId;
    this.providerId = providerId;
    this.date = date;
    this.type = type;
    this.announced = announced;
    this.officer = officer;
    this.judgements = judgements;
    this.overall = overall;
    this.actionsRaised = actionsRaised;
    this.actionsClosed = actionsClosed;
    this.measuresVerified = measuresVerified;
    this.followUpDue = followUpDue;
  }
}
