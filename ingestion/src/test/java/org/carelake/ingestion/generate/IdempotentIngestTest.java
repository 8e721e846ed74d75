package org.carelake.ingestion.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.contracts.ContractRegisterIngestor;
import org.carelake.ingestion.council.ContractActionIngestor;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.council.VisitIngestor;
import org.carelake.ingestion.cqc.CqcApiSettings;
import org.carelake.ingestion.cqc.CqcIngestor;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.WarehouseTables;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Idempotent ingestion (issue 8, property 1), for every stream the product lands: a source sent three times, and the
 * same bytes under another name in another folder, land once. Checked on the tables themselves (every raw table's row
 * count and lineage hash), not only on the reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdempotentIngestTest {

  private static final List<String> RAW = List.of(WarehouseTables.RAW_CQC_API_LOCATION.table(), WarehouseTables.RAW_CQC_RATINGS_LONG.table(),
      WarehouseTables.RAW_CQC_ASC_WIDE.table(), WarehouseTables.RAW_CONTRACT_REGISTER.table(), WarehouseTables.RAW_RETURN_MEASURE.table(),
      WarehouseTables.RAW_VISIT_RECORD.table(), WarehouseTables.RAW_SAFEGUARDING_CONCERN.table(), WarehouseTables.RAW_CONTRACT_ACTION.table(),
      WarehouseTables.RAW_QUARANTINE.table(), WarehouseTables.RAW_INGEST_MANIFEST.table());

  @TempDir
  static Path tmp;

  private static Path council;
  private SparkSession spark;
  private MeasureCatalogue catalogue;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    catalogue = GeneratorFixtures.catalogue();
    council = tmp.resolve("council");
    CouncilDataGenerator.builder().council("Testshire").locations(GeneratorFixtures.locations(4)).catalogue(catalogue).months(3)
        .seed(5).faultRate(0.2).asOf(GeneratorFixtures.AS_OF).build().generate(OutputSink.directory(council));
  }

  /** A stream: where its source is in the generated data (or the CQC samples), and how the product lands it. */
  record Stream_(String name, Function<Path, Path> source, Function<Path, IngestReport> ingest) {
    @Override
    public String toString() {
      return name;
    }
  }

  Stream<Arguments> streams() {
    Path cqc = IngestionTestSupport.cqcSamples();
    Lander lander = new Lander(TestLakehouse.spark());
    var clock = IngestionTestSupport.fixedClock();
    CqcIngestor cqcIngestor = new CqcIngestor(lander, CqcApiSettings.defaults(null), clock);
    ReturnsIngestor returns = new ReturnsIngestor(lander, GeneratorFixtures.catalogue(), clock);
    return Stream.of(
        new Stream_("contract register", dir -> dir.resolve("contracts.csv"), f -> new ContractRegisterIngestor(lander, clock).ingest(f)),
        new Stream_("monthly return, long CSV", dir -> first(dir.resolve("returns"), ".csv"), f -> returns.ingest(f, Optional.empty())),
        new Stream_("monthly return, XLSX workbook", dir -> first(dir.resolve("returns"), ".xlsx"), f -> returns.ingest(f, Optional.empty())),
        new Stream_("a folder of returns", dir -> dir.resolve("returns"), f -> returns.ingest(f, Optional.empty())),
        new Stream_("visits", dir -> dir.resolve("visits.csv"), f -> new VisitIngestor(lander, clock).ingest(f)),
        new Stream_("safeguarding log", dir -> dir.resolve("safeguarding.csv"),
            f -> new SafeguardingIngestor(lander, new Pseudonymiser("idempotency-test-key-0123456789"), clock).ingest(f)),
        new Stream_("contract actions", dir -> dir.resolve("contract_actions.csv"), f -> new ContractActionIngestor(lander, clock).ingest(f)),
        new Stream_("CQC ratings export", dir -> cqc.resolve("cqc_latest_ratings_locations_shropshire_telford_2025.csv"),
            f -> cqcIngestor.ingest(f.toString(), Optional.empty())),
        new Stream_("CQC ASC locations export", dir -> cqc.resolve("cqc_asc_locations_extract_sample_2025.csv"),
            f -> cqcIngestor.ingest(f.toString(), Optional.empty())),
        new Stream_("CQC API documents", dir -> cqc.resolve("api_oldham_2025"), f -> cqcIngestor.ingest(f.toString(), Optional.empty())))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("streams")
  void sentThreeTimesAndUnderAnotherNameItLandsOnce(Stream_ stream) {
    Path source = stream.source().apply(council);
    IngestReport first = stream.ingest().apply(source);
    assertThat(first.landed()).as("the first send lands rows: %s", first.summary()).isPositive();
    assertThat(first.landed() + first.quarantined()).as("landed + quarantined = read").isEqualTo(first.read());
    Map<String, List<Object>> landed = fingerprint();

    for (int send = 2; send <= 3; send++) {
      IngestReport again = stream.ingest().apply(source);
      assertThat(again.landed()).as("send %d", send).isZero();
      assertThat(again.quarantined()).as("send %d", send).isZero();
      assertThat(again.alreadyLanded()).as("send %d", send).isEqualTo(first.files().size());
      assertThat(fingerprint()).as("every raw table after send %d", send).isEqualTo(landed);
    }

    Path renamed = copyUnderAnotherName(source);
    IngestReport copy = stream.ingest().apply(renamed);
    assertThat(copy.landed()).isZero();
    assertThat(copy.alreadyLanded()).isEqualTo(first.files().size());
    assertThat(fingerprint()).as("every raw table after the same bytes under another name").isEqualTo(landed);
  }

  private static Path first(Path dir, String suffix) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(suffix)).sorted().findFirst()
          .orElseThrow(() -> new IllegalStateException("the generated data has no " + suffix + " return"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path copyUnderAnotherName(Path source) {
    Path target = tmp.resolve("resent-" + System.nanoTime()).resolve("copy of " + source.getFileName());
    try (Stream<Path> all = Files.walk(source)) {
      for (Path p : all.toList()) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(to);
        } else {
          Files.createDirectories(to.getParent());
          Files.copy(p, Files.isDirectory(source) ? to : target);
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
}
