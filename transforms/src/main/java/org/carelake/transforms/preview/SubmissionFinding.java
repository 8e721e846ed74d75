package org.carelake.transforms.preview;

import java.time.LocalDate;

/** One data-quality finding on a submission, as {@code dq.submission_finding} holds it. */
public record SubmissionFinding(String providerId, String locationId, String returnType, LocalDate periodStart, String ruleCode,
    String ruleClass, String severity, String description, String measureCode, String value, String evidence) {

  public boolean isError() {
    return "error".equals(severity);
  }
}
