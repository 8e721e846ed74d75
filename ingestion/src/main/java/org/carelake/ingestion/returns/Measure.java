package org.carelake.ingestion.returns;

/** One measure of the monitoring return catalogue (seeds/ref/measures.csv). */
public record Measure(String code, String returnType, String section, String description, String unit, boolean mandatory,
    String appliesTo) implements java.io.Serializable {

  /** Whether the measure is asked of a service in this measure group (care_home, home_care or community). */
  public boolean appliesToGroup(String measureGroup) {
    return appliesTo.equals("all") || appliesTo.equals(measureGroup);
  }
}
