package org.carelake.ingestion.returns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.carelake.ingestion.CqcIds;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.FileOutcome;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IsoDates;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.LandingBatch;
import org.carelake.ingestion.Lineage;
import org.carelake.ingestion.Rejection;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.WarehouseTables;

/**
 * Lands provider monitoring returns from the long CSV or the council's XLSX workbook (told apart by content, not
 * name). The gate checks every row as it lands: ids, return type, period shape, timestamp, measure code against the
 * catalogue and the return type, one value per measure per submission, one period end and submission time per
 * submission. A row that fails is quarantined with the rule and reason; the rest of its submission lands.
 */
public final class ReturnsIngestor {

  public static final String SOURCE = "returns";
  static final List<String> REQUIRED = List.of("provider_id", "location_id", "return_type", "period_start", "period_end", "measure_code", "value");

  private final Lander lander;
  private final MeasureCatalogue catalogue;
  private final Clock clock;
  private final long distributedBytes;

  /** Folders of at least this many bytes are gated on the executors (see {@link #ingest}). */
  public static final long DISTRIBUTED_BYTES = 64L << 20;

  public ReturnsIngestor(Lander lander, MeasureCatalogue catalogue, Clock clock) {
    this(lander, catalogue, clock, DISTRIBUTED_BYTES);
  }

  /** @param distributedBytes folder size from which files are gated on the executors rather than the driver */
  public ReturnsIngestor(Lander lander, MeasureCatalogue catalogue, Clock clock, long distributedBytes) {
    this.lander = lander;
    this.catalogue = catalogue;
    this.clock = clock;
    this.distributedBytes = distributedBytes;
  }

  /** One measure line of a return, as text, whichever form it came in. */
  record Line(long sourceRow, String parseRule, String parseError, String providerId, String locationId, String returnType, String periodStart, String periodEnd,
      String submittedAt, String measureCode, String value, String comment, String record, CSVRecord csv) {

    Line(long sourceRow, String parseRule, String parseError, String providerId, String locationId, String returnType, String periodStart,
        String periodEnd, String submittedAt, String measureCode, String value, String comment, String record) {
      this(sourceRow, parseRule, parseError, providerId, locationId, returnType, periodStart, periodEnd, submittedAt, measureCode, value, comment,
          record, null);
    }

    /** The line as read, for the quarantine: formatted only for a line that is refused. */
    String recordText() {
      return record != null ? record : csv != null ? CsvText.recordText(csv) : null;
    }
  }

  /**
   * @param path a return file (CSV or XLSX) or a folder of them
   * @param uploadedAt submission time for returns that do not carry one (the portal's upload time); default now
   */
  public IngestReport ingest(Path path, Optional<Instant> uploadedAt) {
    return ingest(files(path), uploadedAt);
  }

  /** Lands these return files as one batch (a folder's files, or a chosen set of them). */
  public IngestReport ingest(List<Path> files, Optional<Instant> uploadedAt) {
    if (files.isEmpty()) {
      throw new UnreadableSourceException("no return files to land");
    }
    if (files.size() > 1 && totalBytes(files) >= distributedBytes) {
      return new DistributedReturns(lander, new FileGate(catalogue, Timestamp.from(clock.instant()),
          Timestamp.from(uploadedAt.orElse(clock.instant())), UUID.randomUUID().toString())).ingest(files);
    }
    String batchId = UUID.randomUUID().toString();
    Timestamp now = Timestamp.from(clock.instant());
    Timestamp defaultSubmitted = Timestamp.from(uploadedAt.orElse(clock.instant()));
    Set<String> landed = lander.landedSources(SOURCE);
    List<Row> rows = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    List<Lineage> lineages = new ArrayList<>();
    List<FileOutcome> outcomes = new ArrayList<>();
    List<FileOutcome> skipped = new ArrayList<>();
    for (Path f : files) {
      SourceBytes src = SourceBytes.read(f);
      if (landed.contains(src.sha256()) || lineages.stream().anyMatch(l -> l.sha256().equals(src.sha256()))) {
        skipped.add(new FileOutcome(src.name(), "returns", 0, 0, 0, true));
        continue;
      }
      boolean xlsx = isZip(src.bytes());
      String format = xlsx ? "xlsx" : "csv";
      Lineage base = new Lineage(src.name(), src.sha256(), null, now, batchId);
      List<Line> lines;
      try {
        lines = xlsx ? readWorkbook(src) : readCsv(src);
      } catch (UnreadableSourceException e) {
        if (files.size() == 1) {
          throw e;
        }
        // in a folder, one unreadable file must not hold back the others: it is quarantined whole
        rejections.add(new Rejection(base, "returns_" + format, src.name(), "unreadable_file", e.getMessage(), null));
        lineages.add(base);
        outcomes.add(new FileOutcome(src.name(), "returns_" + format, 1, 0, 1, false));
        continue;
      }
      int before = rows.size();
      int rejectedBefore = rejections.size();
      gate(catalogue, lines, base, format, defaultSubmitted, rows, rejections);
      lineages.add(base);
      outcomes.add(new FileOutcome(src.name(), "returns_" + format, lines.size(), rows.size() - before, rejections.size() - rejectedBefore, false));
    }
    try (LandingBatch batch = lander.begin(SOURCE, batchId)) {
      batch.append(WarehouseTables.RAW_RETURN_MEASURE, rows);
      batch.quarantine(rejections);
      manifest(batch, lineages, outcomes);
      batch.complete();
    }
    List<FileOutcome> all = new ArrayList<>(outcomes);
    all.addAll(skipped);
    return new IngestReport(batchId, "returns", all);
  }

