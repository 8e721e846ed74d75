package org.carelake.ingestion.privacy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The pseudonymisation key kept in a file beside the warehouse (never in it): one line of text, readable by its owner
 * only.
 */
public final class KeyFile {

  /** The file's name in the data home when no other place is configured. */
  public static final String DEFAULT_NAME = "pseudonymisation.key";

  private KeyFile() {}

  /** The key in the file, or empty when the file does not exist. */
  public static Optional<String> read(Path file) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      String key = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (key.isEmpty()) {
        throw new IllegalArgumentException("the pseudonymisation key file " + file + " is empty");
      }
      return Optional.of(key);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the pseudonymisation key file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes a new random key (256 bits as 64 hex digits) to the file, readable and writable by its owner only (600),
   * unless the file exists. Returns true if a key was written.
   */
  public static boolean createIfAbsent(Path file) {
    if (Files.exists(file)) {
      return false;
    }
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    String key = HexFormat.of().formatHex(bytes) + "\n";
    try {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      try {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
          Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
          Files.createFile(file);
          java.io.File f = file.toFile();
          f.setReadable(false, false);
          f.setWritable(false, false);
          f.setReadable(true, true);
          f.setWritable(true, true);
        }
      } catch (FileAlreadyExistsException e) {
        return false; // another process made it first: keep theirs
      }
      Files.writeString(file, key, StandardCharsets.UTF_8);
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the pseudonymisation key file " + file + ": " + e.getMessage(), e);
    }
  }
}
