package org.carelake.ingestion.badinput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.carelake.ingestion.IngestReport;
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
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;

/**
 * Each stream's real entry point, as the command line calls it, and the raw table it lands in. A CQC API document is
 * given as the only file of a saved-responses folder ({@code location_details/}), a listing as its {@code locations.json}.
 */
final class StreamEntryPoints {

  /** What the product is handed: the path to ingest, and the name its messages must carry. */
  record Presented(Path path, String name) {}

  private final Lander lander;
  private final MeasureCatalogue catalogue;
  private final Pseudonymiser pseudonymiser;
  private final Clock clock;

  StreamEntryPoints(Lander lander, MeasureCatalogue catalogue, Pseudonymiser pseudonymiser, Clock clock) {
    this.lander = lander;
    this.catalogue = catalogue;
    this.pseudonymiser = pseudonymiser;
    this.clock = clock;
  }

  static TableContract landingTable(String stream) {
    return switch (stream) {
      case "returns" -> WarehouseTables.RAW_RETURN_MEASURE;
      case "cqc_api_document", "cqc_api_listing" -> WarehouseTables.RAW_CQC_API_LOCATION;
      case "cqc_ratings_long" -> WarehouseTables.RAW_CQC_RATINGS_LONG;
      case "cqc_asc_wide" -> WarehouseTables.RAW_CQC_ASC_WIDE;
      case "visits" -> WarehouseTables.RAW_VISIT_RECORD;
      case "safeguarding" -> WarehouseTables.RAW_SAFEGUARDING_CONCERN;
      case "contracts" -> WarehouseTables.RAW_CONTRACT_REGISTER;
      case "contract_actions" -> WarehouseTables.RAW_CONTRACT_ACTION;
      default -> throw new IllegalArgumentException("no ingestion entry point for stream " + stream);
    };
  }

  /** The corpus file itself, or for the CQC API a folder of saved responses built around it under {@code work}. */
  static Presented present(BadInputCase c, Path corpus, Path work) {
    Path file = c.path(corpus);
    try {
      return switch (c.stream()) {
        case "cqc_api_document" -> {
          Path details = Files.createDirectories(work.resolve("api/location_details"));
          Files.copy(file, details.resolve(file.getFileName()));
          yield new Presented(work.resolve("api"), file.getFileName().toString());
        }
        case "cqc_api_listing" -> {
          Files.createDirectories(work.resolve("api/location_details"));
          Files.copy(file, work.resolve("api/locations.json"));
          yield new Presented(work.resolve("api"), "locations.json");
        }
        default -> new Presented(file, file.getFileName().toString());
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  IngestReport ingest(String stream, Path path) {
    return switch (stream) {
      case "returns" -> new ReturnsIngestor(lander, catalogue, clock).ingest(path, Optional.empty());
      case "cqc_api_document", "cqc_api_listing", "cqc_ratings_long", "cqc_asc_wide" ->
          new CqcIngestor(lander, CqcApiSettings.defaults(null), clock).ingest(path.toString(), Optional.empty());
      case "visits" -> new VisitIngestor(lander, clock).ingest(path);
      case "safeguarding" -> new SafeguardingIngestor(lander, pseudonymiser, clock).ingest(path);
      case "contracts" -> new ContractRegisterIngestor(lander, clock).ingest(path);
      case "contract_actions" -> new ContractActionIngestor(lander, clock).ingest(path);
      default -> throw new IllegalArgumentException("no ingestion entry point for stream " + stream);
    };
  }
}
