package org.carelake.ingestion.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A big folder is gated on the executors: the same folder must land exactly as the driver path lands it (rows,
 * quarantine with rule and row, manifest), with a re-sent copy under another name landing once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributedReturnsTest {

  private SparkSession spark;
  private MeasureCatalogue catalogue;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    catalogue = ReturnsTestData.catalogue();
  }

  /** Three returns: a clean one, one with an unknown measure and a bad date row, and a copy of the first under another name. */
  private Path folder(String name, String location) {
    Path dir = tmp.resolve(name);
    List<Measure> measures = catalogue.applicable("monthly", "home_support").subList(0, 5);
    Map<String, String> values = ReturnsTestData.valuesFor(measures);
    ReturnWorkbook.Header aug = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, location, "monthly", LocalDate.of(2025, 8, 1),
        LocalDate.of(2025, 8, 31));
    ReturnWorkbook.Header sep = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, location, "monthly", LocalDate.of(2025, 9, 1),
        LocalDate.of(2025, 9, 30));
    String clean = ReturnsTestData.longCsv(aug, "2025-09-05T10:00:00+01:00", values, Map.of());
    ReturnsTestData.write(dir.resolve("a_aug.csv"), clean);
    String faulty = ReturnsTestData.longCsv(sep, "2025-10-05T10:00:00+01:00", values, Map.of())
        + ReturnsTestData.PROVIDER + "," + location + ",monthly,2025-09-01,2025-09-30,2025-10-05T10:00:00+01:00,NOT_A_MEASURE,1,\n"
        + ReturnsTestData.PROVIDER + "," + location + ",monthly,2025-09-01,2025-09-3x,2025-10-05T10:00:00+01:00," + measures.get(0).code() + ",1,\n";
    ReturnsTestData.write(dir.resolve("b_sep.csv"), faulty);
    ReturnsTestData.write(dir.resolve("c_aug_copy.csv"), clean);
    return dir;
  }

  private List<String> landed(String location) {
    return rows(spark, "SELECT concat_ws('|', return_type, period_start, measure_code, value, _source_row, regexp_extract(_source_file, '[^/]+$', 0))"
        + " FROM raw.return_measure WHERE location_id = '" + location + "' ORDER BY 1").stream().map(r -> r.getString(0)).toList();
  }

  private List<String> quarantined(String location) {
    return rows(spark, "SELECT concat_ws('|', rule, _source_row, regexp_extract(_source_file, '[^/]+$', 0)) FROM raw.quarantine"
        + " WHERE document = '" + location + "' ORDER BY 1").stream().map(r -> r.getString(0)).toList();
  }

  private List<String> manifest(String batch) {
    return rows(spark, "SELECT concat_ws('|', layout, regexp_extract(_source_file, '[^/]+$', 0), rows_read, rows_landed, rows_quarantined)"
        + " FROM raw.ingest_manifest WHERE _batch_id = '" + batch + "' ORDER BY 1").stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void landsExactlyWhatTheDriverPathLands() {
    String onDriver = "1-20000000101";
    String onExecutors = "1-20000000102";
    IngestReport driver = new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock(), Long.MAX_VALUE)
        .ingest(folder("driver", onDriver), Optional.empty());
    IngestReport executors = new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock(), 0)
        .ingest(folder("executors", onExecutors), Optional.empty());

    assertThat(executors.landed()).isEqualTo(driver.landed()).isEqualTo(10);
    assertThat(executors.quarantined()).isEqualTo(driver.quarantined()).isEqualTo(2);
    assertThat(executors.alreadyLanded()).isEqualTo(driver.alreadyLanded()).isEqualTo(1);
    assertThat(landed(onExecutors)).hasSize(10).isEqualTo(landed(onDriver));
    assertThat(quarantined(onExecutors)).containsExactly("invalid_date|7|b_sep.csv", "unknown_measure|6|b_sep.csv")
        .isEqualTo(quarantined(onDriver));
    assertThat(manifest(executors.batchId())).containsExactly("returns_csv|a_aug.csv|5|5|0", "returns_csv|b_sep.csv|7|5|2")
        .isEqualTo(manifest(driver.batchId()));
  }

  @Test
  void aFolderSentAgainLandsNothing() {
    String location = "1-20000000103";
    ReturnsIngestor ingestor = new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock(), 0);
    Path dir = folder("again", location);
    ingestor.ingest(dir, Optional.empty());
    List<String> before = landed(location);
    IngestReport again = ingestor.ingest(dir, Optional.empty());
    assertThat(again.landed()).isZero();
    assertThat(again.alreadyLanded()).isEqualTo(3);
    assertThat(landed(location)).isEqualTo(before);
    List<Row> manifestRows = rows(spark, "SELECT * FROM raw.ingest_manifest WHERE _batch_id = '" + again.batchId() + "'");
    assertThat(manifestRows).isEmpty();
  }
}
