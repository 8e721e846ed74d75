package org.carelake.jobs.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The provider portal's upload limits. */
@ConfigurationProperties(prefix = "carelake.portal")
public class PortalProperties {

  /** Largest return accepted, in bytes (a year of a big provider's returns is well under 1 MB). */
  private long maxUploadBytes = 5L * 1024 * 1024;
  /** Run a few checks at start-up so the first provider's upload is answered by a warm JVM. */
  private int warmUpChecks = 3;

  public long getMaxUploadBytes() {
    return maxUploadBytes;
  }

  public void setMaxUploadBytes(long maxUploadBytes) {
    this.maxUploadBytes = maxUploadBytes;
  }

  public int getWarmUpChecks() {
    return warmUpChecks;
  }

  public void setWarmUpChecks(int warmUpChecks) {
    this.warmUpChecks = warmUpChecks;
  }
}
