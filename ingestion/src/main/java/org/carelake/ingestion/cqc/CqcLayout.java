package org.carelake.ingestion.cqc;

/** The CQC layouts the data contract (section 1) requires, and how each is recognised. */
public enum CqcLayout {
  API_FOLDER("cqc_api_folder", "a folder of saved CQC API responses: locations.json and location_details/location_<id>.json"),
  API_LIVE("cqc_api_live", "the live CQC API: an http(s) base URL such as https://api.service.cqc.org.uk/public/v1"),
  RATINGS_LONG("cqc_ratings_long", "the CQC Latest ratings locations sheet as CSV, original headers (Location ID, Domain, Latest Rating, ...) or snake_case"),
  ASC_WIDE("cqc_asc_wide", "the CQC adult social care locations export as CSV (Location ID, Location Latest Overall Rating, Location safe rating, ...)");

  private final String code;
  private final String description;

  CqcLayout(String code, String description) {
    this.code = code;
    this.description = description;
  }

  public String code() {
    return code;
  }

  public String description() {
    return description;
  }

  public static String expected() {
    StringBuilder b = new StringBuilder();
    for (CqcLayout l : values()) {
      b.append("\n  - ").append(l.description);
    }
    return b.toString();
  }
}
