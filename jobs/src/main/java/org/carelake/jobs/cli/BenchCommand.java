package org.carelake.jobs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.carelake.ingestion.generate.EnglishCouncils;
import org.carelake.ingestion.generate.NationalDataGenerator;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.bench.BenchProgress;
import org.carelake.jobs.service.bench.BenchmarkData;
import org.carelake.jobs.service.bench.NationalBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark at national scale and print every figure against a reference measured in the same run on the same data:",
        "1 ingest returns vs plain Spark CSV -> Parquet; 2 a full rebuild of the models vs DuckDB running the same SQL over the same",
        "Parquet; 3 refreshing the marts after one new month vs the full build; 4 the dashboards' queries over JDBC (p50/p95);",
        "and each step's peak memory. Writes the data set first if it is not there (generate --scale national), and runs in a",
        "fresh home of its own under <home>/bench/, so the warehouse in --home is not touched."})
public class BenchCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;
  private final NationalBenchmark benchmark;

  public BenchCommand(Lakehouse lakehouse, NationalBenchmark benchmark) {
    this.lakehouse = lakehouse;
    this.benchmark = benchmark;
  }

  @Option(names = "--quick", description = "a scaled-down run in a few minutes: 1,500 services and 12 months (unless --services/--months say)")
  boolean quick;

  @Option(names = "--data", paramLabel = "DIR", description = "a data set from 'generate --scale national' (default <home>/bench/data-<scale>)")
  Path data;

  @Option(names = "--services", paramLabel = "N", description = "services to generate when the data set is written (default 34000; quick 1500)")
  Integer services;

  @Option(names = "--months", paramLabel = "N", description = "months to generate when the data set is written (default 60; quick 12)")
  Integer months;

  @Option(names = "--repeats", defaultValue = "5", paramLabel = "N", description = "timed runs of each dashboard query (default ${DEFAULT-VALUE})")
  int repeats;

  @Option(names = "--sql-port", defaultValue = "10015", paramLabel = "PORT", description = "port of the bench's own SQL endpoint (default ${DEFAULT-VALUE})")
  int sqlPort;

  @Option(names = "--resume", description = {"carry on the last run in this home from its last finished phase, keeping the figures it has",
      "(a national run takes longer than one sitting); each phase keeps the commit it ran on"})
  boolean resume;

  @Option(names = "--record", paramLabel = "FILE", description = "append the run (machine, date, commit, command, figures) to FILE, e.g. BENCHMARKS.md")
  Path record;

  @Override
  public Integer call() throws Exception {
    String commit = Machine.commit(); // at the start: the tree may move on during a long run
    String scale = quick ? "quick" : "national";
    int n = services != null ? services : quick ? 1_500 : 34_000;
    int m = months != null ? months : quick ? 12 : 60;
    Path base = lakehouse.home().resolve("bench");
    Path dataDir = data != null ? data.toAbsolutePath().normalize() : base.resolve("data-" + scale);
    String generated = "";
    if (!Files.isDirectory(dataDir.resolve("returns"))) {
      System.out.printf(Locale.ROOT, "bench: writing the data set (%,d services, %d months) to %s%n", n, m, dataDir);
      long t0 = System.nanoTime();
      NationalDataGenerator.NationalSummary s = NationalDataGenerator.builder()
          .councils(EnglishCouncils.load(lakehouse.properties().getSeedsDir())).services(n).months(m)
          .catalogue(MeasureCatalogue.load(lakehouse.properties().getSeedsDir())).threads(Runtime.getRuntime().availableProcessors()).build()
          .generate(dataDir);
      generated = String.format(Locale.ROOT, " (written by this run in %.0f s)", (System.nanoTime() - t0) / 1e9);
      System.out.print(s.render());
    }
    BenchmarkData d = BenchmarkData.of(dataDir);
    Path home = base.resolve("home-" + scale);
    Path ledgerFile = home.resolve("bench-ledger.json");
    BenchProgress ledger = resume ? BenchProgress.resume(ledgerFile, dataDir).orElse(null) : null;
    if (ledger == null) {
      if (resume) {
        System.out.println("bench: no run to carry on in " + home + ": starting a new one");
      }
      deleteTree(home);
      ledger = BenchProgress.start(ledgerFile, dataDir);
    } else {
      System.out.println("bench: carrying on the run in " + home + " after " + ledger.phases().stream().map(BenchProgress.Phase::name).toList());
    }
    // the benchmark's own warehouse: set before anything starts the SparkSession
    lakehouse.properties().setHome(home);
    NationalBenchmark.Report report = benchmark.run(d, ledger, commit, sqlPort, repeats, p -> System.out.println("bench: " + p),
        s -> System.out.println("bench: done: " + row(s)));
    String text = render(report, ledger, d, generated);
    System.out.println();
    System.out.print(text);
    if (record != null) {
      Files.writeString(record, "\n" + text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      System.out.println("recorded in " + record);
    }
    return 0;
  }

  /** "National run" only for the national data set's size: a run at another size says which. */
  private String title() {
    if (quick) {
      return "Quick run";
    }
    boolean national = (services == null || services == 34_000) && (months == null || months == 60);
    return national ? "National run" : String.format(Locale.ROOT, "Run at %,d services and %d months",
        services != null ? services : 34_000, months != null ? months : 60);
  }

  private String render(NationalBenchmark.Report r, BenchProgress ledger, BenchmarkData d, String generated) {
    double seconds = ledger.phases().stream().mapToDouble(BenchProgress.Phase::seconds).sum();
    // one commit, or which phases ran on which when a run was carried on over several sittings
    java.util.Map<String, List<String>> byCommit = new java.util.LinkedHashMap<>();
    ledger.phases().forEach(p -> byCommit.computeIfAbsent(p.commit(), c -> new java.util.ArrayList<>()).add(p.name()));
    String commit = byCommit.size() == 1 ? byCommit.keySet().iterator().next()
        : byCommit.entrySet().stream().map(e -> e.getKey() + " (" + String.join(", ", e.getValue()) + ")").collect(java.util.stream.Collectors.joining("; "));
    String sittings = ledger.phases().stream().map(p -> p.finished().substring(0, 10)).distinct().collect(java.util.stream.Collectors.joining(", "));
    StringBuilder b = new StringBuilder();
    b.append("### ").append(title()).append(", ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE))
        .append("\n\n");
    b.append("- command: `./carelake bench").append(quick ? " --quick" : "").append(data != null ? " --data <dir>" : "")
        .append(services != null ? " --services " + services : "").append(months != null ? " --months " + months : "")
        .append(repeats != 5 ? " --repeats " + repeats : "").append(resume ? " --resume" : "").append("`\n");
    b.append("- commit: ").append(commit).append('\n');
    b.append("- phases finished on: ").append(sittings).append('\n');
    b.append("- machine: ").append(Machine.describe()).append('\n');
    b.append(String.format(Locale.ROOT, "- data: %s%s: %,d return files (%,.0f MB) of history + %,d files for the new month; %d CQC exports%n",
        d.dir().getFileName(), generated, d.historyReturns().size(), d.historyReturnBytes() / 1e6, d.newMonthReturns().size(),
        d.historyCqc().size() + 1));
    b.append(String.format(Locale.ROOT, "- phases took %.0f s in all; Spark local[%s], shuffle partitions %s%n%n", seconds,
        lakehouse.spark().sparkContext().defaultParallelism(), lakehouse.spark().conf().get("spark.sql.shuffle.partitions")));
    b.append("| step | carelake | reference | ratio | goal | met | peak RSS | peak heap | detail |\n|---|---|---|---|---|---|---|---|---|\n");
    for (NationalBenchmark.Step s : r.steps()) {
      b.append(row(s)).append('\n');
    }
    if (!r.notes().isEmpty()) {
      b.append('\n');
      r.notes().forEach(n -> b.append("- ").append(n).append('\n'));
    }
    return b.toString();
  }

  static String row(NationalBenchmark.Step s) {
    return String.format(Locale.ROOT, "| %s | %.1f s | %s | %s | %s | %s | %s | %s | %s |", s.name(), s.seconds(),
        s.referenceSeconds() > 0 ? s.reference() + ": " + String.format(Locale.ROOT, "%.1f s", s.referenceSeconds()) : s.reference(), s.ratio(),
        s.goal(), s.met() == null ? "—" : s.met() ? "yes" : "**no**", mb(s.memory().rssBytes()), mb(s.memory().heapBytes()), s.detail());
  }

  private static String mb(long bytes) {
    return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%,.0f MB", bytes / 1e6);
  }

  private static void deleteTree(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var s = Files.walk(dir)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  /** What the figures were measured on. */
  static final class Machine {
    private Machine() {}

    static String describe() {
      String cpu = first(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
      String mem = first(Path.of("/proc/meminfo"), "MemTotal").map(v -> String.format(Locale.ROOT, "%.0f GiB",
          Long.parseLong(v.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0)).orElse("?");
      return String.format(Locale.ROOT, "%d cores (%s), %s RAM, %s %s, Java %s, heap max %.1f GiB", Runtime.getRuntime().availableProcessors(), cpu,
          mem, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"),
          Runtime.getRuntime().maxMemory() / 1024.0 / 1024 / 1024);
    }

    static String commit() {
      String root = System.getenv("CARELAKE_ROOT");
      if (root == null) {
        return "unknown (not run through ./carelake)";
      }
      try {
        String head = run(root, "git", "rev-parse", "--short", "HEAD").trim();
        boolean dirty = !run(root, "git", "status", "--porcelain", "--untracked-files=no").isBlank();
        return head + (dirty ? " (with uncommitted changes)" : "");
      } catch (IOException | InterruptedException e) {
        return "unknown (" + e.getMessage() + ")";
      }
    }

    private static String run(String dir, String... cmd) throws IOException, InterruptedException {
      Process p = new ProcessBuilder(cmd).directory(Path.of(dir).toFile()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      return out;
    }

    private static java.util.Optional<String> first(Path file, String key) {
      try {
        List<String> lines = Files.readAllLines(file);
        return lines.stream().filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst();
      } catch (IOException | RuntimeException e) {
        return java.util.Optional.empty();
      }
    }
  }
}
