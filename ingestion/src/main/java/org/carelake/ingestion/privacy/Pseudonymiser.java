package org.carelake.ingestion.privacy;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Replaces a reference to a person with a keyed hash: HMAC-SHA256 of the reference under the council's key, as 64
 * lower-case hex digits. The same person gets the same key in every file hashed with the same key, so concerns about
 * one person can be counted and linked; without the key (held outside the warehouse) the reference cannot be
 * recovered by hashing candidate references. The reference is compared without surrounding or inner white space and
 * without regard to case ("p000123 " and "P000123" are the same person).
 */
public final class Pseudonymiser {

  /** The shortest key accepted: a short key could be found by trying keys against a known reference. */
  public static final int MIN_KEY_CHARS = 16;
  private static final String ALGORITHM = "HmacSHA256";

  private final SecretKeySpec key;

  /** @param key the key as text (its UTF-8 bytes are the HMAC key), e.g. 64 hex digits */
  public Pseudonymiser(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("the pseudonymisation key is empty");
    }
    String k = key.strip();
    if (k.length() < MIN_KEY_CHARS) {
      throw new IllegalArgumentException("the pseudonymisation key is too short (" + k.length() + " characters; at least " + MIN_KEY_CHARS
          + " are needed, e.g. 64 hex digits from 'openssl rand -hex 32')");
    }
    this.key = new SecretKeySpec(k.getBytes(StandardCharsets.UTF_8), ALGORITHM);
  }

  /** The person's key, or null for a blank reference. */
  public String personKey(String personRef) {
    if (personRef == null || personRef.isBlank()) {
      return null;
    }
    String normalised = personRef.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(key);
      return HexFormat.of().formatHex(mac.doFinal(normalised.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "Pseudonymiser[HMAC-SHA256, key withheld]";
  }
}
