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
import org.carelake.ingestion.council.ContractActionIngestor;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.council.VisitIngestor;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.PseudonymisationKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "ingest", mixinStandardHelpOptions = true, description = "Land a source into the raw zone.",
    subcommands = {IngestCommand.Cqc.class, IngestCommand.Contracts.class, IngestCommand.Returns.class, IngestCommand.Visits.class,
        IngestCommand.Safeguarding.class, IngestCommand.ContractActions.class})
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

  @Command(name = "contracts", mixinStandardHelpOptions = true,
      description = "Land the council's contract register (contracts.csv: contract_id, provider_id, location_id, service_type, ...).")
  public static class Contracts implements Callable<Integer> {

    private final Lakehouse lakehouse;

    public Contracts(Lakehouse lakehouse) {
      this.lakehouse = lakehouse;
    }

    @Parameters(index = "0", paramLabel = "FILE", description = "the contract register CSV")
    java.nio.file.Path file;

    @Override
    public Integer call() {
      IngestReport report = new org.carelake.ingestion.contracts.ContractRegisterIngestor(new Lander(lakehouse.spark()), Clock.systemUTC()).ingest(file);
      System.out.println("ingest contracts " + file);
      System.out.println("  " + report.summary());
      return 0;
    }
  }

  @Command(name = "returns", mixinStandardHelpOptions = true,
      description = {"Land provider monitoring returns: a long CSV or the council's XLSX workbook, or a folder of them.",
          "Each row is checked as it lands; rows that break a rule are quarantined with the reason."})
  public static class Returns implements Callable<Integer> {

    private final Lakehouse lakehouse;

    public Returns(Lakehouse lakehouse) {
      this.lakehouse = lakehouse;
    }

    @Parameters(index = "0", paramLabel = "FILE|FOLDER", description = "return file(s)")
    java.nio.file.Path path;

    @Option(names = "--submitted-at", paramLabel = "TIMESTAMP",
        description = "submission time for returns that do not carry one (ISO 8601, e.g. 2025-05-09T14:03:00+01:00); default now")
    java.time.OffsetDateTime submittedAt;

    @Override
    public Integer call() {
      var catalogue = org.carelake.ingestion.returns.MeasureCatalogue.load(lakehouse.properties().getSeedsDir());
      var ingestor = new org.carelake.ingestion.returns.ReturnsIngestor(new Lander(lakehouse.spark()), catalogue, Clock.systemUTC());
      IngestReport report = ingestor.ingest(path, Optional.ofNullable(submittedAt).map(java.time.OffsetDateTime::toInstant));
      print("ingest returns " + path, report);
      return 0;
    }
  }

  /** The summary every ingest prints: what was read, landed and quarantined, and which files had rows quarantined. */
  static void print(String title, IngestReport report) {
    System.out.println(title);
    System.out.println("  " + report.summary());
    report.files().stream().filter(f -> f.quarantined() > 0)
        .forEach(f -> System.out.println("  " + f.source() + ": " + f.quarantined() + " row(s) quarantined (see raw.quarantine)"));
  }

  @Command(name = "visits", mixinStandardHelpOptions = true,
      description = {"Land council officers' visit and audit records (visits.csv: visit_id, location_id, provider_id, visit_date,",
          "visit_type, announced, officer_id, the judgements, actions and spot-check counts, follow_up_due).",
          "Each row is checked as it lands; rows that break a rule are quarantined with the reason. A later file",
          "re-sending a visit_id supersedes the earlier row downstream."})
  public static class Visits implements Callable<Integer> {

    private final Lakehouse lakehouse;

    public Visits(Lakehouse lakehouse) {
      this.lakehouse = lakehouse;
    }

    @Parameters(index = "0", paramLabel = "FILE", description = "the visits CSV")
    java.nio.file.Path file;

    @Override
    public Integer call() {
      print("ingest visits " + file, new VisitIngestor(new Lander(lakehouse.spark()), Clock.systemUTC()).ingest(file));
      return 0;
    }
  }

  @Command(name = "safeguarding", mixinStandardHelpOptions = true,
      description = {"Land the council's safeguarding and concerns log (safeguarding.csv). person_ref is personal data: it is",
          "replaced as it is read by person_key, an HMAC-SHA256 under the council's key (CARELAKE_PSEUDONYMISATION_KEY,",
          "--carelake.pseudonymisation.key, or the key file <home>/pseudonymisation.key), and never stored, quarantined",
          "or printed. Without a key nothing is read (exit 2)."})
  public static class Safeguarding implements Callable<Integer> {

    private final Lakehouse lakehouse;
    private final PseudonymisationKeys keys;

    public Safeguarding(Lakehouse lakehouse, PseudonymisationKeys keys) {
      this.lakehouse = lakehouse;
      this.keys = keys;
    }

    @Parameters(index = "0", paramLabel = "FILE", description = "the safeguarding log CSV")
    java.nio.file.Path file;

    @Override
    public Integer call() {
      // the key first, before Spark starts: without one the file is not read at all
      Pseudonymiser pseudonymiser = keys.require();
      print("ingest safeguarding " + file, new SafeguardingIngestor(new Lander(lakehouse.spark()), pseudonymiser, Clock.systemUTC()).ingest(file));
      return 0;
    }
  }

  @Command(name = "contract-actions", mixinStandardHelpOptions = true,
      description = {"Land the council's contract actions (contract_actions.csv: action_id, provider_id, location_id (blank = the",
          "whole provider), action_type, start_date, end_date, reason). Rows that break a rule are quarantined with the reason."})
  public static class ContractActions implements Callable<Integer> {

    private final Lakehouse lakehouse;

    public ContractActions(Lakehouse lakehouse) {
      this.lakehouse = lakehouse;
    }

    @Parameters(index = "0", paramLabel = "FILE", description = "the contract actions CSV")
    java.nio.file.Path file;

    @Override
    public Integer call() {
      print("ingest contract-actions " + file, new ContractActionIngestor(new Lander(lakehouse.spark()), Clock.systemUTC()).ingest(file));
      return 0;
    }
  }
}
