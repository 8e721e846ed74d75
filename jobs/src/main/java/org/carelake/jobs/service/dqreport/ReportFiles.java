package org.carelake.jobs.service.dqreport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * File names and writing for a report folder. A name is derived from the provider id with everything but letters,
 * digits, '-' and '_' replaced; when that changed the id (or made it long), a short hash of the id is added so two ids
 * never share a file. Every write goes to a temporary file in the folder, then is moved over the name, and a name
 * that would resolve outside the folder is refused.
 */
public final class ReportFiles {

  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_-]+");
  private static final int MAX_STEM = 80;

  private final Path dir;

  public ReportFiles(Path dir) throws IOException {
    Path abs = dir.toAbsolutePath().normalize();
    if (Files.exists(abs) && !Files.isDirectory(abs)) {
      throw new IllegalArgumentException("-o must be a folder, and " + abs + " is a file");
    }
    this.dir = Files.createDirectories(abs).toRealPath();
  }

  public Path dir() {
    return dir;
  }

  /** The file stem for a provider: {@code provider-1-101634620}, or {@code provider-a_b-3f2a9c1d} for {@code a/b}. */
  public static String providerStem(String providerId) {
    String id = providerId == null ? "" : providerId;
    String cleaned = id.replaceAll("[^A-Za-z0-9_-]", "_");
    if (cleaned.length() > MAX_STEM) {
      cleaned = cleaned.substring(0, MAX_STEM);
    }
    boolean exact = cleaned.equals(id) && !id.isEmpty();
    return "provider-" + (exact ? cleaned : cleaned + "-" + shortHash(id));
  }

  /** Writes {@code text} (UTF-8) to {@code name} inside the folder and returns the file. */
  public Path write(String name, String text) throws IOException {
    Path target = resolve(name);
    // not Files.createTempFile: its owner-only permissions would stay on the report after the move
    Path tmp = dir.resolve(".dq-report-" + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return target;
  }

  /** The path of {@code name} in the folder; refused unless it is a plain file name that stays inside. */
  Path resolve(String name) {
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    String ext = dot > 0 ? name.substring(dot + 1) : "";
    if (!SAFE.matcher(stem).matches() || !ext.matches("[a-z]{1,5}")) {
      throw new IllegalArgumentException("not a safe report file name: " + name);
    }
    Path p = dir.resolve(name).normalize();
    if (!p.getParent().equals(dir)) {
      throw new IllegalArgumentException("report file would be written outside " + dir + ": " + name);
    }
    return p;
  }

  private static String shortHash(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 4).toLowerCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
