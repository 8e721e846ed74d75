package org.carelake.jobs.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The live CQC API: subscription key (never committed; from CQC_SUBSCRIPTION_KEY) and paging. */
@ConfigurationProperties("carelake.cqc")
public class CqcApiProperties {
  private String subscriptionKey = "";
  private int perPage = 1000;
  private int maxAttempts = 6;
  private int maxRetryWaitSeconds = 60;

  public String getSubscriptionKey() {
    return subscriptionKey;
  }

  public void setSubscriptionKey(String subscriptionKey) {
    this.subscriptionKey = subscriptionKey;
  }

  public int getPerPage() {
    return perPage;
  }

  public void setPerPage(int perPage) {
    this.perPage = perPage;
  }

  public int getMaxAttempts() {
    return maxAttempts;
  }

  public void setMaxAttempts(int maxAttempts) {
    this.maxAttempts = maxAttempts;
  }

  public int getMaxRetryWaitSeconds() {
    return maxRetryWaitSeconds;
  }

  public void setMaxRetryWaitSeconds(int maxRetryWaitSeconds) {
    this.maxRetryWaitSeconds = maxRetryWaitSeconds;
  }
}
