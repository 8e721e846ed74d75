package org.carelake.ingestion.council;

/** The first rule a row breaks: a short stable code and the reason in words a council officer understands. */
final class RowProblem extends RuntimeException {

  private final String rule;

  RowProblem(String rule, String reason) {
    super(reason, null, false, false);
    this.rule = rule;
  }

  String rule() {
    return rule;
  }
}