  /** The batch's manifest rows, by layout; they are committed together when the batch completes. */
  static void manifest(LandingBatch batch, List<Lineage> lineages, List<FileOutcome> outcomes) {
    Map<String, List<Integer>> byLayout = new java.util.TreeMap<>();
    for (int i = 0; i < outcomes.size(); i++) {
      byLayout.computeIfAbsent(outcomes.get(i).layout(), k -> new ArrayList<>()).add(i);
    }
    byLayout.forEach((layout, idx) -> batch.manifest(layout, null, idx.stream().map(lineages::get).toList(),
        idx.stream().map(outcomes::get).toList()));
  }

  private static long totalBytes(List<Path> files) {
    long n = 0;
    for (Path f : files) {
      try {
        n += Files.size(f);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
      }
    }
    return n;
  }

  /**
   * The gate for one file, as the executors run it: reads and checks the file, giving the rows that land, its
   * rejections and its outcome. Serializable, with everything it needs.
   */
  static final class FileGate implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    final MeasureCatalogue catalogue;
    final Timestamp now;
    final Timestamp defaultSubmitted;
    final String batchId;

    FileGate(MeasureCatalogue catalogue, Timestamp now, Timestamp defaultSubmitted, String batchId) {
      this.catalogue = catalogue;
      this.now = now;
      this.defaultSubmitted = defaultSubmitted;
      this.batchId = batchId;
    }

    /** What one file gave; rows are left out of what travels back to the driver. */
    record Result(Lineage lineage, FileOutcome outcome, List<Rejection> rejections, boolean skipped) implements java.io.Serializable {}

