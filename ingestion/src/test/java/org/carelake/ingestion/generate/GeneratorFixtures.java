package org.carelake.ingestion.generate;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnWorkbook;

/** Synthetic locations shaped like a council's CQC register, and a reader for the generated files (not the generator's code). */
final class GeneratorFixtures {

  static final LocalDate AS_OF = LocalDate.of(2025, 10, 14);

  private GeneratorFixtures() {}

  static MeasureCatalogue catalogue() {
    return MeasureCatalogue.load(IngestionTestSupport.repoRoot().resolve("seeds"));
  }

  private static final String[] RATINGS = {"Good", "Good", "Requires improvement", "Good", "Outstanding", "Inadequate", null, "Good",
      "Requires improvement", "Good"};
  private static final String[] HOME_NAMES = {"Oak House", "Meadow View Care Home", "Willow Lodge Nursing Home", "The Laurels",
      "Hollins Court", "Beech Tree House", "Moorside Grange", "St Mary's Nursing Home"};
  private static final String[] COMMUNITY_NAMES = {"Carewell Homecare", "Brightside Supported Living", "Pennine Home Care Services",
      "Oldfield Extra Care Scheme", "Kindred Care at Home", "Springs Day Centre", "Allied Domiciliary Care", "Hope Lodge"};

  /** n locations, about 40% care homes (one with unknown beds), several providers with more than one location. */
  static List<GeneratedLocation> locations(int n) {
    List<GeneratedLocation> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      boolean home = i % 5 < 2;
      String id = "1-" + (1000001000L + i * 7919L);
      String provider = "1-" + (101000000L + (i / 3) * 131L);
      Integer beds = home ? (i == 1 ? null : 18 + (i * 37) % 95) : null;
      String name = home ? HOME_NAMES[i % HOME_NAMES.length] : COMMUNITY_NAMES[i % COMMUNITY_NAMES.length];
      out.add(new GeneratedLocation(id, provider, name + " " + i, home, beds, RATINGS[i % RATINGS.length]));
    }
    return out;
  }

  static OutputSink.Memory generate(List<GeneratedLocation> locations, int months, long seed, double faultRate) {
    OutputSink.Memory sink = new OutputSink.Memory();
    CouncilDataGenerator.builder().council("Testshire").locations(locations).catalogue(catalogue()).months(months).seed(seed)
        .faultRate(faultRate).asOf(AS_OF).build().generate(sink);
    return sink;
  }

  // ---------------------------------------------------------------- reading the output

  static List<Map<String, String>> csv(byte[] bytes) {
    try (CSVParser p = CSVParser.parse(new StringReader(new String(bytes, StandardCharsets.UTF_8)),
        CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
      List<Map<String, String>> out = new ArrayList<>();
      for (CSVRecord r : p) {
        if (r.size() != p.getHeaderNames().size()) {
          throw new IllegalStateException("row " + r.getRecordNumber() + " has " + r.size() + " fields");
        }
        out.add(r.toMap());
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> header(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.UTF_8);
    return List.of(text.substring(0, text.indexOf('\n')).split(","));
  }

  /** One return file as read. */
  record ParsedReturn(String file, String format, String providerId, String locationId, String returnType, LocalDate periodStart,
      LocalDate periodEnd, String submittedAtText, OffsetDateTime submittedAt, LinkedHashMap<String, String> values, int rows) {

    String key() {
      return locationId + "|" + returnType + "|" + periodStart;
    }
  }

  static ParsedReturn readReturn(String file, byte[] bytes) {
    if (file.endsWith(".xlsx")) {
      ReturnWorkbook.Contents c = ReturnWorkbook.read(SourceBytes.of(file, bytes));
      Map<String, String> h = c.header();
      LinkedHashMap<String, String> values = new LinkedHashMap<>();
      c.rows().forEach(r -> values.put(r.measureCode(), r.value()));
      return new ParsedReturn(file, "xlsx", h.get("provider_id"), h.get("location_id"), h.get("return_type"), LocalDate.parse(h.get("period_start")),
          LocalDate.parse(h.get("period_end")), h.get("submitted_at"), OffsetDateTime.parse(h.get("submitted_at")), values, c.rows().size());
    }
    List<Map<String, String>> rows = csv(bytes);
    Map<String, String> first = rows.get(0);
    LinkedHashMap<String, String> values = new LinkedHashMap<>();
    for (Map<String, String> r : rows) {
      for (String col : List.of("provider_id", "location_id", "return_type", "period_start", "period_end", "submitted_at")) {
        if (!r.get(col).equals(first.get(col))) {
          throw new IllegalStateException(file + ": " + col + " differs between rows");
        }
      }
      if (values.put(r.get("measure_code"), r.get("value")) != null) {
        throw new IllegalStateException(file + ": " + r.get("measure_code") + " twice");
      }
    }
    return new ParsedReturn(file, "csv", first.get("provider_id"), first.get("location_id"), first.get("return_type"),
        LocalDate.parse(first.get("period_start")), LocalDate.parse(first.get("period_end")), first.get("submitted_at"),
        OffsetDateTime.parse(first.get("submitted_at")), values, rows.size());
  }

  static List<ParsedReturn> returns(Map<String, byte[]> files) {
    List<ParsedReturn> out = new ArrayList<>();
    files.forEach((name, bytes) -> {
      if (name.startsWith("returns/")) {
        out.add(readReturn(name, bytes));
      }
    });
    return out;
  }
}
