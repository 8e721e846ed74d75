package org.carelake.schema;

/** One broken promise of a table: which check, how many rows, and an example. */
public record ContractViolation(String table, String check, long rows, String example) {
  @Override
  public String toString() {
    return table + ": " + check + " fails on " + rows + " row(s)" + (example == null ? "" : ", e.g. " + example);
  }
}
