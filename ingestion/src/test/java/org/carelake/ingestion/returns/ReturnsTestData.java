package org.carelake.ingestion.returns;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestionTestSupport;

/** Fixtures shared by the returns tests: the catalogue from the repository's seeds, long CSVs, workbooks, raw table reads. */
final class ReturnsTestData {

  static final String PROVIDER = "1-101641521";
  static final String LOCATION = "1-10024040008";

  /** The columns of raw.return_measure that carry the return itself (not lineage, not source_format). */
  static final String TYPED_COLUMNS =
      "provider_id, location_id, return_type, period_start, period_end, submitted_at, measure_code, value, comment";

  private ReturnsTestData() {}

  static MeasureCatalogue catalogue() {
    Path seeds = IngestionTestSupport.repoRoot().resolve("seeds");
    if (!Files.isRegularFile(seeds.resolve("ref/measures.csv"))) {
      throw new IllegalStateException("seeds not found at " + seeds + " (carelake.repo.root=" + System.getProperty("carelake.repo.root") + ")");
    }
    return MeasureCatalogue.load(seeds);
  }

  /**
   * The measures file read here with plain string splitting (it has no quoted fields), independently of the
   * catalogue under test: code → [return_type, section, description, unit, mandatory, applies_to].
   */
  static Map<String, String[]> measuresCsv() {
    try {
      List<String> lines = Files.readAllLines(IngestionTestSupport.repoRoot().resolve("seeds/ref/measures.csv"), StandardCharsets.UTF_8);
      if (!lines.get(0).startsWith("measure_code,return_type,section,description,unit,mandatory,applies_to")) {
        throw new IllegalStateException("unexpected measures.csv header " + lines.get(0));
      }
      Map<String, String[]> out = new LinkedHashMap<>();
      for (String line : lines.subList(1, lines.size())) {
        if (line.isBlank()) {
          continue;
        }
        if (line.contains("\"")) {
          throw new IllegalStateException("measures.csv has a quoted field; this reader cannot split it: " + line);
        }
        String[] f = line.split(",", -1);
        out.put(f[0], new String[] {f[1], f[2], f[3], f[4], f[5], f[6]});
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A plausible value for a measure of this unit; distinct per index so a mix-up between measures shows. */
  static String valueFor(Measure m, int index) {
    return switch (m.unit()) {
      case "date" -> LocalDate.of(2025, 6, 1).plusDays(index).toString();
      case "hours" -> (100 + index) + ".5";
      case "percent" -> (10 + index) + ".25";
      case "flag" -> Integer.toString(index % 2);
      default -> Integer.toString(3 * index + 1);
    };
  }

  static Map<String, String> valuesFor(List<Measure> measures) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < measures.size(); i++) {
      out.put(measures.get(i).code(), valueFor(measures.get(i), i));
    }
    return out;
  }

  /** CSV field, quoted when it has to be. */
  static String field(String s) {
    if (s == null) {
      return "";
    }
    return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }

  /** The long CSV of one return: one row per measure, in the given value order; comments by code (may be absent). */
  static String longCsv(ReturnWorkbook.Header h, String submittedAt, Map<String, String> values, Map<String, String> comments) {
    StringBuilder b = new StringBuilder("provider_id,location_id,return_type,period_start,period_end,submitted_at,measure_code,value,comment\n");
    for (Map.Entry<String, String> e : values.entrySet()) {
      b.append(String.join(",", h.providerId(), h.locationId(), h.returnType(), h.periodStart().toString(), h.periodEnd().toString(),
          field(submittedAt), e.getKey(), field(e.getValue()), field(comments.get(e.getKey())))).append('\n');
    }
    return b.toString();
  }

  static byte[] filledWorkbook(ReturnWorkbook.Header h, List<Measure> measures, Map<String, String> values, String submittedAt) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ReturnWorkbook.writeFilled(h, measures, values, submittedAt, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path file, String text) {
    return write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  static long count(SparkSession spark, String table) {
    return spark.table(table).count();
  }

  /** Row counts of the raw tables a returns ingest writes. */
  static Map<String, Long> counts(SparkSession spark) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : List.of("raw.return_measure", "raw.quarantine", "raw.ingest_manifest")) {
      out.put(t, count(spark, t));
    }
    return out;
  }

  /** The typed columns of the rows read from one source (by SHA-256), ordered by measure code, as plain lists. */
  static List<List<Object>> typedRows(SparkSession spark, String sha256) {
    List<List<Object>> out = new ArrayList<>();
    for (Row r : spark.sql("SELECT " + TYPED_COLUMNS + " FROM raw.return_measure WHERE _source_sha256 = '" + sha256
        + "' ORDER BY measure_code").collectAsList()) {
      List<Object> cells = new ArrayList<>();
      for (int i = 0; i < r.size(); i++) {
        cells.add(r.get(i));
      }
      out.add(cells);
    }
    return out;
  }
}
