package org.carelake.jobs.service.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.contracts.ContractRegisterIngestor;
import org.carelake.ingestion.council.ContractActionIngestor;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.council.VisitIngestor;
import org.carelake.ingestion.cqc.CqcApiSettings;
import org.carelake.ingestion.cqc.CqcIngestor;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnsIngestor;
import org.carelake.jobs.config.SqlEndpointProperties;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.PseudonymisationKeys;
import org.carelake.jobs.service.SqlEndpoint;
import org.carelake.jobs.service.WarehouseBuild;
import org.carelake.schema.WarehouseTables;
import org.carelake.transforms.ModelRunner;
import org.springframework.stereotype.Service;

/**
 * The national-scale benchmark: lands a generated data set in a fresh home, builds, adds the newest month and
 * refreshes, and queries the marts as the dashboards do, each step against a reference measured in the same run on
 * the same data. The caller must give it the home before anything starts the SparkSession.
 */
@Service
public class NationalBenchmark {

  /** The long return CSV as plain Spark reads it for the reference: the same columns, typed as the raw table types them. */
  static final StructType RETURN_CSV = new StructType().add("provider_id", DataTypes.StringType).add("location_id", DataTypes.StringType)
      .add("return_type", DataTypes.StringType).add("period_start", DataTypes.DateType).add("period_end", DataTypes.DateType)
      .add("submitted_at", DataTypes.TimestampType).add("measure_code", DataTypes.StringType).add("value", DataTypes.StringType)
      .add("comment", DataTypes.StringType);

  private final Lakehouse lakehouse;
  private final WarehouseBuild build;
  private final SqlEndpoint endpoint;
  private final SqlEndpointProperties endpointProperties;
  private final PseudonymisationKeys keys;
  private final List<PeerRebuild> peers;

  public NationalBenchmark(Lakehouse lakehouse, WarehouseBuild build, SqlEndpoint endpoint, SqlEndpointProperties endpointProperties,
      PseudonymisationKeys keys, org.springframework.beans.factory.ObjectProvider<PeerRebuild> peers) {
    this.lakehouse = lakehouse;
    this.build = build;
    this.endpoint = endpoint;
    this.endpointProperties = endpointProperties;
    this.keys = keys;
    this.peers = peers.orderedStream().toList();
  }

  /** A full rebuild of the same models by another engine over the same Parquet (DuckDB). */
  public interface PeerRebuild {
    String name();

    /** Runs every model; the result says which it could not run. */
    PeerResult rebuild(SparkSession spark, Path workDir);
  }

  /**
   * @param seconds the peer's time for the models it built itself
   * @param builtSeconds each model the peer built, with its time (a model it could not build is in {@code failed})
   */
  public record PeerResult(String engine, double seconds, int modelsRun, int modelsTotal, List<String> failed, String detail,
      Map<String, Double> builtSeconds) {
    public PeerResult {
      builtSeconds = Map.copyOf(builtSeconds);
    }
  }

  private static final String MODEL_FIGURE = "wrote_s:";

  /** One measured step. ratio and goal are text as printed; met is null where there is no goal. */
  public record Step(String name, double seconds, String reference, double referenceSeconds, String ratio, String goal, Boolean met,
      PeakMemory.Peak memory, String detail) {}

  public record Report(List<Step> steps, List<String> notes) {}

