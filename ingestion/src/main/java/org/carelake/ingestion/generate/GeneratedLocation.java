package org.carelake.ingestion.generate;

import java.util.Objects;

/**
 * A registered adult social care location the generator writes a council data set for, as found in the loaded CQC
 * data.
 *
 * @param careHomeBeds CQC registered beds; null when unknown (or not a care home)
 * @param overallRating the current CQC overall rating (Outstanding, Good, Requires improvement, Inadequate), or null
 */
public record GeneratedLocation(String locationId, String providerId, String locationName, boolean careHome,
    Integer careHomeBeds, String overallRating) {

  public GeneratedLocation {
    Objects.requireNonNull(locationId, "locationId");
    Objects.requireNonNull(providerId, "providerId");
    locationId = locationId.trim().toUpperCase(java.util.Locale.ROOT);
    providerId = providerId.trim().toUpperCase(java.util.Locale.ROOT);
    if (careHomeBeds != null && careHomeBeds <= 0) {
      careHomeBeds = null;
    }
    if (locationName == null) {
      locationName = "";
    }
  }
}
