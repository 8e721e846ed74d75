package org.carelake.ingestion.cqc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carelake.ingestion.IngestionTestSupport.count;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Lands the three real CQC samples (Oldham API folder, Shropshire/Telford long ratings sheet, wide ASC export) and
 * a copy of the long sheet with the original CQC headers, then lands all of them a second time. Every ingest runs
 * once, in {@link #ingestSamples}; the tests only read the tables.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CqcRealSamplesTest {

  private static final LocalDate AS_OF = LocalDate.of(2025, 10, 1);

  /** The CQC headers of the Latest ratings Locations sheet, in file order, up to Brand Name. */
  private static final List<String> ORIGINAL_HEADERS = List.of(
      "Location ID", "Location ODS Code", "Location Name", "Care Home?", "Location Type",
      "Location Primary Inspection Category", "Location Street Address", "Location Address Line 2", "Location City",
      "Location Post Code", "Location Local Authority", "Location Region", "Location NHS Region",
      "Location ONSPD CCG Code", "Location ONSPD CCG", "Location Commissioning CCG Code",
      "Location Commissioning CCG Name", "Service / Population Group", "Domain", "Latest Rating", "Publication Date",
      "Report Type", "Inherited Rating (Y/N)", "URL", "Provider ID", "Provider Name", "Brand ID", "Brand Name");

  private static final String TYPED_LONG_COLUMNS = String.join(", ",
      "location_id", "location_name", "care_home", "location_type", "location_primary_inspection_category",
      "location_local_authority", "location_region", "service_population_group", "domain", "latest_rating",
      "publication_date", "report_type", "inherited_rating_y_n", "provider_id", "provider_name", "brand_id",
      "brand_name");

  private SparkSession spark;
  private Path oldham;
  private Path longFile;
  private Path wideFile;
  private Path originalHeaderCopy;
  private IngestReport oldhamReport;
  private IngestReport longReport;
  private IngestReport wideReport;
  private IngestReport originalReport;
  private final List<IngestReport> secondRun = new ArrayList<>();
  private Map<String, Long> countsAfterFirstRun;
  private Map<String, Long> countsAfterSecondRun;

  @BeforeAll
  void ingestSamples(@TempDir Path tmp) throws IOException {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Path samples = IngestionTestSupport.cqcSamples();
    oldham = samples.resolve("api_oldham_2025");
    longFile = samples.resolve("cqc_latest_ratings_locations_shropshire_telford_2025.csv");
    wideFile = samples.resolve("cqc_asc_locations_extract_sample_2025.csv");
    originalHeaderCopy = withOriginalHeaders(longFile, tmp.resolve("latest_ratings_original_headers.csv"));

    CqcIngestor ingestor = new CqcIngestor(new Lander(spark), CqcApiSettings.defaults(null), IngestionTestSupport.fixedClock());
    oldhamReport = ingestor.ingest(oldham.toString(), Optional.empty());
    longReport = ingestor.ingest(longFile.toString(), Optional.empty());
    wideReport = ingestor.ingest(wideFile.toString(), Optional.empty());
    originalReport = ingestor.ingest(originalHeaderCopy.toString(), Optional.of(AS_OF));
    countsAfterFirstRun = IngestionTestSupport.rawRowCounts(spark);

    for (Path p : List.of(oldham, longFile, wideFile, originalHeaderCopy)) {
      secondRun.add(ingestor.ingest(p.toString(), Optional.empty()));
    }
    countsAfterSecondRun = IngestionTestSupport.rawRowCounts(spark);
  }

  /** The long sample with its janitor-cleaned header line replaced by the CQC originals (author columns kept). */
  private static Path withOriginalHeaders(Path source, Path target) throws IOException {
    String text = Files.readString(source, StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    List<String> snake = List.of(text.substring(0, nl).split(","));
    assertThat(snake.subList(0, ORIGINAL_HEADERS.size()))
        .as("the sample's snake_case headers are the clean_names() of the CQC originals")
        .containsExactlyElementsOf(ORIGINAL_HEADERS.stream().map(CsvText::snakeCase).toList());
    assertThat(snake.get(ORIGINAL_HEADERS.size())).isEqualTo("pc_norm");
    List<String> header = new ArrayList<>(ORIGINAL_HEADERS);
    header.addAll(snake.subList(ORIGINAL_HEADERS.size(), snake.size()));
    Files.writeString(target, String.join(",", header) + text.substring(nl), StandardCharsets.UTF_8);
    return target;
  }

  private String sha(Path file) {
    return IngestionTestSupport.sha256(file);
  }

  // ---- Oldham API folder ----

  @Test
  void oldhamFolderLandsEveryDocument() {
    assertThat(oldhamReport.layout()).isEqualTo("cqc_api_folder");
    assertThat(oldhamReport.landed()).isEqualTo(451);
    assertThat(oldhamReport.quarantined()).isZero();
    assertThat(oldhamReport.read()).isEqualTo(451);

    String t = "raw.cqc_api_location";
    assertThat(count(spark, "SELECT count(*) FROM " + t)).isEqualTo(451);
    assertThat(count(spark, "SELECT count(DISTINCT location_id) FROM " + t)).isEqualTo(451);
    assertThat(count(spark, "SELECT count(*) FROM " + t + " WHERE registration_status = 'Registered'")).isEqualTo(216);
    assertThat(count(spark, "SELECT count(*) FROM " + t + " WHERE registration_status = 'Registered'"
        + " AND get_json_object(document, '$.inspectionDirectorate') = 'Adult social care'")).isEqualTo(106);
    assertThat(count(spark, "SELECT count(*) FROM raw.quarantine")).isZero();
  }

  @Test
  void oldhamDocumentsLandAsReceivedWithLineage() throws IOException {
    String id = "1-10024040008";
    Path file = oldham.resolve("location_details/location_" + id + ".json");
    List<Row> r = rows(spark, "SELECT provider_id, document, _source_file, _source_sha256, _source_row, _ingested_at, _batch_id"
        + " FROM raw.cqc_api_location WHERE location_id = '" + id + "'");
    assertThat(r).hasSize(1);
    Row row = r.get(0);
    assertThat(row.getString(0)).isEqualTo("1-9408305833");
    assertThat(row.getString(1)).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    assertThat(row.getString(2)).isEqualTo(file.toAbsolutePath().normalize().toString());
    assertThat(row.getString(3)).isEqualTo(sha(file));
    assertThat(row.isNullAt(4)).as("a whole document has no _source_row").isTrue();
    assertThat(row.getTimestamp(5)).isEqualTo(Timestamp.from(IngestionTestSupport.NOW));
    assertThat(row.getString(6)).isEqualTo(oldhamReport.batchId());
  }

  @Test
  void oldhamSnapshotDefaultsToTheLatestDateTheDocumentsMention() {
    // the latest ISO date anywhere in the 451 documents is 2025-03-20 (checked independently of the code under test)
    assertThat(rows(spark, "SELECT DISTINCT snapshot_date FROM raw.cqc_api_location"))
        .extracting(r -> r.getDate(0).toLocalDate()).containsExactly(LocalDate.of(2025, 3, 20));
  }

  // ---- long ratings sheet ----

  @Test
  void longFileLandsEveryRow() {
    String where = " FROM raw.cqc_ratings_long WHERE _source_sha256 = '" + sha(longFile) + "'";
    assertThat(longReport.layout()).isEqualTo("cqc_ratings_long");
    assertThat(longReport.read()).isEqualTo(2800);
    assertThat(longReport.landed()).isEqualTo(2800);
    assertThat(longReport.quarantined()).isZero();
    assertThat(count(spark, "SELECT count(*)" + where)).isEqualTo(2800);
    assertThat(count(spark, "SELECT count(DISTINCT location_id)" + where + " AND location_type = 'Social Care Org'")).isEqualTo(249);
    assertThat(count(spark, "SELECT count(DISTINCT _source_row)" + where + " AND _source_row BETWEEN 1 AND 2800")).isEqualTo(2800);
    assertThat(rows(spark, "SELECT DISTINCT header_style" + where)).extracting(r -> r.getString(0)).containsExactly("snake_case");
    assertThat(rows(spark, "SELECT DISTINCT _batch_id, _ingested_at" + where))
        .extracting(r -> r.getString(0), r -> r.getTimestamp(1))
        .containsExactly(org.assertj.core.groups.Tuple.tuple(longReport.batchId(), Timestamp.from(IngestionTestSupport.NOW)));
    // the author's extra columns are kept by their header
    assertThat(count(spark, "SELECT count(*)" + where + " AND other_columns['imd_decile'] IS NOT NULL"
        + " AND other_columns['location_ods_code'] IS NOT NULL")).isEqualTo(2800);
  }

  @Test
  void longFileSnapshotDefaultsToLatestPublicationDate() {
    LocalDate expected = LocalDate.of(2025, 9, 22);
    assertThat(rows(spark, "SELECT DISTINCT snapshot_date FROM raw.cqc_ratings_long WHERE _source_sha256 = '" + sha(longFile) + "'"))
        .extracting(r -> r.getDate(0).toLocalDate()).containsExactly(expected);
    assertThat(manifest(longFile)).hasSize(1).first().satisfies(m -> {
      assertThat(m.getDate(m.fieldIndex("snapshot_date"))).isEqualTo(Date.valueOf(expected));
      assertThat(m.getString(m.fieldIndex("layout"))).isEqualTo("cqc_ratings_long");
      assertThat(m.getLong(m.fieldIndex("rows_read"))).isEqualTo(2800);
      assertThat(m.getLong(m.fieldIndex("rows_landed"))).isEqualTo(2800);
      assertThat(m.getLong(m.fieldIndex("rows_quarantined"))).isZero();
    });
  }

  @Test
  void asOfOverridesTheDataDate() {
    assertThat(rows(spark, "SELECT DISTINCT snapshot_date FROM raw.cqc_ratings_long WHERE _source_sha256 = '" + sha(originalHeaderCopy) + "'"))
        .extracting(r -> r.getDate(0).toLocalDate()).containsExactly(AS_OF);
    assertThat(manifest(originalHeaderCopy)).extracting(m -> m.getDate(m.fieldIndex("snapshot_date")))
        .containsExactly(Date.valueOf(AS_OF));
  }

  @Test
  void originalHeadersLandTheSameValuesAsSnakeCaseHeaders() {
    assertThat(originalReport.landed()).isEqualTo(2800);
    assertThat(originalReport.quarantined()).isZero();
    String cols = "SELECT " + TYPED_LONG_COLUMNS + ", other_columns['imd_decile'], %s FROM raw.cqc_ratings_long"
        + " WHERE _source_sha256 = '%s' ORDER BY _source_row";
    List<Row> snake = rows(spark, String.format(cols, "other_columns['location_ods_code']", sha(longFile)));
    List<Row> original = rows(spark, String.format(cols, "other_columns['Location ODS Code']", sha(originalHeaderCopy)));
    assertThat(snake).hasSize(2800);
    assertThat(original).hasSize(2800);
    assertThat(original.get(0).getString(0)).isNotBlank();
    assertThat(original.get(0).getString(8)).as("domain").isNotBlank();
    assertThat(original).containsExactlyElementsOf(snake);
    assertThat(rows(spark, "SELECT DISTINCT header_style FROM raw.cqc_ratings_long WHERE _source_sha256 = '" + sha(originalHeaderCopy) + "'"))
        .extracting(r -> r.getString(0)).containsExactly("original");
  }

  // ---- wide ASC export ----

  @Test
  void wideFileLandsEveryRow() {
    String where = " FROM raw.cqc_asc_wide WHERE _source_sha256 = '" + sha(wideFile) + "'";
    assertThat(wideReport.layout()).isEqualTo("cqc_asc_wide");
    assertThat(wideReport.landed()).isEqualTo(999);
    assertThat(wideReport.quarantined()).isZero();
    assertThat(count(spark, "SELECT count(*)" + where)).isEqualTo(999);
    assertThat(count(spark, "SELECT count(*) FROM raw.cqc_asc_wide")).isEqualTo(999);
    // values as read: the leading space of " AbilityAvenue Care" is kept, ratings keep both spellings
    assertThat(count(spark, "SELECT count(*)" + where + " AND location_name = ' AbilityAvenue Care'")).isEqualTo(1);
    assertThat(count(spark, "SELECT count(DISTINCT location_safe_rating)" + where
        + " AND location_safe_rating IN ('Requires improvement', 'Requires Improvement')")).isEqualTo(2);
    // snapshot: latest Location HSCA start date in the file
    assertThat(rows(spark, "SELECT DISTINCT snapshot_date" + where)).extracting(r -> r.getDate(0).toLocalDate())
        .containsExactly(LocalDate.of(2025, 8, 26));
  }

  // ---- idempotency ----

  @Test
  void secondIngestOfEverySampleLandsNothing() {
    assertThat(countsAfterFirstRun).containsEntry("raw.cqc_api_location", 451L)
        .containsEntry("raw.cqc_ratings_long", 5600L).containsEntry("raw.cqc_asc_wide", 999L);
    assertThat(countsAfterSecondRun).isEqualTo(countsAfterFirstRun);
    assertThat(secondRun).hasSize(4).allSatisfy(r -> {
      assertThat(r.files()).isNotEmpty();
      assertThat(r.alreadyLanded()).isEqualTo(r.files().size());
      assertThat(r.landed()).isZero();
      assertThat(r.quarantined()).isZero();
      assertThat(r.summary()).contains("already landed");
    });
    // 451 documents and the listing
    assertThat(secondRun.get(0).alreadyLanded()).isEqualTo(452);
  }

  @Test
  void manifestHasOneRowPerSourceAndBalances() {
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest")).isEqualTo(451 + 1 + 3);
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest WHERE rows_landed + rows_quarantined <> rows_read")).isZero();
    assertThat(count(spark, "SELECT count(*) FROM (SELECT source, _source_sha256 FROM raw.ingest_manifest"
        + " GROUP BY source, _source_sha256 HAVING count(*) > 1)")).isZero();
  }

  private List<Row> manifest(Path file) {
    return rows(spark, "SELECT * FROM raw.ingest_manifest WHERE _source_sha256 = '" + sha(file) + "'");
  }
}
