package org.carelake.ingestion.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carelake.ingestion.IngestionTestSupport.count;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.contracts.ContractRegisterIngestor;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generated contract register and returns land through the real ingestors with nothing quarantined. */
class GeneratedDataRoundTripTest {

  @TempDir
  Path tmp;

  @Test
  void generatedContractsAndReturnsLandWithoutQuarantine() throws IOException {
    List<GeneratedLocation> locations = GeneratorFixtures.locations(8);
    MeasureCatalogue catalogue = GeneratorFixtures.catalogue();
    Path out = tmp.resolve("council");
    GenerationSummary summary = CouncilDataGenerator.builder().council("Testshire").locations(locations).catalogue(catalogue).months(13)
        .seed(3).faultRate(0.0).asOf(GeneratorFixtures.AS_OF).build().generate(OutputSink.directory(out));
    assertThat(summary.xlsxSubmissions()).isPositive();
    assertThat(summary.missingSubmissions()).isZero();

    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Lander lander = new Lander(spark);
    IngestReport contracts = new ContractRegisterIngestor(lander, IngestionTestSupport.fixedClock()).ingest(out.resolve("contracts.csv"));
    assertThat(contracts.quarantined()).isZero();
    assertThat(contracts.landed()).isEqualTo(summary.contracts());

    IngestReport returns = new ReturnsIngestor(lander, catalogue, IngestionTestSupport.fixedClock()).ingest(out.resolve("returns"), Optional.empty());
    assertThat(returns.quarantined()).as(returns.summary()).isZero();
    assertThat(returns.files()).hasSize(summary.csvSubmissions() + summary.xlsxSubmissions());
    long csvRows;
    try (Stream<Path> files = Files.walk(out.resolve("returns"))) {
      csvRows = files.filter(p -> p.toString().endsWith(".csv")).mapToLong(p -> GeneratorFixtures.csv(readAll(p)).size()).sum();
    }
    long xlsxRows = count(spark, "SELECT count(*) FROM raw.return_measure WHERE source_format = 'xlsx'");
    assertThat(xlsxRows).isPositive();
    assertThat(returns.landed()).isEqualTo(csvRows + xlsxRows);
    assertThat(count(spark, "SELECT count(*) FROM raw.quarantine")).isZero();
    // one submission time per submission, taken from the files (a bulk back-load), none defaulted to the ingest clock
    assertThat(count(spark, "SELECT count(DISTINCT location_id, return_type, period_start) FROM raw.return_measure"))
        .isEqualTo(summary.csvSubmissions() + summary.xlsxSubmissions());
    assertThat(count(spark, "SELECT count(*) FROM (SELECT location_id, return_type, period_start FROM raw.return_measure "
        + "GROUP BY 1, 2, 3 HAVING count(DISTINCT submitted_at) > 1)")).isZero();
    assertThat(count(spark, "SELECT count(*) FROM raw.return_measure WHERE submitted_at >= timestamp'2025-10-14 00:00:00'")).isZero();
  }

  private static byte[] readAll(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