  /**
   * Runs the phases the ledger has not recorded, and reports every step, those kept from earlier sittings included.
   * A phase stopped part-way is run again whole: landing and builds are atomic per batch and per build, so what it
   * left behind is either published whole or not at all.
   */
  public Report run(BenchmarkData data, BenchProgress ledger, String commit, int sqlPort, int queryRepeats, Consumer<String> progress,
      Consumer<Step> done) throws Exception {
    Path bundle = bundle(); // before anything runs: a missing bundle must not cost a whole run
    SparkSession spark = lakehouse.spark();
    Path work = lakehouse.home().resolve("bench-work");
    deleteTree(work);
    Files.createDirectories(work);
    Lander lander = new Lander(spark);
    MeasureCatalogue catalogue = MeasureCatalogue.load(lakehouse.properties().getSeedsDir());
    Phases phases = new Phases(ledger, commit, progress, done);

    phases.run("ingest-returns", p -> {
      List<String> paths = data.historyReturns().stream().map(f -> f.toAbsolutePath().toString()).toList();
      progress.accept("reading the return files once so both sides start with them in the page cache");
      long lines = spark.read().text(paths.toArray(String[]::new)).count();
      long csvRows = lines - paths.size();

      progress.accept("reference: plain Spark reads the same " + paths.size() + " CSV files and writes Parquet");
      PeakMemory.reset();
      double ref = time(() -> spark.read().schema(RETURN_CSV).option("header", "true").option("mode", "PERMISSIVE").csv(paths.toArray(String[]::new))
          .write().option("compression", "zstd").parquet(work.resolve("reference-parquet").toString()));
      PeakMemory.Peak refMemory = PeakMemory.read();
      deleteTree(work.resolve("reference-parquet"));

      progress.accept("carelake: ingest returns (parse, gate, land with lineage, quarantine, manifest)");
      PeakMemory.reset();
      IngestReport[] returns = new IngestReport[1];
      double ingest = time(() -> returns[0] = new ReturnsIngestor(lander, catalogue, Clock.systemUTC()).ingest(data.historyReturns(), Optional.empty()));
      p.step(new Step("1. ingest returns", ingest, "plain Spark CSV → Parquet (zstd)", ref, ratio(ref / ingest), "≥ 0.75×", ref / ingest >= 0.75,
          PeakMemory.read(), String.format(Locale.ROOT, "%,d files, %,d rows: %,d landed, %,d quarantined (%,.0f rows/s; reference %,.0f rows/s, peak RSS %s)",
              paths.size(), csvRows, returns[0].landed(), returns[0].quarantined(), csvRows / ingest, csvRows / ref, mb(refMemory.rssBytes()))));
    });

    phases.run("ingest-others", p -> {
      progress.accept("carelake: the other sources (" + data.historyCqc().size() + " CQC exports, contracts, visits, safeguarding, actions)");
      PeakMemory.reset();
      double others = time(() -> {
        CqcIngestor cqc = new CqcIngestor(lander, new CqcApiSettings(null, 1000, 1, Duration.ofSeconds(1)), Clock.systemUTC());
        for (Path f : data.historyCqc()) {
          cqc.ingest(f.toString(), Optional.of(BenchmarkData.snapshotDate(f)));
        }
        new ContractRegisterIngestor(lander, Clock.systemUTC()).ingest(data.contracts());
        new VisitIngestor(lander, Clock.systemUTC()).ingest(data.visits());
        keys.createKeyFileIfAbsent();
        new SafeguardingIngestor(lander, keys.require(), Clock.systemUTC()).ingest(data.safeguarding());
        new ContractActionIngestor(lander, Clock.systemUTC()).ingest(data.contractActions());
      });
      p.step(new Step("   ingest other sources", others, "—", 0, "—", "—", null, PeakMemory.read(),
          String.format(Locale.ROOT, "%,d rows in raw.cqc_asc_wide, %,d visits, %,d concerns", spark.table("raw.cqc_asc_wide").count(),
              spark.table("raw.visit_record").count(), spark.table("raw.safeguarding_concern").count())));
    });

    phases.run("full-build", p -> {
      progress.accept("carelake: full build of every model");
      PeakMemory.reset();
      WarehouseBuild.Outcome[] full = new WarehouseBuild.Outcome[1];
      double fullBuild = time(() -> full[0] = build.buildFull());
      PeakMemory.Peak fullMemory = PeakMemory.read();
      double fullModels = modelSeconds(full[0]);
      if (!full[0].passed()) {
        p.note("the full build broke a contract: " + full[0].models().stream().filter(m -> !m.passed()).map(ModelRunner.ModelResult::table).toList());
      }
      p.note("full build, slowest models: " + slowest(full[0]));
      p.step(new Step("   full build (models, contracts, Deequ checks, run history)", fullBuild, "—", 0, "—", "—", null, fullMemory,
          String.format(Locale.ROOT, "model query and write %.1f s of it; contracts checked on every model", fullModels)));
      p.figure("full_build_s", fullBuild);
      p.figure("full_models_s", fullModels);
      p.figure("full_models", full[0].models().size());
      p.figure("full_rss", fullMemory.rssBytes());
      p.figure("full_heap", fullMemory.heapBytes());
      // each model's query and write time, for the peer's ratio over the models it can build
      full[0].models().forEach(m -> p.figure(MODEL_FIGURE + m.table(), m.wrote().toMillis() / 1000.0));
    });

    phases.run("peer", p -> {
      double fullModels = ledger.figure("full-build", "full_models_s");
      int modelCount = (int) ledger.figure("full-build", "full_models");
      PeakMemory.Peak fullMemory = new PeakMemory.Peak((long) ledger.figure("full-build", "full_rss"), (long) ledger.figure("full-build", "full_heap"));
      for (PeerRebuild peer : peers) {
        progress.accept("reference: " + peer.name() + " runs the same model SQL over the same Parquet");
        PeakMemory.reset();
        PeerResult r;
        try {
          r = peer.rebuild(spark, work);
        } catch (RuntimeException e) {
          // the peer's failure is a result to print, not a reason to lose the other steps
          p.step(new Step("2. full rebuild (models)", fullModels, peer.name(), 0, "—", "≤ 2× " + peer.name(), null, fullMemory,
              peer.name() + " failed: " + e.getMessage()));
          continue;
        }
        PeakMemory.Peak peerMemory = PeakMemory.read();
        boolean complete = r.failed().isEmpty();
        String engine = r.engine() + ", same SQL, same Parquet";
        double sparkSeconds = fullModels;
        String sparkTimes = "";
        if (!complete) {
          // the ratio is taken over the models the peer built itself, each against Spark's time for the same model
          SparkModelTimes times = sparkModelTimes(spark, ledger.figures("full-build"));
          sparkSeconds = r.builtSeconds().keySet().stream().mapToDouble(t -> times.seconds().getOrDefault(t, Double.NaN)).sum();
          engine = String.format(Locale.ROOT, "%s, same SQL, same Parquet, the %d of %d models it built", r.engine(), r.modelsRun(), r.modelsTotal());
          sparkTimes = String.format(Locale.ROOT, "; Spark's %.1f s for the same models is %s, of %.1f s for all %d", sparkSeconds, times.source(), fullModels, modelCount);
        }
        double ratio = sparkSeconds / r.seconds();
        p.step(new Step("2. full rebuild (models)", sparkSeconds, engine, r.seconds(), ratio(ratio), "≤ 2× " + r.engine(), r.modelsRun() == 0 || Double.isNaN(ratio) ? null : ratio <= 2,
            fullMemory, String.format(Locale.ROOT, "%d models; %s ran %d of %d%s%s; %s peak RSS %s%s", modelCount, r.engine(), r.modelsRun(), r.modelsTotal(),
                complete ? "" : " (could not run: " + String.join(", ", r.failed()) + ")", sparkTimes, r.engine(), mb(peerMemory.rssBytes()),
                r.detail() == null ? "" : "; " + r.detail())));
      }
    });

    phases.run("queries", p -> {
      progress.accept("dashboard queries over JDBC");
      endpointProperties.setPort(sqlPort);
      String url = endpoint.start().replace("/default", "/marts");
      List<DashboardQueries.Query> queries = DashboardQueries.fromBundle(bundle);
      PeakMemory.reset();
      DashboardQueries.Timings q = DashboardQueries.run(url, queries, queryRepeats);
      p.step(new Step("4. dashboard queries (JDBC, p50 / p95)", q.p50(), "p95", q.p95(), String.format(Locale.ROOT, "p95 %.2f s", q.p95()),
          "p95 < 1 s", q.p95() < 1.0, PeakMemory.read(), String.format(Locale.ROOT, "%d queries × %d runs after a warm-up; max %.2f s; slowest %s (median %.2f s)",
              q.queries(), queryRepeats, q.max(), q.slowest(), q.slowestMedian())));
    });

    phases.run("new-month", p -> {
      progress.accept("carelake: a new month arrives (" + data.newMonthReturns().size() + " return files, the CQC export of "
          + BenchmarkData.snapshotDate(data.newMonthCqc()) + ")");
      PeakMemory.reset();
      IngestReport[] month = new IngestReport[1];
      double monthIngest = time(() -> {
        month[0] = new ReturnsIngestor(lander, catalogue, Clock.systemUTC()).ingest(data.newMonthReturns(), Optional.empty());
        new CqcIngestor(lander, new CqcApiSettings(null, 1000, 1, Duration.ofSeconds(1)), Clock.systemUTC())
            .ingest(data.newMonthCqc().toString(), Optional.of(BenchmarkData.snapshotDate(data.newMonthCqc())));
      });
      p.step(new Step("   ingest the new month", monthIngest, "—", 0, "—", "—", null, PeakMemory.read(),
          String.format(Locale.ROOT, "%,d return rows landed, and one CQC export", month[0].landed())));
    });

    phases.run("refresh", p -> {
      double fullBuild = ledger.figure("full-build", "full_build_s");
      progress.accept("carelake: refresh the marts after the new month");
      PeakMemory.reset();
      WarehouseBuild.Outcome[] refresh = new WarehouseBuild.Outcome[1];
      double refreshed = time(() -> refresh[0] = build.build());
      p.step(new Step("3. refresh after one new month", refreshed, "full build", fullBuild, percent(refreshed / fullBuild), "≤ 5% of full",
          refreshed / fullBuild <= 0.05, PeakMemory.read(), "slowest models: " + slowest(refresh[0])));
    });

    deleteTree(work);
    return new Report(ledger.phases().stream().flatMap(ph -> ph.steps().stream()).toList(),
        ledger.phases().stream().flatMap(ph -> ph.notes().stream()).toList());
  }

