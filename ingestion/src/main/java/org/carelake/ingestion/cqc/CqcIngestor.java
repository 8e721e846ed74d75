package org.carelake.ingestion.cqc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.FileOutcome;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.LandingBatch;
import org.carelake.ingestion.Lineage;
import org.carelake.ingestion.Rejection;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;

/**
 * Lands CQC ratings and registrations, whatever the layout: detects it, reads every row or document, lands what
 * can be read into its raw table with lineage, quarantines the rest with the reason, and skips sources whose
 * identical bytes already landed.
 */
public final class CqcIngestor {

  public static final String SOURCE = "cqc";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ISO_DATE = Pattern.compile("\"(\\d{4}-\\d{2}-\\d{2})\"");
  private static final DateTimeFormatter DMY = DateTimeFormatter.ofPattern("d/M/uuuu");

  private final Lander lander;
  private final CqcApiSettings apiSettings;
  private final Clock clock;

  public CqcIngestor(Lander lander, CqcApiSettings apiSettings, Clock clock) {
    this.lander = lander;
    this.apiSettings = apiSettings;
    this.clock = clock;
  }

  /**
   * @param asOf the snapshot date the data describes; empty = the data's own date (the latest date it mentions),
   *     else today
   */
  public IngestReport ingest(String pathOrUrl, Optional<LocalDate> asOf) {
    CqcLayout layout = CqcLayoutDetector.detect(pathOrUrl);
    String batchId = UUID.randomUUID().toString();
    Timestamp now = Timestamp.from(clock.instant());
    return switch (layout) {
      case API_FOLDER -> ingestApi(layout, CqcApiFolder.read(Path.of(pathOrUrl)), asOf, batchId, now);
      case API_LIVE -> ingestApi(layout, new CqcApiClient(apiSettings).fetch(pathOrUrl), asOf, batchId, now);
      case RATINGS_LONG, ASC_WIDE -> ingestCsv(layout, SourceBytes.read(Path.of(pathOrUrl)), asOf, batchId, now);
    };
  }

  // ---- API documents ----

  private IngestReport ingestApi(CqcLayout layout, ApiBatch batch, Optional<LocalDate> asOf, String batchId, Timestamp now) {
    Set<String> landed = lander.landedSources(SOURCE);
    List<SourceBytes> fresh = batch.documents().stream().filter(d -> !landed.contains(d.sha256())).toList();
    LocalDate snapshot = asOf.orElseGet(() -> latestIsoDate(batch.documents()).orElse(LocalDate.now(clock)));

    List<Row> rows = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    List<Lineage> lineages = new ArrayList<>();
    List<FileOutcome> outcomes = new ArrayList<>();
    for (SourceBytes doc : fresh) {
      Lineage lineage = new Lineage(doc.name(), doc.sha256(), null, now, batchId);
      lineages.add(lineage);
      Object parsed = parseDocument(doc, lineage, layout, snapshot);
      if (parsed instanceof Row r) {
        rows.add(r);
        outcomes.add(new FileOutcome(doc.name(), layout.code(), 1, 1, 0, false));
      } else {
        rejections.add((Rejection) parsed);
        outcomes.add(new FileOutcome(doc.name(), layout.code(), 1, 0, 1, false));
      }
    }
    // a listed document that is missing is quarantined against the listing that named it
    boolean indexIsNew = batch.index() == null || !landed.contains(batch.index().sha256());
    List<Lineage> indexLineage = new ArrayList<>();
    List<FileOutcome> indexOutcome = new ArrayList<>();
    if (indexIsNew) {
      for (ApiBatch.Missing m : batch.missing()) {
        SourceBytes where = batch.index() != null ? batch.index() : SourceBytes.of(m.where(), new byte[0]);
        rejections.add(new Rejection(new Lineage(where.name(), where.sha256(), null, now, batchId), layout.code(),
            m.locationId(), m.rule(), m.reason(), m.where()));
      }
      if (batch.index() != null) {
        indexLineage.add(new Lineage(batch.index().name(), batch.index().sha256(), null, now, batchId));
        indexOutcome.add(new FileOutcome(batch.index().name(), "cqc_api_index", batch.listed(),
            batch.listed() - batch.missing().size(), batch.missing().size(), false));
      }
    }
    try (LandingBatch landing = lander.begin(SOURCE, batchId)) {
      landing.append(WarehouseTables.RAW_CQC_API_LOCATION, rows);
      landing.quarantine(rejections);
      landing.manifest(layout.code(), snapshot, lineages, outcomes);
      landing.manifest("cqc_api_index", snapshot, indexLineage, indexOutcome);
      landing.complete();
    }

    List<FileOutcome> all = new ArrayList<>(outcomes);
    if (batch.index() == null && indexIsNew && !batch.missing().isEmpty()) {
      all.add(new FileOutcome("listing", "cqc_api_index", batch.missing().size(), 0, batch.missing().size(), false));
    } else {
      all.addAll(indexOutcome.stream().map(o -> new FileOutcome(o.source(), o.layout(), o.quarantined(), 0, o.quarantined(), false)).toList());
    }
    batch.documents().stream().filter(d -> landed.contains(d.sha256()))
        .forEach(d -> all.add(new FileOutcome(d.name(), layout.code(), 0, 0, 0, true)));
    if (!indexIsNew) {
      all.add(new FileOutcome(batch.index().name(), "cqc_api_index", 0, 0, 0, true));
    }
    return new IngestReport(batchId, layout.code(), all);
  }

