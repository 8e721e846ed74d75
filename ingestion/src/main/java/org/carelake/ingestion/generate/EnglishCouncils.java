package org.carelake.ingestion.generate;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/** England's upper-tier councils with their region, from the ONS lookups in {@code seeds/ref}. */
public final class EnglishCouncils {

  private EnglishCouncils() {}

  public static List<NationalDataGenerator.Council> load(Path seedsDir) {
    Map<String, String> regionOfDistrict = new HashMap<>();
    for (CSVRecord r : read(seedsDir.resolve("ref/ons_lad23_region.csv"))) {
      regionOfDistrict.put(r.get("LAD23CD"), r.get("RGN23NM"));
    }
    record Acc(String name, List<String> districts) {}
    TreeMap<String, Acc> byCode = new TreeMap<>();
    for (CSVRecord r : read(seedsDir.resolve("ref/ons_ltla23_utla23.csv"))) {
      String code = r.get("UTLA23CD");
      if (!code.startsWith("E")) {
        continue;
      }
      byCode.computeIfAbsent(code, c -> new Acc(r.get("UTLA23NM"), new ArrayList<>())).districts().add(r.get("LTLA23CD"));
    }
    List<NationalDataGenerator.Council> out = new ArrayList<>();
    byCode.forEach((code, acc) -> {
      String region = acc.districts().stream().map(regionOfDistrict::get).filter(java.util.Objects::nonNull).findFirst()
          .orElseThrow(() -> new IllegalStateException("no region for council " + code + " " + acc.name() + " in ons_lad23_region.csv"));
      out.add(new NationalDataGenerator.Council(code, acc.name(), region, acc.districts().size()));
    });
    if (out.isEmpty()) {
      throw new IllegalStateException("no English councils in " + seedsDir.resolve("ref/ons_ltla23_utla23.csv"));
    }
    return out;
  }

  private static List<CSVRecord> read(Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      // the ONS files start with a byte order mark
      in.mark(1);
      if (in.read() != '\uFEFF') {
        in.reset();
      }
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(in).getRecords();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