    Result run(Path file, Set<String> landed, List<Row> rows) {
      SourceBytes src = SourceBytes.read(file);
      if (landed.contains(src.sha256())) {
        return new Result(new Lineage(src.name(), src.sha256(), null, now, batchId), new FileOutcome(src.name(), "returns", 0, 0, 0, true),
            List.of(), true);
      }
      boolean xlsx = isZip(src.bytes());
      String format = xlsx ? "xlsx" : "csv";
      Lineage base = new Lineage(src.name(), src.sha256(), null, now, batchId);
      List<Rejection> rejections = new ArrayList<>();
      List<Line> lines;
      try {
        lines = xlsx ? readWorkbook(src) : readCsv(src);
      } catch (UnreadableSourceException e) {
        rejections.add(new Rejection(base, "returns_" + format, src.name(), "unreadable_file", e.getMessage(), null));
        return new Result(base, new FileOutcome(src.name(), "returns_" + format, 1, 0, 1, false), rejections, false);
      }
      int before = rows.size();
      gate(catalogue, lines, base, format, defaultSubmitted, rows, rejections);
      return new Result(base, new FileOutcome(src.name(), "returns_" + format, lines.size(), rows.size() - before, rejections.size(), false),
          rejections, false);
    }
  }

  /** What the gate makes of one return file, landing nothing: the rows that would land and the rows it refuses. */
  public record GateResult(String format, int linesRead, List<Row> rows, List<Rejection> rejections) {}

  /**
   * Runs one uploaded return (CSV or the council's XLSX) through the gate without landing it, for the portal's
   * immediate feedback.
   *
   * @throws UnreadableSourceException when the file is not a return at all
   */
  public GateResult check(SourceBytes src, Optional<Instant> uploadedAt) {
    Timestamp defaultSubmitted = Timestamp.from(uploadedAt.orElse(clock.instant()));
    boolean xlsx = isZip(src.bytes());
    String format = xlsx ? "xlsx" : "csv";
    Lineage base = new Lineage(src.name(), src.sha256(), null, Timestamp.from(clock.instant()), "check");
    List<Line> lines = xlsx ? readWorkbook(src) : readCsv(src);
    List<Row> rows = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    gate(catalogue, lines, base, format, defaultSubmitted, rows, rejections);
    return new GateResult(format, lines.size(), List.copyOf(rows), List.copyOf(rejections));
  }

  private static List<Path> files(Path path) {
    if (!Files.exists(path)) {
      throw new UnreadableSourceException(path + ": no such file or folder");
    }
    if (!Files.isDirectory(path)) {
      return List.of(path);
    }
    try (Stream<Path> s = Files.walk(path)) {
      List<Path> found = s.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).matches(".*\\.(csv|xlsx)$")).sorted().toList();
      if (found.isEmpty()) {
        throw new UnreadableSourceException(path + ": no .csv or .xlsx return files in the folder");
      }
      return found;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static boolean isZip(byte[] b) {
    return b.length >= 4 && b[0] == 'P' && b[1] == 'K' && b[2] == 3 && b[3] == 4;
  }

  private static List<Line> readCsv(SourceBytes src) {
    CsvText csv = CsvText.parse(src);
    List<String> header = csv.headerNames().stream().map(CsvText::snakeCase).toList();
    List<String> missing = REQUIRED.stream().filter(c -> !header.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new UnreadableSourceException(src.name() + ": not a monitoring return: the header lacks " + missing
          + " (a return has " + REQUIRED + ", optionally submitted_at and comment; or is the council's XLSX workbook)");
    }
    csv.requireRows();
    // column positions once per file, not a map per line
    int[] idx = Stream.of("provider_id", "location_id", "return_type", "period_start", "period_end", "submitted_at", "measure_code", "value", "comment")
        .mapToInt(header::lastIndexOf).toArray(); // a repeated column: the last wins, as before
    List<Line> out = new ArrayList<>();
    for (CsvText.Record rec : csv.records()) {
      if (rec.record() == null) {
        out.add(new Line(rec.row(), "malformed_csv", rec.error(), null, null, null, null, null, null, null, null, null, rec.unparsedLine()));
        continue;
      }
      CSVRecord r = rec.record();
      if (r.size() != header.size()) {
        out.add(new Line(rec.row(), "wrong_field_count", "row has " + r.size() + " fields but the header has " + header.size(),
            null, null, null, null, null, null, null, null, null, CsvText.recordText(r)));
        continue;
      }
      out.add(new Line(rec.row(), null, null, at(r, idx[0]), at(r, idx[1]), at(r, idx[2]), at(r, idx[3]), at(r, idx[4]), at(r, idx[5]), at(r, idx[6]),
          at(r, idx[7]), at(r, idx[8]), null, r));
    }
    return out;
  }

  private static String at(CSVRecord r, int i) {
    return i < 0 ? null : r.get(i);
  }

  private static List<Line> readWorkbook(SourceBytes src) {
    ReturnWorkbook.Contents wb = ReturnWorkbook.read(src);
    if (wb.rows().isEmpty()) {
      throw new UnreadableSourceException(src.name() + ": the workbook's measure table (from row 8 of sheet Return) has no rows: nothing to land");
    }
    Map<String, String> h = wb.header();
    List<Line> out = new ArrayList<>();
    for (ReturnWorkbook.MeasureRow r : wb.rows()) {
      out.add(new Line(r.sheetRow(), null, null, h.get("provider_id"), h.get("location_id"), h.get("return_type"), h.get("period_start"),
          h.get("period_end"), h.get("submitted_at"), r.measureCode(), r.value(), r.comment(),
          r.measureCode() + "," + r.value() + "," + r.comment()));
    }
    return out;
  }

  /** The gate: typed rows for lines that pass, a rejection with rule and reason for each that does not. */
  private static void gate(MeasureCatalogue catalogue, List<Line> lines, Lineage base, String format, Timestamp defaultSubmitted, List<Row> rows,
      List<Rejection> rejections) {
    record Key(String provider, String location, String type, LocalDate start) {}
    Map<Key, LocalDate> endByKey = new HashMap<>();
    Map<Key, Timestamp> submittedByKey = new HashMap<>();
    record SeenMeasure(Key key, String code) {}
    Set<SeenMeasure> seenMeasure = new HashSet<>();
    String layout = "returns_" + format;
    // a return repeats its period and submission time on every row: parse each text once (the profile's top frame)
    Map<String, LocalDate> dates = new HashMap<>();
    Map<String, Timestamp> timestamps = new HashMap<>();
    Map<String, Boolean> validIds = new HashMap<>();
    for (Line l : lines) {
      Lineage at = base.atRow(l.sourceRow());
      String doc = blank(l.locationId()) ? null : l.locationId().trim();
      if (l.parseError() != null) {
        rejections.add(new Rejection(at, layout, doc, l.parseRule(), l.parseError(), l.recordText()));
        continue;
      }
      String problem = null;
      String rule = null;
      String provider = trim(l.providerId());
      String location = trim(l.locationId());
      String type = trim(l.returnType()).toLowerCase(java.util.Locale.ROOT);
      LocalDate start = dates.computeIfAbsent(String.valueOf(l.periodStart()), ReturnsIngestor::date);
      LocalDate end = dates.computeIfAbsent(String.valueOf(l.periodEnd()), ReturnsIngestor::date);
      Timestamp submitted = blank(l.submittedAt()) ? defaultSubmitted : timestamps.computeIfAbsent(l.submittedAt(), ReturnsIngestor::timestamp);
      String code = trim(l.measureCode()).toUpperCase(java.util.Locale.ROOT);
      Optional<Measure> measure = catalogue.find(code);
      if (!validIds.computeIfAbsent(provider, CqcIds::isCqcId)) {
        rule = "invalid_id";
        problem = "provider_id '" + provider + "' is not a CQC provider ID (like 1-101641521)";
      } else if (!validIds.computeIfAbsent(location, CqcIds::isCqcId)) {
        rule = "invalid_id";
        problem = "location_id '" + location + "' is not a CQC location ID (like 1-10024040008)";
      } else if (!ReturnPeriod.RETURN_TYPES.contains(type)) {
        rule = "invalid_return_type";
        problem = "return_type '" + l.returnType() + "' is not one of monthly, quarterly, annual";
      } else if (start == null || end == null) {
        rule = "invalid_date";
        problem = "period_start '" + l.periodStart() + "' and period_end '" + l.periodEnd() + "' must be dates as YYYY-MM-DD";
      } else if (!end.equals(ReturnPeriod.endFor(type, start))) {
        rule = "invalid_period";
        problem = "a " + type + " return covers a " + periodWord(type) + "; " + start + " to " + end + " is not one";
      } else if (submitted == null) {
        rule = "invalid_timestamp";
        problem = "submitted_at '" + l.submittedAt() + "' is not an ISO 8601 timestamp with offset (2025-05-09T14:03:00+01:00)";
      } else if (code.isEmpty() || measure.isEmpty()) {
        rule = "unknown_measure";
        problem = "measure_code '" + l.measureCode() + "' is not in the council's measure catalogue";
      } else if (!measure.get().returnType().equals(type)) {
        rule = "measure_not_in_return";
        problem = code + " belongs to the " + measure.get().returnType() + " return, not the " + type + " return";
      }
      if (rule == null) {
        Key key = new Key(provider, location, type, start);
        LocalDate knownEnd = endByKey.putIfAbsent(key, end);
        Timestamp knownSubmitted = submittedByKey.putIfAbsent(key, submitted);
        if (knownSubmitted != null && !knownSubmitted.equals(submitted)) {
          rule = "inconsistent_submission";
          problem = "submitted_at differs from earlier rows of the same return (" + knownSubmitted.toInstant() + ")";
        } else if (!seenMeasure.add(new SeenMeasure(key, code))) {
          rule = "duplicate_measure";
          problem = code + " appears more than once in this return; only its first row is kept";
        } else if (knownEnd != null && !knownEnd.equals(end)) {
          rule = "inconsistent_submission";
          problem = "period_end differs from earlier rows of the same return";
        }
      }
      if (rule != null) {
        rejections.add(new Rejection(at, layout, doc, rule, problem, l.recordText()));
        continue;
      }
      rows.add(at.applyTo(new RowBuilder(WarehouseTables.RAW_RETURN_MEASURE))
          .set("provider_id", provider).set("location_id", location).set("return_type", type)
          .set("period_start", Date.valueOf(start)).set("period_end", Date.valueOf(end)).set("submitted_at", submitted)
          .set("measure_code", code).set("value", blank(l.value()) ? null : l.value().trim())
          .set("comment", blank(l.comment()) ? null : l.comment().trim()).set("source_format", format).build());
    }
  }

  private static String periodWord(String type) {
    return switch (type) {
      case "monthly" -> "calendar month";
      case "quarterly" -> "calendar quarter";
      default -> "financial year, 1 April to 31 March";
    };
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }

  private static String trim(String s) {
    return s == null ? "" : s.trim();
  }

  static LocalDate date(String s) {
    return blank(s) ? null : IsoDates.parseOrNull(s.trim());
  }

  static Timestamp timestamp(String s) {
    if (!IsoDates.startsWithDate(s.trim())) {
      return null;
    }
    try {
      return Timestamp.from(OffsetDateTime.parse(s.trim()).toInstant());
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