  private Object parseDocument(SourceBytes doc, Lineage lineage, CqcLayout layout, LocalDate snapshot) {
    String text;
    try {
      // strictly: a document in another encoding would land garbled and its ratings read as missing downstream
      text = CsvText.decodeUtf8(doc);
    } catch (UnreadableSourceException e) {
      return new Rejection(lineage, layout.code(), idFromName(doc.name()), "unreadable_json",
          "the document is not UTF-8 text (the CQC API sends UTF-8 JSON)", null);
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (IOException e) {
      return new Rejection(lineage, layout.code(), idFromName(doc.name()), "unreadable_json", "the document is not valid JSON: " + e.getMessage(), text);
    }
    if (root == null || !root.isObject()) {
      return new Rejection(lineage, layout.code(), idFromName(doc.name()), "unreadable_json", "the document is not a JSON object", text);
    }
    String locationId = text(root, "locationId");
    if (locationId == null) {
      return new Rejection(lineage, layout.code(), idFromName(doc.name()), "missing_key", "the document has no locationId", text);
    }
    if (text(root, "providerId") == null) {
      return new Rejection(lineage, layout.code(), locationId, "missing_key", "the document of location " + locationId + " has no providerId", text);
    }
    return lineage.applyTo(new RowBuilder(WarehouseTables.RAW_CQC_API_LOCATION))
        .set("location_id", locationId)
        .set("provider_id", text(root, "providerId"))
        .set("registration_status", text(root, "registrationStatus"))
        .set("document", text)
        .set("snapshot_date", Date.valueOf(snapshot))
        .build();
  }

  /** The location id a document's file name or URL carries (location_1-123.json, .../locations/1-123). */
  static String idFromName(String name) {
    String last = name.substring(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
    return last.replaceFirst("^location_", "").replaceFirst("\\.json$", "");
  }

  private static String text(JsonNode root, String field) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return null;
    }
    String s = n.asText().trim();
    return s.isEmpty() ? null : s;
  }

  private static Optional<LocalDate> latestIsoDate(List<SourceBytes> docs) {
    LocalDate max = null;
    for (SourceBytes d : docs) {
      Matcher m = ISO_DATE.matcher(new String(d.bytes(), StandardCharsets.UTF_8));
      while (m.find()) {
        try {
          LocalDate x = LocalDate.parse(m.group(1));
          if (max == null || x.isAfter(max)) {
            max = x;
          }
        } catch (DateTimeParseException ignored) {
          // not a date after all
        }
      }
    }
    return Optional.ofNullable(max);
  }

  // ---- CSV files ----

  /** A data row that passed the row rules: typed columns by snake_case name, every other column by its header. */
  private record ParsedRow(long row, Map<String, String> values, Map<String, String> other) {}

