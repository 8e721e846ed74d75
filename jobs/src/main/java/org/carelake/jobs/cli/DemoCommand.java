package org.carelake.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.cqc.CqcApiSettings;
import org.carelake.ingestion.cqc.CqcIngestor;
import org.carelake.ingestion.contracts.ContractRegisterIngestor;
import org.carelake.ingestion.council.ContractActionIngestor;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.council.VisitIngestor;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.jobs.service.BenchmarkHeadline;
import org.carelake.jobs.service.CouncilHeadline;
import org.carelake.jobs.service.Dashboards;
import org.carelake.jobs.service.DemoUsers;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.PseudonymisationKeys;
import org.carelake.jobs.service.SqlEndpoint;
import org.carelake.jobs.service.WarehouseBuild;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"For a new user: load the real CQC samples bundled in seeds/samples (Oldham API responses, the",
        "Shropshire/Telford latest-ratings file, the national wide sample), generate a year of council data for the",
        "real Oldham locations (contracts, provider returns with 1 in 10 given a data-quality fault, visits, the",
        "safeguarding log pseudonymised under a key made in the data home if none is set, contract actions), build the marts,",
        "print the benchmark and KPI tables, then serve SQL, the REST API and the provider portal (with two demo users) and",
        "start Superset with the dashboards, until stopped."})
public class DemoCommand implements Callable<Integer>, CommandLineRunnerAdapter.KeepsRunning {

  static final List<String> SAMPLES = List.of(
      "samples/cqc/api_oldham_2025",
      "samples/cqc/cqc_latest_ratings_locations_shropshire_telford_2025.csv",
      "samples/cqc/cqc_asc_locations_extract_sample_2025.csv");

  private final Lakehouse lakehouse;
  private final WarehouseBuild build;
  private final BenchmarkHeadline headline;
  private final SqlEndpoint endpoint;
  private final Environment env;
  private final CouncilHeadline councilHeadline;
  private final PseudonymisationKeys keys;
  private final Dashboards dashboards;
  private final DemoUsers demoUsers;

  @Option(names = "--no-serve", description = "stop after printing the table")
  boolean noServe;

  @Option(names = "--no-dashboards", description = "serve SQL, the API and the portal, but do not install or start Superset")
  boolean noDashboards;

  public DemoCommand(Lakehouse lakehouse, WarehouseBuild build, BenchmarkHeadline headline, SqlEndpoint endpoint, Environment env,
      CouncilHeadline councilHeadline, PseudonymisationKeys keys, Dashboards dashboards, DemoUsers demoUsers) {
    this.dashboards = dashboards;
    this.demoUsers = demoUsers;
    this.councilHeadline = councilHeadline;
    this.keys = keys;
    this.lakehouse = lakehouse;
    this.build = build;
    this.headline = headline;
    this.endpoint = endpoint;
    this.env = env;
  }

  @Override
  public Integer call() {
    Path seeds = lakehouse.properties().getSeedsDir();
    System.out.println("carelake demo: data home " + lakehouse.home());
    CqcIngestor ingestor = new CqcIngestor(new Lander(lakehouse.spark()), CqcApiSettings.defaults(null), Clock.systemUTC());
    for (String sample : SAMPLES) {
      Path p = seeds.resolve(sample);
      if (!Files.exists(p)) {
        throw new IllegalStateException("demo sample missing: " + p.toAbsolutePath());
      }
      IngestReport r = ingestor.ingest(p.toString(), Optional.empty());
      System.out.println("ingest " + sample + "\n  " + r.summary());
    }
    WarehouseBuild.Outcome cqcBuild = build.build();
    if (!cqcBuild.passed()) {
      BuildCommand.print(cqcBuild);
      return 3;
    }
    // a council's own data for the real Oldham locations: contracts, a year of returns (1 in 10 with a fault), visits,
    // the safeguarding log and contract actions
    Path council = lakehouse.home().resolve("demo-council");
    System.out.println();
    GenerateCommand generate = new GenerateCommand(lakehouse);
    generate.la = "Oldham";
    generate.months = 12;
    generate.seed = 42;
    generate.faultRate = 0.1;
    generate.out = council;
    int generated = generate.call();
    if (generated != 0) {
      return generated;
    }
    Lander lander = new Lander(lakehouse.spark());
    System.out.println("ingest contracts\n  " + new ContractRegisterIngestor(lander, Clock.systemUTC()).ingest(council.resolve("contracts.csv")).summary());
    IngestReport returns = new ReturnsIngestor(lander, MeasureCatalogue.load(seeds), Clock.systemUTC())
        .ingest(council.resolve("returns"), Optional.empty());
    System.out.println("ingest returns\n  " + returns.summary());
    System.out.println("ingest visits\n  " + new VisitIngestor(lander, Clock.systemUTC()).ingest(council.resolve("visits.csv")).summary());
    keys.createKeyFileIfAbsent().ifPresent(f -> System.out.println("pseudonymisation key created: " + f + " (owner-only; keep it outside the warehouse)"));
    System.out.println("ingest safeguarding\n  "
        + new SafeguardingIngestor(lander, keys.require(), Clock.systemUTC()).ingest(council.resolve("safeguarding.csv")).summary());
    System.out.println("ingest contract-actions\n  "
        + new ContractActionIngestor(lander, Clock.systemUTC()).ingest(council.resolve("contract_actions.csv")).summary());
    WarehouseBuild.Outcome outcome = build.build();
    System.out.println();
    BuildCommand.print(outcome);
    System.out.println();
    System.out.print(headline.render(40));
    System.out.println();
    System.out.print(councilHeadline.render());
    System.out.flush();
    if (!outcome.passed()) {
      return 3;
    }
    if (!noServe) {
      String url = endpoint.start();
      demoUsers.create().ifPresent(System.out::print);
      if (!noDashboards) {
        System.out.println();
        System.out.println("Superset: installing (first time only), importing the dashboards and starting it...");
        System.out.flush();
        int d = dashboards.up();
        if (d != 0) {
          System.out.println("Superset did not start (exit " + d + "); SQL, the API and the portal are still served. See the output above.");
        }
      }
      ServeCommand.printConnect(url, env);
    }
    return 0;
  }

  @Override
  public boolean keepsRunning() {
    return !noServe;
  }
}
