package org.carelake.jobs.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.generate.CouncilDataGenerator;
import org.carelake.ingestion.generate.EnglishCouncils;
import org.carelake.ingestion.generate.GeneratedLocation;
import org.carelake.ingestion.generate.GenerationSummary;
import org.carelake.ingestion.generate.NationalDataGenerator;
import org.carelake.ingestion.generate.OutputSink;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.jobs.service.Lakehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Write a realistic, deterministic council data set for the registered adult social care locations of one",
        "council found in the loaded CQC data (run 'ingest cqc' and 'build' first): contracts.csv, monthly, quarterly and",
        "annual provider returns under returns/ (long CSV, about 1 in 10 as the council's XLSX workbook), visits.csv,",
        "safeguarding.csv (synthetic person references), contract_actions.csv, and truth.csv listing every submission",
        "given a data-quality fault (--fault-rate). The same data, options and seed always give byte-identical files.",
        "Files the command owns in DIR (returns/ and the five CSVs) are replaced; nothing else there is touched."})
public class GenerateCommand implements Callable<Integer> {

  static final String LOCATIONS_SQL = """
      SELECT l.location_id, l.provider_id, l.location_name, l.is_care_home, l.care_home_beds, r.rating AS overall_rating,
        coalesce(l.la_name, l.la_name_cqc) AS council
      FROM core.dim_location l
      LEFT JOIN marts.mart_location_latest_rating r ON r.location_id = l.location_id AND r.key_question = 'Overall'
      WHERE l.is_current AND l.is_in_benchmark_population
        AND (lower(l.la_name) = lower(:la) OR lower(l.la_name_cqc) = lower(:la))
      ORDER BY l.location_id""";

  static final String AS_OF_SQL = """
      SELECT max(f.snapshot_date)
      FROM core.fct_rating_snapshot f
      JOIN core.dim_location l ON l.location_id = f.location_id AND l.is_current AND l.is_in_benchmark_population
      WHERE lower(l.la_name) = lower(:la) OR lower(l.la_name_cqc) = lower(:la)""";

  private final Lakehouse lakehouse;

  public GenerateCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Option(names = "--la", paramLabel = "NAME",
      description = "the council, as ONS or CQC names it (e.g. Oldham); matched case-insensitively (required unless --scale national)")
  String la;

  @Option(names = "--scale", defaultValue = "council", paramLabel = "council|national",
      description = {"council (default): one council's data set for its real CQC locations;",
          "national: synthetic services over every English council (--services), councils' returns as monthly bulk CSVs,",
          "and a CQC locations export per month under cqc/; needs no warehouse"})
  String scale = "council"; // also the default when the demo calls the command directly, without picocli

  @Option(names = "--services", defaultValue = "34000", paramLabel = "N",
      description = "national scale: services in all (default ${DEFAULT-VALUE}: with 60 months, over 100 million measure rows)")
  int services = 34_000;

  @Option(names = "--threads", defaultValue = "2", paramLabel = "N", description = "national scale: councils generated at once (default ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--months", paramLabel = "N", description = "full calendar months in the window (default 12; national 60)")
  Integer months;

  @Option(names = "--seed", defaultValue = "1", paramLabel = "S", description = "random seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output folder")
  Path out;

  @Option(names = "--fault-rate", paramLabel = "R",
      description = "probability that a submission carries one data-quality fault, 0 to 1 (default 0: all clean; national 0.05)")
  Double faultRate;

  @Option(names = "--as-of", paramLabel = "DATE",
      description = {"the day the data set is as of (YYYY-MM-DD); the window is the N full months before its month.",
          "Default: the latest CQC snapshot date loaded for the council's locations"})
  LocalDate asOf;