  /** Runs each phase the ledger lacks, and records it when it finishes; a finished one is shown again, not rerun. */
  private static final class Phases {
    private final BenchProgress ledger;
    private final String commit;
    private final Consumer<String> progress;
    private final Consumer<Step> done;

    Phases(BenchProgress ledger, String commit, Consumer<String> progress, Consumer<Step> done) {
      this.ledger = ledger;
      this.commit = commit;
      this.progress = progress;
      this.done = done;
    }

    interface Body {
      void run(Recorder r) throws Exception;
    }

    void run(String name, Body body) throws Exception {
      Optional<BenchProgress.Phase> kept = ledger.done(name);
      if (kept.isPresent()) {
        BenchProgress.Phase k = kept.get();
        progress.accept(String.format(Locale.ROOT, "%s: kept from %s (commit %s)", name, k.finished(), k.commit()));
        k.steps().forEach(done);
        return;
      }
      Recorder r = new Recorder(done);
      long t0 = System.nanoTime();
      body.run(r);
      ledger.finish(new BenchProgress.Phase(name, commit, (System.nanoTime() - t0) / 1e9, java.time.Instant.now().toString(), r.steps, r.figures,
          r.notes));
    }
  }

  /** What one phase measured; each step is printed as it completes, so a long run's figures are seen before it ends. */
  static final class Recorder {
    private final Consumer<Step> done;
    final List<Step> steps = new ArrayList<>();
    final java.util.Map<String, Double> figures = new java.util.LinkedHashMap<>();
    final List<String> notes = new ArrayList<>();

