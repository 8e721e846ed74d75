package org.carelake.jobs.web.security;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carelake.jobs.service.Lakehouse;
import org.springframework.stereotype.Component;

/**
 * The audit log: every upload (accepted or refused) and every denied access, one JSON object per line in
 * {@code <home>/audit/audit.log}, appended and flushed as it happens. It holds who, what, from where and the outcome;
 * never a password or a file's contents.
 */
@Component
public class AuditLog {

  /** What happened. */
  public enum Event { UPLOAD_ACCEPTED, UPLOAD_REFUSED, ACCESS_DENIED, AUTHENTICATION_REQUIRED, LOGIN_FAILED }

  private static final ObjectMapper JSON = new ObjectMapper();
  private final Lakehouse lakehouse;

  public AuditLog(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public Path file() {
    return lakehouse.home().resolve("audit").resolve("audit.log");
  }

  public void record(Event event, String user, String remoteAddress, String method, String path, String detail, Map<String, ?> extra) {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("at", Instant.now().toString());
    line.put("event", event.name());
    line.put("user", user);
    line.put("remote", remoteAddress);
    line.put("method", method);
    line.put("path", path);
    line.put("detail", detail);
    if (extra != null) {
      line.putAll(extra);
    }
    append(line);
  }

  private synchronized void append(Map<String, Object> line) {
    Path f = file();
    try {
      if (!Files.exists(f)) {
        Files.createDirectories(f.getParent());
        Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(f, List.of(JSON.writeValueAsString(line)), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the audit log " + f + ": " + e.getMessage(), e);
    }
  }

  /** The log's entries, oldest first (for the council's review and for tests). */
  public List<Map<String, Object>> read() {
    Path f = file();
    if (!Files.exists(f)) {
      return List.of();
    }
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8).stream().filter(l -> !l.isBlank()).map(AuditLog::parse).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parse(String line) {
    try {
      return JSON.readValue(line, Map.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
