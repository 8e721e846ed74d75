package org.carelake.jobs.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The key that pseudonymises person references in the safeguarding log: given directly (CARELAKE_PSEUDONYMISATION_KEY
 * or --carelake.pseudonymisation.key=...), or read from a key file, by default {@code pseudonymisation.key} in the data
 * home. Never committed, never stored in the warehouse.
 */
@ConfigurationProperties("carelake.pseudonymisation")
public class PseudonymisationProperties {

  private String key = "";
  /** The key file; empty means {@code <home>/pseudonymisation.key}. */
  private Path keyFile;

  public String getKey() {
    return key;
  }

  public void setKey(String key) {
    this.key = key;
  }

  public Path getKeyFile() {
    return keyFile;
  }

  public void setKeyFile(Path keyFile) {
    this.keyFile = keyFile;
  }

  @Override
  public String toString() {
    return "PseudonymisationProperties[key " + (key == null || key.isBlank() ? "unset" : "withheld") + ", keyFile " + keyFile + "]";
  }
}
