package org.carelake.jobs.service;

import java.nio.file.Path;
import java.util.Optional;
import org.carelake.ingestion.privacy.KeyFile;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.jobs.config.PseudonymisationProperties;
import org.springframework.stereotype.Service;

/** Finds the pseudonymisation key (configuration first, then the key file) and, for the demo, makes one. */
@Service
public class PseudonymisationKeys {

  /** No key is configured and there is no key file: the safeguarding log is not read. Exit code 2, nothing landed. */
  public static class MissingKeyException extends IllegalArgumentException {
    MissingKeyException(String message) {
      super(message);
    }
  }

  private final PseudonymisationProperties properties;
  private final Lakehouse lakehouse;

  public PseudonymisationKeys(PseudonymisationProperties properties, Lakehouse lakehouse) {
    this.properties = properties;
    this.lakehouse = lakehouse;
  }

  public Path keyFile() {
    Path f = properties.getKeyFile();
    return (f == null || f.toString().isBlank() ? lakehouse.home().resolve(KeyFile.DEFAULT_NAME) : f).toAbsolutePath().normalize();
  }

  private boolean configured() {
    return properties.getKey() != null && !properties.getKey().isBlank();
  }

  /** The pseudonymiser under the configured key, else the key file's. */
  public Pseudonymiser require() {
    if (configured()) {
      return new Pseudonymiser(properties.getKey());
    }
    Optional<String> fromFile = KeyFile.read(keyFile());
    if (fromFile.isEmpty()) {
      throw new MissingKeyException("no pseudonymisation key: the safeguarding log holds personal data (person_ref), which is replaced on"
          + " ingestion by a keyed hash. Set CARELAKE_PSEUDONYMISATION_KEY (or --carelake.pseudonymisation.key=...), or keep the key in "
          + keyFile() + " (one line, e.g. from 'openssl rand -hex 32'; './carelake demo' creates one). Nothing was landed.");
    }
    return new Pseudonymiser(fromFile.get());
  }

  /** For the demo: unless a key is configured, makes a random key file (600) if there is none. Returns the file made, if any. */
  public Optional<Path> createKeyFileIfAbsent() {
    if (configured()) {
      return Optional.empty();
    }
    Path f = keyFile();
    return KeyFile.createIfAbsent(f) ? Optional.of(f) : Optional.empty();
  }
}