    Recorder(Consumer<Step> done) {
      this.done = done;
    }

    void step(Step s) {
      done.accept(s);
      steps.add(s);
    }

    void figure(String name, double value) {
      figures.put(name, value);
    }

    void note(String note) {
      notes.add(note);
    }
  }

  private static Path bundle() {
    String root = System.getenv("CARELAKE_ROOT");
    Path bundle = Path.of(root == null ? "." : root).resolve("dashboards/bundle");
    if (!Files.isDirectory(bundle)) {
      throw new IllegalStateException("dashboards/bundle not found under " + bundle.getParent().getParent()
          + " (run through the ./carelake launcher, which sets CARELAKE_ROOT)");
    }
    return bundle;
  }

  record SparkModelTimes(Map<String, Double> seconds, String source) {}

  /**
   * Spark's time for each model in the full build: the query and write time the full-build phase recorded, or, for a
   * ledger written before it recorded them, the full build's row in {@code ops.build_run} (the newest run that built
   * every model whole), whose time includes the contract checks.
   */
  static SparkModelTimes sparkModelTimes(SparkSession spark, Map<String, Double> fullBuildFigures) {
    Map<String, Double> wrote = new TreeMap<>();
    fullBuildFigures.forEach((k, v) -> {
      if (k.startsWith(MODEL_FIGURE)) {
        wrote.put(k.substring(MODEL_FIGURE.length()), v);
      }
    });
    if (!wrote.isEmpty()) {
      return new SparkModelTimes(wrote, "each model's query and write time in the full build");
    }
    String runs = WarehouseTables.OPS_BUILD_RUN.table();
    Map<String, Double> took = new TreeMap<>();
    for (Row row : spark.sql("SELECT table_name, duration_ms FROM " + runs + " WHERE run_id = (SELECT run_id FROM (SELECT r.run_id, max(r.run_started_at) AS started"
        + " FROM " + runs + " r GROUP BY r.run_id HAVING count_if(r.action <> 'built') = 0) ORDER BY started DESC LIMIT 1)").collectAsList()) {
      took.put(row.getString(0), row.getLong(1) / 1000.0);
    }
    return new SparkModelTimes(took, "from the full build's run history, contract checks included");
  }

  /** The models' query and write time, without contract checks: what the peer's CREATE TABLE AS does. */
  private static double modelSeconds(WarehouseBuild.Outcome o) {
    return o.models().stream().mapToLong(m -> m.wrote().toMillis()).sum() / 1000.0;
  }

  private static String slowest(WarehouseBuild.Outcome o) {
    double total = modelSeconds(o);
    return o.models().stream().sorted(Comparator.comparing(ModelRunner.ModelResult::took).reversed()).limit(6)
        .map(m -> String.format(Locale.ROOT, "%s %.1f s (%.0f%%)", m.table(), m.took().toMillis() / 1000.0, 100.0 * m.took().toMillis() / 1000.0 / total))
        .reduce((a, b) -> a + ", " + b).orElse("");
  }

  interface Action {
    void run() throws Exception;
  }

  static double time(Action a) throws Exception {
    long t0 = System.nanoTime();
    a.run();
    return (System.nanoTime() - t0) / 1e9;
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.2f×", r);
  }

  static String percent(double r) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * r);
  }

  static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir + ": " + e.getMessage(), e);
    }
  }
}
