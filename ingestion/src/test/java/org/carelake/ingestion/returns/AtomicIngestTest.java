package org.carelake.ingestion.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carelake.ingestion.IngestionTestSupport.count;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.LandingBatch;
import org.carelake.schema.FaultInjectingCatalog;
import org.carelake.schema.FaultInjectingCatalog.Fault;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.WarehouseTables;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Atomic failure (issue 8, property 2): an ingest whose commit fails before or after the catalog takes it, on any of
 * the tables it writes, leaves every raw table as it was; the rerun lands the file exactly once. A batch whose process
 * died between commits is removed by the next ingest. Faults are injected in the catalog, as Iceberg's tests do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AtomicIngestTest {

  private static final List<String> RAW = List.of(WarehouseTables.RAW_RETURN_MEASURE.table(), WarehouseTables.RAW_QUARANTINE.table(),
      WarehouseTables.RAW_INGEST_MANIFEST.table());

  private SparkSession spark;
  private MeasureCatalogue catalogue;
  private int locations;

  @TempDir
  static Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshFaultInjectingCatalog();
    catalogue = ReturnsTestData.catalogue();
    // some history first, so "as it was" is not simply "empty"
    ingest(List.of(returnFile("history")), false);
  }

  @AfterEach
  void clearFaults() {
    FaultInjectingCatalog.reset();
  }

  static Stream<Arguments> faults() {
    // every table on the driver's path; the executors' path differs only in how the data table is written
    Stream<Arguments> driver = RAW.stream().flatMap(table -> Stream.of(Fault.BEFORE_COMMIT, Fault.AFTER_COMMIT).map(f -> Arguments.of(table, f, false)));
    Stream<Arguments> executors = Stream.of(Fault.BEFORE_COMMIT, Fault.AFTER_COMMIT)
        .map(f -> Arguments.of(WarehouseTables.RAW_RETURN_MEASURE.table(), f, true));
    return Stream.concat(driver, executors);
  }

  @ParameterizedTest(name = "{1} on {0}, distributed={2}")
  @MethodSource("faults")
  void aFailedCommitLeavesEveryTableAsItWasAndTheRerunLandsOnce(String table, Fault fault, boolean distributed) {
    Path file = returnFile(table + "_" + fault + "_" + distributed);
    String sha = IngestionTestSupport.sha256(file);
    // the executors' path takes a folder: the file and a companion
    List<Path> files = distributed ? List.of(file, returnFile(table + "_" + fault + "_companion")) : List.of(file);
    Map<String, List<Object>> before = fingerprint();

    FaultInjectingCatalog.failNextCommit(table, fault);
    int injectedBefore = FaultInjectingCatalog.injected(table);
    boolean lastCommitLanded = table.equals(WarehouseTables.RAW_INGEST_MANIFEST.table()) && fault == Fault.AFTER_COMMIT;
    if (lastCommitLanded) {
      // the manifest is the last commit: it is in the history although the catalog did not confirm it, so the batch has landed
      ingest(files, distributed);
    } else {
      assertThatThrownBy(() -> ingest(files, distributed))
          .hasMessageContaining("the commit to " + table + " failed")
          .hasMessageContaining("injected fault");
      assertThat(fingerprint()).as("every raw table as it was").isEqualTo(before);
    }
    assertThat(FaultInjectingCatalog.injected(table)).as("the fault fired").isEqualTo(injectedBefore + 1);

    IngestReport rerun = ingest(files, distributed);
    assertThat(rerun.alreadyLanded()).isEqualTo(lastCommitLanded ? files.size() : 0);
    assertLandedOnce(sha);
    assertThat(new Lander(spark).recoverUnfinishedBatches()).as("nothing left half-landed").isEmpty();
  }

  @Test
  void aBatchWhoseProcessDiedIsRemovedAndItsFileLandsOnce() throws Exception {
    Path file = returnFile("died");
    String sha = IngestionTestSupport.sha256(file);
    Map<String, List<Object>> before = fingerprint();

    // a process lands the file's rows and quarantine, then is killed before its manifest commit
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Lander dying = new Lander(spark, Lander.processOwner(gone.pid()), IngestionTestSupport.fixedClock());
    LandingBatch batch = dying.begin(ReturnsIngestor.SOURCE, UUID.randomUUID().toString());
    Path copy = tmp.resolve("died-copy.csv");
    java.nio.file.Files.copy(file, copy);
    IngestReport seen = new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock()).ingest(copy, Optional.empty());
    List<Row> rows = spark.table(WarehouseTables.RAW_RETURN_MEASURE.table()).where("_batch_id = '" + seen.batchId() + "'").collectAsList();
    // undo the helper ingest: only the dying batch's copy of the rows may be in the table now
    spark.sql("DELETE FROM " + WarehouseTables.RAW_RETURN_MEASURE.table() + " WHERE _batch_id = '" + seen.batchId() + "'");
    spark.sql("DELETE FROM " + WarehouseTables.RAW_QUARANTINE.table() + " WHERE _batch_id = '" + seen.batchId() + "'");
    spark.sql("DELETE FROM " + WarehouseTables.RAW_INGEST_MANIFEST.table() + " WHERE _batch_id = '" + seen.batchId() + "'");
    assertThat(fingerprint()).isEqualTo(before);
    batch.append(WarehouseTables.RAW_RETURN_MEASURE, rows.stream().map(r -> withBatch(r, batch.batchId())).toList());
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE _source_sha256 = '" + sha + "'")).isEqualTo(rows.size());
    // (never closed: the process is gone)

    IngestReport rerun = ingest(List.of(file), false);
    assertThat(rerun.landed()).isEqualTo(rows.size());
    assertLandedOnce(sha);
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE _batch_id = '" + batch.batchId() + "'")).isZero();
  }

  @Test
  void aLiveProcessesOpenBatchIsLeftAlone() {
    Lander lander = new Lander(spark);
    LandingBatch open = lander.begin(ReturnsIngestor.SOURCE, UUID.randomUUID().toString());
    Path file = returnFile("open");
    IngestReport other = ingest(List.of(file), false);
    List<Row> rows = spark.table(WarehouseTables.RAW_RETURN_MEASURE.table()).where("_batch_id = '" + other.batchId() + "'").collectAsList();
    open.append(WarehouseTables.RAW_RETURN_MEASURE, rows.stream().map(r -> withBatch(r, open.batchId())).toList());

    assertThat(lander.recoverUnfinishedBatches()).extracting(Lander.UnfinishedBatch::batchId).doesNotContain(open.batchId());
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE _batch_id = '" + open.batchId() + "'")).isEqualTo(rows.size());

    open.close(); // not completed: its rows go
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE _batch_id = '" + open.batchId() + "'")).isZero();
    assertThat(lander.recoverUnfinishedBatches()).extracting(Lander.UnfinishedBatch::batchId).doesNotContain(open.batchId());
  }

  private static Row withBatch(Row r, String batchId) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < r.length(); i++) {
      values[i] = r.schema().fieldNames()[i].equals("_batch_id") ? batchId : r.get(i);
    }
    return org.apache.spark.sql.RowFactory.create(values);
  }

  /** The file's rows, its quarantined row and its manifest row are each in the tables once. */
  private void assertLandedOnce(String sha) {
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE _source_sha256 = '" + sha + "'")).isEqualTo(4);
    assertThat(count(spark, "SELECT count(*) FROM raw.quarantine WHERE _source_sha256 = '" + sha + "'")).isEqualTo(1);
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest WHERE _source_sha256 = '" + sha + "'")).isEqualTo(1);
    assertThat(count(spark, "SELECT rows_read - rows_landed - rows_quarantined FROM raw.ingest_manifest WHERE _source_sha256 = '" + sha + "'"))
        .isZero();
  }

  /** Row count and an order-free hash of each raw table's lineage columns. */
  private Map<String, List<Object>> fingerprint() {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (String t : RAW) {
      Row r = spark.sql("SELECT count(*), coalesce(sum(xxhash64(_batch_id, _source_sha256, _source_row)), 0) FROM " + t).first();
      out.put(t, List.of(r.getLong(0), r.get(1)));
    }
    return out;
  }

  /** A monthly return for a location of its own: four measures that land and one unknown measure that is quarantined. */
  private Path returnFile(String name) {
    String location = String.format("1-3%010d", ++locations);
    LocalDate start = LocalDate.of(2025, 8, 1);
    Map<String, String> values = new LinkedHashMap<>(ReturnsTestData.valuesFor(catalogue.applicable("monthly", "home_support").subList(0, 4)));
    values.put("NOT_A_MEASURE", "1");
    return ReturnsTestData.write(tmp.resolve(name + "/" + name + ".csv"), ReturnsTestData.longCsv(
        new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, location, "monthly", start, start.plusMonths(1).minusDays(1)),
        "2025-09-05T10:00:00+01:00", values, Map.of()));
  }

  /** Ingests files as one batch, on the driver or through the executors' path. */
  private IngestReport ingest(List<Path> files, boolean distributed) {
    long distributedFrom = distributed ? 1 : Long.MAX_VALUE;
    return new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock(), distributedFrom).ingest(files, Optional.empty());
  }
}
