package org.carelake.ingestion.cqc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.carelake.ingestion.IngestionTestSupport.count;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Sources that cannot be read at all, rows that cannot be landed, and API folders with holes in them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CqcBadInputTest {

  private SparkSession spark;
  private CqcIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    ingestor = new CqcIngestor(new Lander(spark), CqcApiSettings.defaults(null), IngestionTestSupport.fixedClock());
  }

  // ---- (a) whole sources rejected ----

  private Path write(String name, byte[] bytes) throws IOException {
    Path p = tmp.resolve(name);
    Files.write(p, bytes);
    return p;
  }

  private Path write(String name, String text) throws IOException {
    return write(name, text.getBytes(StandardCharsets.UTF_8));
  }

  private Path unknownLayoutCsv() throws IOException {
    return write("directory.csv", "Name,Postcode,Rating\nOak House,OL1 1AA,Good\n");
  }

  private Path emptyCsv() throws IOException {
    return write("empty.csv", new byte[0]);
  }

  /** A long-layout header, then a Latin-1 encoded row ("Café" with a single 0xE9 byte). */
  private Path latin1Csv() throws IOException {
    return write("latin1.csv", "location_id,location_name,domain,latest_rating\n1-1,Caf\u00e9 Care,Overall,Good\n"
        .getBytes(StandardCharsets.ISO_8859_1));
  }

  private Path folderWithoutListing() throws IOException {
    Path dir = tmp.resolve("not_an_api_folder");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("readme.txt"), "nothing here");
    return dir;
  }

  @Test
  void csvInNoKnownLayoutIsRejectedNamingTheExpectedLayouts() throws IOException {
    Path f = unknownLayoutCsv();
    assertThatThrownBy(() -> ingestor.ingest(f.toString(), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining(f.getFileName().toString())
        .hasMessageContaining("no known CQC layout")
        // the four layouts of DATA-CONTRACTS.md section 1, in words a user recognises
        .hasMessageContaining("locations.json")
        .hasMessageContaining("https://api.service.cqc.org.uk/public/v1")
        .hasMessageContaining("Latest ratings")
        .hasMessageContaining("Location safe rating");
  }

  @Test
  void emptyFileIsRejected() throws IOException {
    Path f = emptyCsv();
    assertThatThrownBy(() -> ingestor.ingest(f.toString(), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining(f.getFileName().toString())
        .hasMessageContaining("empty file");
  }

  @Test
  void nonUtf8FileIsRejected() throws IOException {
    Path f = latin1Csv();
    assertThatThrownBy(() -> ingestor.ingest(f.toString(), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining(f.getFileName().toString())
        .hasMessageContaining("not UTF-8");
  }

  @Test
  void folderThatIsNoApiFolderIsRejected() throws IOException {
    Path d = folderWithoutListing();
    assertThatThrownBy(() -> ingestor.ingest(d.toString(), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("no known CQC layout")
        .hasMessageContaining("locations.json");
  }

  @Test
  void missingPathIsRejected() {
    Path p = tmp.resolve("no_such_file.csv");
    assertThatThrownBy(() -> ingestor.ingest(p.toString(), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("no such file");
  }

  @Test
  void rejectedSourcesLandNothing() throws IOException {
    List<Path> bad = List.of(unknownLayoutCsv(), emptyCsv(), latin1Csv(), folderWithoutListing());
    Map<String, Long> before = IngestionTestSupport.rawRowCounts(spark);
    for (Path p : bad) {
      assertThatThrownBy(() -> ingestor.ingest(p.toString(), Optional.empty())).isInstanceOf(UnreadableSourceException.class);
    }
    assertThat(IngestionTestSupport.rawRowCounts(spark)).isEqualTo(before);
    for (Path p : bad.subList(0, 3)) {
      assertThat(count(spark, "SELECT count(*) FROM raw.quarantine WHERE _source_sha256 = '" + IngestionTestSupport.sha256(p) + "'"
          + " OR _source_file LIKE '%" + p.getFileName() + "'")).isZero();
    }
  }

  // ---- (b) rows quarantined, the rest landed ----

  private static final String BROKEN_LAST_LINE = "1-106,\"Zeta House,Overall,Good,03/09/2025";

  @Test
  void unreadableRowsOfALongFileAreQuarantinedAndTheRestLand() throws IOException {
    String csv = String.join("\n",
        "location_id,location_name,domain,latest_rating,publication_date",
        "1-101,Alpha House,Overall,Good,01/09/2025",                       // row 1: lands
        ",Beta House,Overall,Good,02/09/2025",                             // row 2: empty location id
        "1-103,Gamma House,Overall,Good",                                  // row 3: 4 fields, header has 5
        "1-104,\"Delta House, Annex\",Safe,Requires improvement,03/09/2025", // row 4: lands (quoted comma)
        "1-105,Epsilon House,,Good,01/09/2025",                            // row 5: empty domain
        BROKEN_LAST_LINE,                                                  // row 6: quote never closed
        "");
    Path f = write("latest_ratings_small.csv", csv);
    String sha = IngestionTestSupport.sha256(f);

    IngestReport report = ingestor.ingest(f.toString(), Optional.empty());

    assertThat(report.layout()).isEqualTo("cqc_ratings_long");
    assertThat(report.read()).isEqualTo(6);
    assertThat(report.landed()).isEqualTo(2);
    assertThat(report.quarantined()).isEqualTo(4);
    assertThat(report.landed() + report.quarantined()).isEqualTo(report.read());

    assertThat(rows(spark, "SELECT _source_row, location_id, location_name, domain, header_style, snapshot_date, _batch_id"
        + " FROM raw.cqc_ratings_long WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row"))
        .extracting(r -> r.getLong(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4),
            r -> r.getDate(5).toLocalDate(), r -> r.getString(6))
        .containsExactly(
            tuple(1L, "1-101", "Alpha House", "Overall", "snake_case", LocalDate.of(2025, 9, 3), report.batchId()),
            tuple(4L, "1-104", "Delta House, Annex", "Safe", "snake_case", LocalDate.of(2025, 9, 3), report.batchId()));

    List<Row> q = rows(spark, "SELECT _source_row, rule, reason, record, layout, source, _source_file, _batch_id"
        + " FROM raw.quarantine WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row");
    assertThat(q).extracting(r -> r.getLong(0), r -> r.getString(1))
        .containsExactly(tuple(2L, "missing_key"), tuple(3L, "wrong_field_count"), tuple(5L, "missing_key"), tuple(6L, "malformed_csv"));
    assertThat(q.get(0).getString(2)).contains("Location ID");
    assertThat(q.get(1).getString(2)).contains("4 fields").contains("5");
    assertThat(q.get(2).getString(2)).contains("Domain");
    assertThat(q.get(3).getString(2)).isNotBlank();
    assertThat(q.get(3).getString(3)).as("the unparsed line is kept").isEqualTo(BROKEN_LAST_LINE);
    assertThat(q.get(1).getString(3)).contains("Gamma House");
    assertThat(q).allSatisfy(r -> {
      assertThat(r.getString(4)).isEqualTo("cqc_ratings_long");
      assertThat(r.getString(5)).isEqualTo("cqc");
      assertThat(r.getString(6)).isEqualTo(f.toAbsolutePath().normalize().toString());
      assertThat(r.getString(7)).isEqualTo(report.batchId());
    });

    List<Row> m = rows(spark, "SELECT rows_read, rows_landed, rows_quarantined, layout, snapshot_date FROM raw.ingest_manifest"
        + " WHERE _source_sha256 = '" + sha + "'");
    assertThat(m).extracting(r -> r.getLong(0), r -> r.getLong(1), r -> r.getLong(2), r -> r.getString(3), r -> r.getDate(4))
        .containsExactly(tuple(6L, 2L, 4L, "cqc_ratings_long", Date.valueOf(LocalDate.of(2025, 9, 3))));
  }

  // ---- (c) API folder with holes ----

  @Test
  void apiFolderWithMissingAndInvalidDocuments() throws IOException {
    Path folder = tmp.resolve("api_small");
    Path details = Files.createDirectories(folder.resolve("location_details"));
    Files.writeString(folder.resolve("locations.json"), """
        {"total": 3, "page": 1, "totalPages": 1, "perPage": 1000, "nextPageUri": null,
         "locations": [
           {"locationId": "1-111", "locationName": "Fine House", "postalCode": "OL1 1AA"},
           {"locationId": "1-222", "locationName": "Missing House", "postalCode": "OL1 1AB"},
           {"locationId": "1-333", "locationName": "Broken House", "postalCode": "OL1 1AC"}
         ]}
        """);
    String fine = """
        {"locationId": "1-111", "providerId": "1-P1", "registrationStatus": "Registered",
         "inspectionDirectorate": "Adult social care", "registrationDate": "2019-04-01"}
        """;
    String broken = "{\"locationId\": \"1-333\", \"providerId\": \"1-P3\", \"registrationStatus\": ";
    Files.writeString(details.resolve("location_1-111.json"), fine);
    Files.writeString(details.resolve("location_1-333.json"), broken);

    IngestReport first = ingestor.ingest(folder.toString(), Optional.empty());

    assertThat(first.layout()).isEqualTo("cqc_api_folder");
    assertThat(first.landed()).isEqualTo(1);
    assertThat(first.quarantined()).isEqualTo(2);
    assertThat(first.read()).isEqualTo(3);

    assertThat(rows(spark, "SELECT location_id, provider_id, registration_status, document, snapshot_date FROM raw.cqc_api_location"
        + " WHERE _batch_id = '" + first.batchId() + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getDate(4).toLocalDate())
        .containsExactly(tuple("1-111", "1-P1", "Registered", fine, LocalDate.of(2019, 4, 1)));

    List<Row> q = rows(spark, "SELECT rule, document, reason, record, _source_file, _source_sha256, _source_row, layout"
        + " FROM raw.quarantine WHERE _batch_id = '" + first.batchId() + "' ORDER BY rule");
    assertThat(q).extracting(r -> r.getString(0)).containsExactly("missing_document", "unreadable_json");
    Row missing = q.get(0);
    assertThat(missing.getString(1)).isEqualTo("1-222");
    assertThat(missing.getString(2)).contains("1-222");
    assertThat(missing.getString(4)).endsWith("locations.json");
    assertThat(missing.getString(5)).isEqualTo(IngestionTestSupport.sha256(folder.resolve("locations.json")));
    Row unreadable = q.get(1);
    assertThat(unreadable.getString(2)).contains("not valid JSON");
    assertThat(unreadable.getString(3)).isEqualTo(broken);
    assertThat(unreadable.getString(4)).endsWith("location_1-333.json");
    assertThat(unreadable.getString(5)).isEqualTo(IngestionTestSupport.sha256(broken.getBytes(StandardCharsets.UTF_8)));
    assertThat(q).allSatisfy(r -> {
      assertThat(r.isNullAt(6)).isTrue();
      assertThat(r.getString(7)).isEqualTo("cqc_api_folder");
    });

    // every source of the run is in the manifest, and each balances
    assertThat(rows(spark, "SELECT layout, rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest"
        + " WHERE _batch_id = '" + first.batchId() + "'"))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getLong(2) + r.getLong(3)).isEqualTo(r.getLong(1)))
        .extracting(r -> r.getString(0)).containsExactlyInAnyOrder("cqc_api_folder", "cqc_api_folder", "cqc_api_index");

    // the same folder again: nothing new lands or is quarantined
    Map<String, Long> before = IngestionTestSupport.rawRowCounts(spark);
    IngestReport second = ingestor.ingest(folder.toString(), Optional.empty());
    assertThat(second.landed()).isZero();
    assertThat(second.quarantined()).isZero();
    assertThat(second.alreadyLanded()).isEqualTo(3);
    assertThat(IngestionTestSupport.rawRowCounts(spark)).isEqualTo(before);
    assertThat(count(spark, "SELECT count(*) FROM raw.quarantine WHERE _batch_id = '" + second.batchId() + "'")).isZero();
  }
}
