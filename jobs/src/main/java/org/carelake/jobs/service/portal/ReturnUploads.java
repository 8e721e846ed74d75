package org.carelake.jobs.service.portal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.Rejection;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.jobs.config.PortalProperties;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.SubmissionCheck;
import org.carelake.jobs.web.security.Actor;
import org.carelake.jobs.web.security.AuditLog;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.preview.SubmissionFinding;
import org.springframework.stereotype.Service;

/**
 * A return uploaded through the portal: judged by its bytes, checked against the gate and every data-quality rule
 * (the findings the provider sees at once), refused if it names a provider the user does not belong to, then kept
 * under a server-chosen name and landed like any other return. Every upload, accepted or refused, is written to
 * {@code ops.portal_upload} and the audit log.
 */
@Service
public class ReturnUploads {

  /** What the provider is told at once. */
  public record Result(String uploadId, Instant uploadedAt, String fileName, String contentType, String outcome, String refusal,
      String providerId, int rowsRead, int rowsLanded, int rowsQuarantined, List<RefusedRow> refusedRows, List<SubmissionFinding> findings,
      long checkMs) {
    public long errors() {
      return refusedRows.size() + findings.stream().filter(SubmissionFinding::isError).count();
    }

    public long warnings() {
      return findings.stream().filter(f -> !f.isError()).count();
    }
  }

  /** A row the gate would not land, in plain words. */
  public record RefusedRow(String document, String rule, String reason) {}

  /** The upload names another provider: refused whole (HTTP 403). */
  public static final class ForbiddenUpload extends RuntimeException {
    public ForbiddenUpload(String message) {
      super(message);
    }
  }

  private static final TableContract UPLOADS = WarehouseTables.OPS_PORTAL_UPLOAD;
  private static final int PROVIDER_ID = WarehouseTables.RAW_RETURN_MEASURE.columnNames().indexOf("provider_id");

  private final Lakehouse lakehouse;
  private final SubmissionCheck check;
  private final AuditLog audit;
  private final Clock clock = Clock.systemUTC();
  private final ReentrantLock lock = new ReentrantLock();
  private volatile ReturnsIngestor ingestor;

  private final PortalProperties properties;

  public ReturnUploads(Lakehouse lakehouse, SubmissionCheck check, AuditLog audit, PortalProperties properties) {
    this.properties = properties;
    this.lakehouse = lakehouse;
    this.check = check;
    this.audit = audit;
  }

  /**
   * @param claimedProviderId the provider the client says it uploads for (a form field); may be null
   * @param remote the client's address, for the audit log
   */
  public Result upload(Actor actor, String clientFileName, byte[] bytes, String claimedProviderId, String remote) {
    Instant now = clock.instant();
    String uploadId = UUID.randomUUID().toString();
    String fileName = cleanName(clientFileName);
    String sha = sha256(bytes);
    lock.lock(); // one upload at a time: landing commits to shared tables, and the validator's views are per session
    try {
      if (bytes.length > properties.getMaxUploadBytes()) {
        return refused(actor, uploadId, now, fileName, "unknown", bytes, sha, "the file is " + bytes.length + " bytes; the portal accepts at most "
            + properties.getMaxUploadBytes(), remote, false);
      }
      UploadContent.Kind kind;
      try {
        kind = UploadContent.detect(bytes);
      } catch (UploadContent.Refused e) {
        return refused(actor, uploadId, now, fileName, "unknown", bytes, sha, e.getMessage(), remote, false);
      }
      if (claimedProviderId != null && !claimedProviderId.isBlank() && !actor.mayActFor(claimedProviderId)) {
        refused(actor, uploadId, now, fileName, kind.extension(), bytes, sha,
            "you may only upload for your own provider; the request named provider " + claimedProviderId, remote, true);
        throw new ForbiddenUpload("you may only upload returns for your own provider (" + actor.providerId() + ")");
      }
      SubmissionCheck.Outcome checked;
      try {
        checked = check.check(fileName, bytes, now);
      } catch (UnreadableSourceException e) {
        return refused(actor, uploadId, now, fileName, kind.extension(), bytes, sha, e.getMessage(), remote, false);
      }
      TreeSet<String> named = new TreeSet<>();
      for (Row r : checked.acceptedRows()) {
        if (!r.isNullAt(PROVIDER_ID)) {
          named.add(r.getString(PROVIDER_ID));
        }
      }
      List<String> foreign = named.stream().filter(p -> !actor.mayActFor(p)).toList();
      if (!foreign.isEmpty()) {
        refused(actor, uploadId, now, fileName, kind.extension(), bytes, sha,
            "the return names provider " + String.join(", ", foreign) + " but you submit for " + actor.providerId(), remote, true);
        throw new ForbiddenUpload("the return names provider " + String.join(", ", foreign) + "; you may only upload returns for your own provider ("
            + actor.providerId() + "). Nothing was landed.");
      }
      String provider = actor.isCouncil() ? (named.size() == 1 ? named.first() : null) : actor.providerId();
      Path stored = store(uploadId, kind, bytes);
      IngestReport landed = ingestor().ingest(stored, Optional.of(now));
      boolean already = landed.alreadyLanded() > 0;
      List<RefusedRow> refusedRows = checked.refused().stream().map(ReturnUploads::plain).toList();
      Result result = new Result(uploadId, now, fileName, kind.extension(), already ? "already_landed" : "landed", null, provider,
          checked.linesRead(), (int) landed.landed(), (int) landed.quarantined(), refusedRows, checked.findings(), checked.took().toMillis());
      record(actor, result, stored.getFileName().toString(), bytes.length, sha);
      audit.record(AuditLog.Event.UPLOAD_ACCEPTED, actor.username(), remote, "POST", "/portal/returns", already ? "already landed" : "landed",
          Map.of("upload_id", uploadId, "provider_id", String.valueOf(provider), "file_name", fileName, "sha256", sha, "bytes", bytes.length,
              "rows_landed", result.rowsLanded(), "rows_quarantined", result.rowsQuarantined(), "errors", result.errors()));
      return result;
    } finally {
      lock.unlock();
    }
  }

