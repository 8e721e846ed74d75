package org.carelake.ingestion.council;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
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
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;

/**
 * How the council's own CSV sources land (visits, the safeguarding log, contract actions), one row per record with an
 * id: the same bytes again land nothing; a header lacking a required column refuses the file whole; each row is either
 * landed, as text in canonical form with its lineage, or quarantined with the first rule it breaks (a missing or
 * repeated id, then the source's own checks); landed + quarantined = read, recorded in the manifest.
 *
 * <p>A source holding personal data names the column and the {@link Pseudonymiser}: the reference is replaced by its
 * keyed hash as soon as a row is split into fields, before any check, so no landed row, quarantine record or reason
 * ever holds it. A line that cannot be split into the header's fields cannot be pseudonymised and is quarantined
 * without its text.
 */
final class CouncilCsvIngestor {

  /** A column of personal data replaced on read by its keyed hash in another column. */
  record Personal(String clearColumn, String keyColumn, Pseudonymiser pseudonymiser) {}

  /**
   * What differs between sources.
   *
   * @param source the stream name in the manifest and quarantine (e.g. "visits")
   * @param kind what the file is, for messages ("a visits file")
   * @param columns the file's columns, in the data contract's order
   * @param optionalColumns columns a file may leave out of its header
   * @param gate the source's checks: the values to land by table column, or a {@link RowProblem}
   * @param personal the column of personal data, or null
   */
  record Source(String source, TableContract table, String kind, List<String> columns, Set<String> optionalColumns, String keyColumn,
      Function<Fields, Map<String, String>> gate, Personal personal) {

    String layout() {
      return table.name();
    }
  }

  private static final String WITHHELD = " (the line is not kept: the file holds personal data; see this row of the file)";

  private final Lander lander;
  private final Clock clock;
  private final Source spec;

  CouncilCsvIngestor(Lander lander, Clock clock, Source spec) {
    this.lander = lander;
    this.clock = clock;
    this.spec = spec;
  }

  IngestReport ingest(Path file) {
    SourceBytes src = SourceBytes.read(file);
    String batchId = UUID.randomUUID().toString();
    String layout = spec.layout();
    if (lander.landedSources(spec.source()).contains(src.sha256())) {
      return new IngestReport(batchId, layout, List.of(new FileOutcome(src.name(), layout, 0, 0, 0, true)));
    }
    CsvText csv = CsvText.parse(src);
    List<String> header = csv.headerNames().stream().map(CsvText::snakeCase).toList();
    List<String> missing = spec.columns().stream().filter(c -> !spec.optionalColumns().contains(c) && !header.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new UnreadableSourceException(src.name() + ": not " + spec.kind() + ": the header lacks " + missing + " (expected " + spec.columns() + ")");
    }
    csv.requireRows();
    Personal personal = spec.personal();
    Lineage base = new Lineage(src.name(), src.sha256(), null, Timestamp.from(clock.instant()), batchId);
    List<Row> rows = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (CsvText.Record rec : csv.records()) {
      Lineage at = base.atRow(rec.row());
      if (rec.record() == null) {
        rejections.add(personal == null
            ? new Rejection(at, layout, null, "malformed_csv", rec.error(), rec.unparsedLine())
            : new Rejection(at, layout, null, "malformed_csv", "the line could not be parsed as CSV" + WITHHELD, null));
        continue;
      }
      CSVRecord r = rec.record();
      if (r.size() != header.size()) {
        String reason = "row has " + r.size() + " fields but the header has " + header.size();
        rejections.add(personal == null
            ? new Rejection(at, layout, null, "wrong_field_count", reason, CsvText.recordText(r))
            : new Rejection(at, layout, null, "wrong_field_count", reason + WITHHELD, null));
        continue;
      }
      Map<String, String> v = new LinkedHashMap<>();
      for (int i = 0; i < header.size(); i++) {
        v.put(header.get(i), r.get(i).trim());
      }
      String text;
      if (personal != null) {
        pseudonymise(v, personal);
        text = recordText(v, personal);
      } else {
        text = CsvText.recordText(r);
      }
      String id = v.getOrDefault(spec.keyColumn(), "");
      try {
        if (id.isEmpty()) {
          throw new RowProblem("missing_key", spec.keyColumn() + " is empty");
        }
        if (ids.contains(id)) {
          throw new RowProblem("duplicate_key", spec.keyColumn() + " " + id + " appears more than once in the file; its first row is kept");
        }
        Map<String, String> landed = spec.gate().apply(new Fields(v));
        ids.add(id);
        RowBuilder b = at.applyTo(new RowBuilder(spec.table()));
        landed.forEach(b::set);
        rows.add(b.build());
      } catch (RowProblem p) {
        rejections.add(new Rejection(at, layout, id.isEmpty() ? null : id, p.rule(), p.getMessage(), text));
      }
    }
    FileOutcome outcome = new FileOutcome(src.name(), layout, csv.records().size(), rows.size(), rejections.size(), false);
    try (LandingBatch batch = lander.begin(spec.source(), batchId)) {
      batch.append(spec.table(), rows);
      batch.quarantine(rejections);
      batch.manifest(layout, null, List.of(base), List.of(outcome));
      batch.complete();
    }
    return new IngestReport(batchId, layout, List.of(outcome));
  }

  /**
   * Replaces the reference by its keyed hash, under the key column; any other field holding the same reference (a
   * value typed into the wrong column) is replaced too.
   */
  private static void pseudonymise(Map<String, String> v, Personal p) {
    String clear = v.remove(p.clearColumn());
    String key = p.pseudonymiser().personKey(clear);
    if (clear != null && !clear.isBlank()) {
      String loose = clear.replaceAll("\\s+", "");
      v.replaceAll((column, value) -> value.replaceAll("\\s+", "").equalsIgnoreCase(loose) ? key : value);
    }
    v.put(p.keyColumn(), key == null ? "" : key);
  }

  /** The row as CSV for the quarantine: the data contract's columns only, in its order, the key in place of the reference. */
  private String recordText(Map<String, String> v, Personal p) {
    List<String> out = new ArrayList<>();
    for (String c : spec.columns()) {
      out.add(v.getOrDefault(c.equals(p.clearColumn()) ? p.keyColumn() : c, ""));
    }
    return CSVFormat.DEFAULT.format(out.toArray());
  }
}
