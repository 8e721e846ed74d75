package org.carelake.ingestion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The bytes of one source file or document, with the name they came under and their SHA-256. */
public record SourceBytes(String name, byte[] bytes, String sha256) {

  public static SourceBytes of(String name, byte[] bytes) {
    return new SourceBytes(name, bytes, sha256(bytes));
  }

  public static SourceBytes read(Path file) {
    try {
      return of(file.toAbsolutePath().normalize().toString(), Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