  private Result refused(Actor actor, String uploadId, Instant now, String fileName, String type, byte[] bytes, String sha, String why,
      String remote, boolean forbidden) {
    Result r = new Result(uploadId, now, fileName, type, "refused", why, actor.providerId(), 0, 0, 0, List.of(), List.of(), 0);
    record(actor, r, null, bytes.length, sha);
    audit.record(AuditLog.Event.UPLOAD_REFUSED, actor.username(), remote, "POST", "/portal/returns", why,
        Map.of("upload_id", uploadId, "file_name", fileName, "sha256", sha, "bytes", bytes.length, "forbidden", forbidden));
    return r;
  }

  private void record(Actor actor, Result r, String storedAs, long size, String sha) {
    List<Row> findings = new ArrayList<>();
    for (SubmissionFinding f : r.findings()) {
      findings.add(RowFactory.create(f.locationId(), f.returnType(), f.periodStart() == null ? null : java.sql.Date.valueOf(f.periodStart()),
          f.ruleCode(), f.severity(), f.description(), f.measureCode(), f.value(), f.evidence()));
    }
    Row row = new RowBuilder(UPLOADS)
        .set("upload_id", r.uploadId())
        .set("uploaded_at", Timestamp.from(r.uploadedAt()))
        .set("username", actor.username())
        .set("user_role", actor.role().name().toLowerCase(java.util.Locale.ROOT))
        .set("provider_id", r.providerId())
        .set("file_name", r.fileName())
        .set("stored_as", storedAs)
        .set("content_type", r.contentType())
        .set("size_bytes", size)
        .set("sha256", sha)
        .set("outcome", r.outcome())
        .set("refusal", r.refusal())
        .set("rows_read", r.rowsRead())
        .set("rows_landed", r.rowsLanded())
        .set("rows_quarantined", r.rowsQuarantined())
        .set("errors", (int) r.errors())
        .set("warnings", (int) r.warnings())
        .set("findings", findings)
        .set("check_ms", r.checkMs())
        .build();
    try {
      lakehouse.spark().createDataFrame(List.of(row), UPLOADS.sparkSchema()).writeTo(UPLOADS.table()).append();
    } catch (Exception e) { // NoSuchTableException is checked, thrown from Scala
      throw new IllegalStateException("cannot record the upload in " + UPLOADS.table() + ": " + e.getMessage(), e);
    }
  }

  /** Kept under a name the server chose: nothing the client sent becomes part of a path. */
  private Path store(String uploadId, UploadContent.Kind kind, byte[] bytes) {
    Path dir = lakehouse.home().resolve("uploads");
    Path file = dir.resolve(uploadId + "." + kind.extension());
    try {
      Files.createDirectories(dir);
      Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))), bytes);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store the upload: " + e.getMessage(), e);
    }
  }

  private ReturnsIngestor ingestor() {
    if (ingestor == null) {
      ingestor = new ReturnsIngestor(new Lander(lakehouse.spark()), MeasureCatalogue.load(lakehouse.properties().getSeedsDir()), clock);
    }
    return ingestor;
  }

  private static RefusedRow plain(Rejection r) {
    return new RefusedRow(r.document(), r.rule(), r.reason());
  }

  /** The client's file name for display only: no directories, no control characters, at most 120 characters. */
  static String cleanName(String name) {
    if (name == null || name.isBlank()) {
      return "upload";
    }
    String base = name.replace('\\', '/');
    base = base.substring(base.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}]", "").strip();
    if (base.isEmpty() || base.equals(".") || base.equals("..")) {
      return "upload";
    }
    return base.length() > 120 ? base.substring(0, 120) : base;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
