package org.carelake.jobs.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.cqc.CqcApiSettings;
import org.carelake.ingestion.cqc.CqcIngestor;
import org.carelake.jobs.config.CqcApiProperties;
import org.carelake.jobs.service.Lakehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Land a source into the raw zone.",
    subcommands = {IngestCommand.Cqc.class})
public class IngestCommand implements Runnable {

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }

  @Command(name = "cqc", mixinStandardHelpOptions = true,
      description = {"Land CQC ratings and registrations. The layout is detected:",
          "  a folder of saved API responses (locations.json + location_details/location_<id>.json),",
          "  the live API (an http(s) base URL, filters as its query string, e.g. ...?localAuthority=Oldham),",
          "  the Latest ratings long file (original or snake_case headers), or the wide adult social care export."})
  public static class Cqc implements Callable<Integer> {

    private final Lakehouse lakehouse;
    private final CqcApiProperties api;

    public Cqc(Lakehouse lakehouse, CqcApiProperties api) {
      this.lakehouse = lakehouse;
      this.api = api;
    }

    @Parameters(index = "0", paramLabel = "PATH|URL", description = "file, folder or API URL")
    String source;

    @Option(names = "--as-of", paramLabel = "DATE",
        description = "snapshot date the data describes (YYYY-MM-DD); default: the latest date the data mentions, else today")
    LocalDate asOf;

    @Option(names = "--api-key", paramLabel = "KEY", description = "CQC API subscription key (default: CQC_SUBSCRIPTION_KEY)")
    String apiKey;

    @Override
    public Integer call() {
      String key = apiKey != null ? apiKey : api.getSubscriptionKey();
      CqcApiSettings settings = new CqcApiSettings(key, api.getPerPage(), api.getMaxAttempts(), Duration.ofSeconds(api.getMaxRetryWaitSeconds()));
      // detect the layout before starting Spark, so a wrong file fails fast and lands nothing
      org.carelake.ingestion.cqc.CqcLayoutDetector.detect(source);
      CqcIngestor ingestor = new CqcIngestor(new Lander(lakehouse.spark()), settings, Clock.systemUTC());
      IngestReport report = ingestor.ingest(source, Optional.ofNullable(asOf));
      System.out.println("ingest cqc " + source);
      System.out.println("  " + report.summary());
      return 0;
    }
  }
}
