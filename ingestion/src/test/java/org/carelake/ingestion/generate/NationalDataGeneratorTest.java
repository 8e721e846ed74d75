package org.carelake.ingestion.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.carelake.ingestion.IngestionTestSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The national data set: deterministic, one bulk file per council, type and period, ids unique across councils. */
class NationalDataGeneratorTest {

  @TempDir
  Path tmp;

  private static final List<NationalDataGenerator.Council> COUNCILS = List.of(
      new NationalDataGenerator.Council("E08000004", "Oldham", "North West", 1),
      new NationalDataGenerator.Council("E08000001", "Bolton", "North West", 1),
      new NationalDataGenerator.Council("E10000016", "Kent", "South East", 12));

  private NationalDataGenerator.NationalSummary generate(Path out, int threads) {
    return NationalDataGenerator.builder().councils(COUNCILS).services(60).months(3).seed(7).faultRate(0.1)
        .asOf(LocalDate.of(2025, 10, 1)).catalogue(GeneratorFixtures.catalogue()).threads(threads).build().generate(out);
  }

  private static Map<String, String> hashes(Path dir) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        out.put(dir.relativize(p).toString(), IngestionTestSupport.sha256(Files.readAllBytes(p)));
      }
    }
    return out;
  }

  private static List<CSVRecord> csv(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file)) {
      return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r).getRecords();
    }
  }

  @Test
  void theSameSettingsGiveTheSameBytesWhateverTheThreads() throws IOException {
    NationalDataGenerator.NationalSummary one = generate(tmp.resolve("one"), 1);
    generate(tmp.resolve("two"), 3);
    assertThat(hashes(tmp.resolve("two"))).isEqualTo(hashes(tmp.resolve("one")));
    assertThat(one.services()).isEqualTo(60);
    assertThat(one.councils()).isEqualTo(3);
    assertThat(one.cqcSnapshots()).isEqualTo(3);
    assertThat(one.cqcRows()).isEqualTo(180);
  }

  @Test
  void returnsAreOneBulkFilePerCouncilTypeAndPeriodHoldingOnlyThatCouncilsServices() throws IOException {
    Path out = tmp.resolve("layout");
    NationalDataGenerator.NationalSummary s = generate(out, 2);
    Map<String, String> councilOfLocation = new TreeMap<>();
    Map<String, Integer> servicesPerCouncil = new TreeMap<>();
    for (CSVRecord r : csv(out.resolve("cqc/asc_locations_2025-09-01.csv"))) {
      String council = COUNCILS.stream().filter(c -> c.name().equals(r.get("Location Local Authority"))).findFirst().orElseThrow().code();
      councilOfLocation.put(r.get("Location ID"), council);
      servicesPerCouncil.merge(council, 1, Integer::sum);
    }
    assertThat(councilOfLocation).hasSize(60);
    // Kent (twelve districts) gets more services than a metropolitan borough
    assertThat(servicesPerCouncil.get("E10000016")).isGreaterThan(servicesPerCouncil.get("E08000004"));
    long rows = 0;
    List<Path> files;
    try (Stream<Path> w = Files.walk(out.resolve("returns"))) {
      files = w.filter(Files::isRegularFile).toList();
    }
    assertThat(files).hasSize(s.returnFiles());
    for (Path f : files) {
      String name = f.getFileName().toString();
      assertThat(name).matches("E\\d{8}_(monthly|quarterly|annual)_\\d{4}-\\d{2}-\\d{2}\\.csv");
      String council = name.substring(0, 9);
      for (CSVRecord r : csv(f)) {
        assertThat(councilOfLocation.get(r.get("location_id"))).as(name).isEqualTo(council);
        assertThat(name).contains("_" + r.get("return_type") + "_" + r.get("period_start"));
        rows++;
      }
    }
    assertThat(rows).isEqualTo(s.measureRows()).isPositive();
  }

  @Test
  void combinedCouncilFilesKeepIdsUnique() throws IOException {
    Path out = tmp.resolve("combined");
    NationalDataGenerator.NationalSummary s = generate(out, 2);
    for (String[] f : new String[][] {{"contracts.csv", "contract_id"}, {"visits.csv", "visit_id"}, {"safeguarding.csv", "concern_id"},
        {"contract_actions.csv", "action_id"}}) {
      List<CSVRecord> records = csv(out.resolve(f[0]));
      Set<String> ids = new HashSet<>();
      records.forEach(r -> ids.add(r.get(f[1])));
      assertThat(ids).as(f[0]).hasSize(records.size());
      assertThat(ids).as(f[0]).allMatch(id -> id.matches("E\\d{8}-.+"));
    }
    assertThat(csv(out.resolve("visits.csv"))).hasSize((int) s.visits());
    assertThat(csv(out.resolve("truth.csv"))).hasSize((int) s.faultySubmissions());
  }
}