  private IngestReport ingestCsv(CqcLayout layout, SourceBytes src, Optional<LocalDate> asOf, String batchId, Timestamp now) {
    if (lander.landedSources(SOURCE).contains(src.sha256())) {
      return new IngestReport(batchId, layout.code(), List.of(new FileOutcome(src.name(), layout.code(), 0, 0, 0, true)));
    }
    CsvText csv = CsvText.parse(src).requireRows();
    TableContract table = layout == CqcLayout.RATINGS_LONG ? WarehouseTables.RAW_CQC_RATINGS_LONG : WarehouseTables.RAW_CQC_ASC_WIDE;
    List<String> header = csv.headerNames();
    List<String> snake = header.stream().map(CsvText::snakeCase).toList();
    String headerStyle = header.contains("Location ID") ? "original" : "snake_case";
    Set<String> typed = Set.copyOf(table.columnNames());
    Lineage base = new Lineage(src.name(), src.sha256(), null, now, batchId);

    List<ParsedRow> good = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    for (CsvText.Record rec : csv.records()) {
      Lineage at = base.atRow(rec.row());
      if (rec.record() == null) {
        rejections.add(new Rejection(at, layout.code(), null, "malformed_csv", rec.error(), rec.unparsedLine()));
        continue;
      }
      CSVRecord r = rec.record();
      String asText = CsvText.recordText(r);
      if (r.size() != header.size()) {
        rejections.add(new Rejection(at, layout.code(), null, "wrong_field_count",
            "row has " + r.size() + " fields but the header has " + header.size(), asText));
        continue;
      }
      Map<String, String> values = new HashMap<>();
      Map<String, String> other = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        if (typed.contains(snake.get(i))) {
          values.put(snake.get(i), r.get(i));
        } else {
          other.put(header.get(i), r.get(i));
        }
      }
      String locationId = blankToNull(values.get("location_id"));
      if (locationId == null) {
        rejections.add(new Rejection(at, layout.code(), null, "missing_key", "Location ID is empty", asText));
      } else if (layout == CqcLayout.RATINGS_LONG && blankToNull(values.get("domain")) == null) {
        rejections.add(new Rejection(at, layout.code(), locationId, "missing_key", "Domain (the key question) is empty", asText));
      } else {
        good.add(new ParsedRow(rec.row(), values, other));
      }
    }
    LocalDate snapshot = asOf.orElseGet(() -> dataDate(layout, good).orElse(LocalDate.now(clock)));
    List<Row> rows = new ArrayList<>();
    for (ParsedRow p : good) {
      RowBuilder b = base.atRow(p.row()).applyTo(new RowBuilder(table));
      p.values().forEach(b::set);
      b.set("other_columns", p.other());
      if (layout == CqcLayout.RATINGS_LONG) {
        b.set("header_style", headerStyle);
      }
      b.set("snapshot_date", Date.valueOf(snapshot));
      rows.add(b.build());
    }
    FileOutcome outcome = new FileOutcome(src.name(), layout.code(), csv.records().size(), rows.size(), rejections.size(), false);
    try (LandingBatch landing = lander.begin(SOURCE, batchId)) {
      landing.append(table, rows);
      landing.quarantine(rejections);
      landing.manifest(layout.code(), snapshot, List.of(base), List.of(outcome));
      landing.complete();
    }
    return new IngestReport(batchId, layout.code(), List.of(outcome));
  }

  private static Optional<LocalDate> dataDate(CqcLayout layout, List<ParsedRow> rows) {
    String column = layout == CqcLayout.RATINGS_LONG ? "publication_date" : "location_hsca_start_date";
    LocalDate max = null;
    for (ParsedRow r : rows) {
      LocalDate d = parseDate(r.values().get(column));
      if (d != null && (max == null || d.isAfter(max))) {
        max = d;
      }
    }
    return Optional.ofNullable(max);
  }

  static LocalDate parseDate(String s) {
    if (s == null || s.isBlank()) {
      return null;
    }
    String t = s.trim();
    try {
      return LocalDate.parse(t.length() >= 10 ? t.substring(0, 10) : t);
    } catch (DateTimeParseException e) {
      try {
        return LocalDate.parse(t.split(" ")[0], DMY);
      } catch (DateTimeParseException e2) {
        return null;
      }
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }
}