  @Override
  public Integer call() {
    boolean national = "national".equalsIgnoreCase(scale);
    if (!national && !"council".equalsIgnoreCase(scale)) {
      throw new IllegalArgumentException("--scale must be council or national: " + scale);
    }
    if (months == null) {
      months = national ? 60 : 12;
    }
    if (months < 1 || months > 120) {
      throw new IllegalArgumentException("--months must be between 1 and 120: " + months);
    }
    if (faultRate == null) {
      faultRate = national ? 0.05 : 0.0;
    }
    if (!(faultRate >= 0 && faultRate <= 1)) {
      throw new IllegalArgumentException("--fault-rate must be between 0 and 1: " + faultRate);
    }
    MeasureCatalogue catalogue = MeasureCatalogue.load(lakehouse.properties().getSeedsDir());
    if (national) {
      return national(catalogue);
    }
    if (la == null || la.isBlank()) {
      throw new IllegalArgumentException("--la is required (the council to generate for), unless --scale national");
    }
    SparkSession spark = lakehouse.spark();
    List<Row> rows;
    LocalDate snapshot;
    try {
      rows = spark.sql(LOCATIONS_SQL, Map.<String, Object>of("la", la.trim())).collectAsList();
      Row max = spark.sql(AS_OF_SQL, Map.<String, Object>of("la", la.trim())).first();
      snapshot = max.isNullAt(0) ? null : max.getDate(0).toLocalDate();
    } catch (Exception e) {
      if (e instanceof AnalysisException) {
        System.err.println("error: the warehouse has no CQC locations yet (" + firstLine(e.getMessage()) + ").");
        System.err.println("Load CQC data and build the warehouse first, e.g.:");
        System.err.println("  ./carelake ingest cqc seeds/samples/cqc/api_oldham_2025 && ./carelake build");
        return 2;
      }
      throw e;
    }
    if (rows.isEmpty()) {
      System.err.println("error: no registered adult social care locations found for council '" + la + "' in the loaded CQC data.");
      System.err.println("Check the name (as ONS or CQC writes it, e.g. 'Oldham'), or load that council's CQC data and build first:");
      System.err.println("  ./carelake ingest cqc <source> && ./carelake build");
      return 2;
    }
    LocalDate day = asOf != null ? asOf : snapshot;
    if (day == null) {
      System.err.println("error: no CQC rating snapshot for council '" + la + "' to take the as-of date from; pass --as-of YYYY-MM-DD");
      return 2;
    }
    // the council as the data names it (not as typed), so the output depends only on the data and the options
    String council = rows.stream().filter(r -> !r.isNullAt(6)).map(r -> r.getString(6)).sorted().findFirst().orElse(la.trim());
    List<GeneratedLocation> locations = new ArrayList<>();
    for (Row r : rows) {
      Integer beds = r.isNullAt(4) ? null : ((Number) r.get(4)).intValue();
      locations.add(new GeneratedLocation(r.getString(0), r.isNullAt(1) ? "" : r.getString(1), r.getString(2), r.getBoolean(3), beds,
          r.isNullAt(5) ? null : r.getString(5)));
    }
    locations.removeIf(l -> l.providerId().isEmpty());
    if (locations.isEmpty()) {
      System.err.println("error: the locations found for '" + la + "' have no CQC provider ID");
      return 2;
    }
    clearPreviousOutput(out);
    GenerationSummary summary = CouncilDataGenerator.builder().council(council).locations(locations).catalogue(catalogue).months(months)
        .seed(seed).faultRate(faultRate).asOf(day).build().generate(OutputSink.directory(out));
    System.out.print(summary.render());
    System.out.println("  written to " + out.toAbsolutePath().normalize());
    System.out.println("  land them with: ./carelake ingest contracts " + out.resolve("contracts.csv") + " && ./carelake ingest returns "
        + out.resolve("returns"));
    System.out.println("  and: ./carelake ingest visits " + out.resolve("visits.csv") + " && ./carelake ingest contract-actions "
        + out.resolve("contract_actions.csv") + " && ./carelake ingest safeguarding " + out.resolve("safeguarding.csv")
        + " (needs a pseudonymisation key)");
    System.out.flush();
    return 0;
  }

  private int national(MeasureCatalogue catalogue) {
    List<NationalDataGenerator.Council> councils = EnglishCouncils.load(lakehouse.properties().getSeedsDir());
    clearPreviousOutput(out);
    long t0 = System.nanoTime();
    NationalDataGenerator.NationalSummary summary = NationalDataGenerator.builder().councils(councils).services(services).months(months)
        .seed(seed).faultRate(faultRate).asOf(asOf != null ? asOf : LocalDate.of(2025, 10, 1)).catalogue(catalogue).threads(threads).build()
        .generate(out);
    System.out.print(summary.render());
    System.out.printf(java.util.Locale.ROOT, "  written to %s in %.1f s%n", out.toAbsolutePath().normalize(), (System.nanoTime() - t0) / 1e9);
    return 0;
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "table not found";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Removes what an earlier run wrote (returns/ and the top-level CSVs), so the folder holds exactly this run's files. */
  static void clearPreviousOutput(Path dir) {
    try {
      Path returns = dir.resolve("returns");
      if (Files.isDirectory(returns)) {
        try (Stream<Path> walk = Files.walk(returns)) {
          for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
            Files.delete(p);
          }
        }
      }
      for (String f : CouncilDataGenerator.TOP_LEVEL_FILES) {
        Files.deleteIfExists(dir.resolve(f));
      }
      // a national run's own files
      Files.deleteIfExists(dir.resolve("councils.csv"));
      Path cqc = dir.resolve("cqc");
      if (Files.isDirectory(cqc)) {
        try (Stream<Path> files = Files.list(cqc)) {
          for (Path p : files.filter(p -> p.getFileName().toString().matches("asc_locations_\\d{4}-\\d{2}-\\d{2}\\.csv")).toList()) {
            Files.delete(p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the earlier output in " + dir + ": " + e.getMessage(), e);
    }
  }
}
