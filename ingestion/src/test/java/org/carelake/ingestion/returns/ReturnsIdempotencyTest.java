package org.carelake.ingestion.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.carelake.ingestion.IngestionTestSupport.count;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.FileOutcome;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Re-sends (data contract, common rules): the same bytes land once, whatever the file is called; a corrected return for
 * the same provider, location and period lands beside the first. Each test uses its own location so they share a catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReturnsIdempotencyTest {

  private SparkSession spark;
  private MeasureCatalogue catalogue;
  private ReturnsIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    catalogue = ReturnsTestData.catalogue();
    ingestor = new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock());
  }

  private static ReturnWorkbook.Header monthly(String location, int month) {
    LocalDate start = LocalDate.of(2025, month, 1);
    return new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, location, "monthly", start, start.plusMonths(1).minusDays(1));
  }

  /** A small long-CSV return: the first few home support measures. */
  private Map<String, String> someValues(int n) {
    List<Measure> measures = catalogue.applicable("monthly", "home_support").subList(0, n);
    return ReturnsTestData.valuesFor(measures);
  }

  private long rowsFor(String location) {
    return count(spark, "SELECT count(*) FROM raw.return_measure WHERE location_id = '" + location + "'");
  }

  @Test
  void sameBytesLandOnceWhateverTheFileIsCalled() throws Exception {
    String loc = "1-20000000001";
    Path f = ReturnsTestData.write(tmp.resolve("once/return_aug.csv"),
        ReturnsTestData.longCsv(monthly(loc, 8), "2025-09-05T10:00:00+01:00", someValues(4), Map.of()));

    IngestReport first = ingestor.ingest(f, Optional.empty());
    assertThat(first.landed()).isEqualTo(4);
    assertThat(first.alreadyLanded()).isZero();
    Map<String, Long> after = ReturnsTestData.counts(spark);

    IngestReport again = ingestor.ingest(f, Optional.empty());
    assertThat(again.alreadyLanded()).isEqualTo(1);
    assertThat(again.landed()).isZero();
    assertThat(again.read()).isZero();
    assertThat(again.quarantined()).isZero();
    assertThat(again.files()).singleElement().extracting(FileOutcome::alreadyLanded).isEqualTo(true);
    assertThat(again.summary()).contains("1 already landed");
    assertThat(ReturnsTestData.counts(spark)).isEqualTo(after);

    // the same bytes under another name, in another folder
    Path renamed = tmp.resolve("elsewhere/provider_upload_2025_08 (1).csv");
    Files.createDirectories(renamed.getParent());
    Files.copy(f, renamed);
    IngestReport copy = ingestor.ingest(renamed, Optional.of(Instant.parse("2025-09-30T00:00:00Z")));
    assertThat(copy.alreadyLanded()).isEqualTo(1);
    assertThat(copy.landed()).isZero();
    assertThat(ReturnsTestData.counts(spark)).isEqualTo(after);
    assertThat(rowsFor(loc)).isEqualTo(4);
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest WHERE _source_sha256 = '" + IngestionTestSupport.sha256(f) + "'"))
        .isEqualTo(1);
  }

  @Test
  void folderWithCsvAndXlsxLandsBothAndSkipsWhatHasLanded() {
    String loc = "1-20000000002";
    Path landedBefore = ReturnsTestData.write(tmp.resolve("sent/july.csv"),
        ReturnsTestData.longCsv(monthly(loc, 7), "2025-08-05T10:00:00+01:00", someValues(3), Map.of()));
    assertThat(ingestor.ingest(landedBefore, Optional.empty()).landed()).isEqualTo(3);

    Path folder = tmp.resolve("inbox");
    ReturnsTestData.write(folder.resolve("a_july_again.csv"), readAll(landedBefore));
    ReturnsTestData.write(folder.resolve("b_august.csv"),
        ReturnsTestData.longCsv(monthly(loc, 8), "2025-09-05T10:00:00+01:00", someValues(5), Map.of()));
    List<Measure> measures = catalogue.applicable("monthly", "home_support");
    byte[] september = ReturnsTestData.filledWorkbook(monthly(loc, 9), measures, ReturnsTestData.valuesFor(measures), "2025-10-06T09:00:00+01:00");
    Path xlsx = ReturnsTestData.write(folder.resolve("c_september.XLSX"), september);
    ReturnsTestData.write(folder.resolve("sub/c_september_copy.xlsx"), september); // same bytes twice in one run
    ReturnsTestData.write(folder.resolve("notes.txt"), "not a return");
    long before = rowsFor(loc);

    IngestReport report = ingestor.ingest(folder, Optional.empty());

    assertThat(report.files()).extracting(o -> Path.of(o.source()).getFileName().toString(), FileOutcome::alreadyLanded, FileOutcome::landed)
        .containsExactlyInAnyOrder(
            tuple("a_july_again.csv", true, 0L),
            tuple("b_august.csv", false, 5L),
            tuple("c_september.XLSX", false, (long) measures.size()),
            tuple("c_september_copy.xlsx", true, 0L));
    assertThat(report.alreadyLanded()).isEqualTo(2);
    assertThat(report.landed()).isEqualTo(5L + measures.size());
    assertThat(rowsFor(loc)).isEqualTo(before + 5 + measures.size());
    assertThat(rows(spark, "SELECT cast(period_start AS string), source_format, count(*) FROM raw.return_measure WHERE location_id = '" + loc
        + "' GROUP BY 1, 2 ORDER BY 1"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getLong(2))
        .containsExactly(tuple("2025-07-01", "csv", 3L), tuple("2025-08-01", "csv", 5L), tuple("2025-09-01", "xlsx", (long) measures.size()));
    assertThat(rows(spark, "SELECT layout, _source_file FROM raw.ingest_manifest WHERE _batch_id = '" + report.batchId() + "' ORDER BY layout"))
        .extracting(r -> r.getString(0), r -> Path.of(r.getString(1)).getFileName().toString())
        .containsExactly(tuple("returns_csv", "b_august.csv"), tuple("returns_xlsx", xlsx.getFileName().toString()));

    // the folder again: everything has landed
    Map<String, Long> after = ReturnsTestData.counts(spark);
    IngestReport again = ingestor.ingest(folder, Optional.empty());
    assertThat(again.alreadyLanded()).isEqualTo(4);
    assertThat(again.landed()).isZero();
    assertThat(ReturnsTestData.counts(spark)).isEqualTo(after);
  }

  @Test
  void correctedResubmissionLandsBesideTheFirst() {
    String loc = "1-20000000003";
    Map<String, String> original = someValues(4);
    Map<String, String> corrected = new LinkedHashMap<>(original);
    String changed = original.keySet().iterator().next();
    corrected.put(changed, "99");
    assertThat(corrected.get(changed)).isNotEqualTo(original.get(changed));
    Path v1 = ReturnsTestData.write(tmp.resolve("v1/return.csv"),
        ReturnsTestData.longCsv(monthly(loc, 8), "2025-09-05T10:00:00+01:00", original, Map.of()));
    Path v2 = ReturnsTestData.write(tmp.resolve("v2/return.csv"),
        ReturnsTestData.longCsv(monthly(loc, 8), "2025-09-12T15:30:00+01:00", corrected, Map.of(changed, "corrected figure")));

    IngestReport first = ingestor.ingest(v1, Optional.empty());
    IngestReport second = ingestor.ingest(v2, Optional.empty());

    assertThat(first.landed()).isEqualTo(4);
    assertThat(second.landed()).isEqualTo(4);
    assertThat(second.alreadyLanded()).isZero();
    assertThat(second.quarantined()).isZero();
    assertThat(rowsFor(loc)).isEqualTo(8);
    assertThat(rows(spark, "SELECT submitted_at, value, comment, _source_sha256 FROM raw.return_measure WHERE location_id = '" + loc
        + "' AND measure_code = '" + changed + "' ORDER BY submitted_at"))
        .extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3))
        .containsExactly(
            tuple(Instant.parse("2025-09-05T09:00:00Z"), original.get(changed), null, IngestionTestSupport.sha256(v1)),
            tuple(Instant.parse("2025-09-12T14:30:00Z"), "99", "corrected figure", IngestionTestSupport.sha256(v2)));
    // every measure has both versions, one per submission time
    assertThat(rows(spark, "SELECT measure_code, count(DISTINCT submitted_at) FROM raw.return_measure WHERE location_id = '" + loc
        + "' GROUP BY measure_code"))
        .hasSize(4)
        .allSatisfy(r -> assertThat(r.getLong(1)).isEqualTo(2L));
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
