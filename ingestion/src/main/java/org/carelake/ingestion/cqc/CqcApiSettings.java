package org.carelake.ingestion.cqc;

import java.time.Duration;

/** How to talk to the live CQC API. */
public record CqcApiSettings(String subscriptionKey, int perPage, int maxAttempts, Duration maxRetryWait) {

  public static CqcApiSettings defaults(String subscriptionKey) {
    return new CqcApiSettings(subscriptionKey, 1000, 6, Duration.ofSeconds(60));
  }
}
