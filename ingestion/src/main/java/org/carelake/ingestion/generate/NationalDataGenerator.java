package org.carelake.ingestion.generate;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.carelake.ingestion.returns.MeasureCatalogue;

/**
 * Writes a deterministic national-scale data set: synthetic registered services spread over every English council,
 * each council's returns, visits, safeguarding log, contracts and actions made by {@link CouncilDataGenerator}, and a
 * CQC adult social care locations export for every month. Returns are written as councils' monthly bulk back-loads
 * ({@code returns/<YYYY-MM>/<council code>_<type>_<period start>.csv}, one file per council, return type and period),
 * because a file per service and month would be millions of files; the council-level CSVs are combined into one file
 * each, their ids prefixed with the council code so they stay unique.
 *
 * <pre>
 * NationalSummary s = NationalDataGenerator.builder().councils(councils).services(30_000).months(60)
 *     .catalogue(catalogue).seed(1).asOf(LocalDate.of(2025, 10, 1)).threads(2).build().generate(out);
 * </pre>
 */
public final class NationalDataGenerator {

  /** An English upper-tier council (county or unitary), with its number of districts as a rough size. */
  public record Council(String code, String name, String region, int districts) {}

  /** What a run wrote. */
  public record NationalSummary(int councils, int services, YearMonth firstMonth, YearMonth lastMonth, LocalDate asOf, long seed, double faultRate,
      long submissions, long missingSubmissions, long faultySubmissions, long measureRows, int returnFiles, int cqcSnapshots, long cqcRows,
      long visits, long concerns, long actions, long bytes) {

    public String render() {
      return String.format(Locale.ROOT, """
          generated national data set: %d councils, %d services, %s to %s (as of %s), seed %d, fault rate %s
            submissions %,d (missing %,d, faulty %,d); measure rows %,d in %,d return files under returns/
            CQC snapshots %d under cqc/ (%,d location rows); visits %,d; safeguarding concerns %,d; contract actions %,d
            %,.1f MB written
          """, councils, services, firstMonth, lastMonth, asOf, seed, faultRate, submissions, missingSubmissions, faultySubmissions, measureRows,
          returnFiles, cqcSnapshots, cqcRows, visits, concerns, actions, bytes / 1e6);
    }
  }

  static final List<String> CQC_COLUMNS = List.of("Location Name", "Location ID", "Location Local Authority", "Location ADASS Region",
      "Primary inspection category", "Service Types", "Care homes beds", "Location HSCA start date", "Location HSCA end date", "Dormant",
      "Location Latest Overall Rating", "Publication Date", "Location safe rating", "Location effective rating", "Location caring rating",
      "Location responsive rating", "Location well-led rating", "Provider Name", "Provider ID");
  private static final List<String> RATINGS = List.of("Outstanding", "Good", "Requires improvement", "Inadequate");
  private static final String[] FIRST = {"Oak", "Willow", "Beech", "Ash", "Cedar", "Elm", "Rowan", "Hazel", "Maple", "Birch", "Holly", "Laurel",
      "Meadow", "Brook", "Heather", "Primrose", "Orchard", "Park", "River", "Hill"};
  private static final String[] SECOND = {"House", "Lodge", "Court", "Grange", "View", "Manor", "Gardens", "Villa", "Hall", "Place"};
  /** Combined council files and the column holding each row's id (-1: no id). */
  private static final Map<String, Integer> COMBINED = new LinkedHashMap<>();

  static {
    COMBINED.put("contracts.csv", 0);
    COMBINED.put("visits.csv", 0);
    COMBINED.put("safeguarding.csv", 0);
    COMBINED.put("contract_actions.csv", 0);
    COMBINED.put("truth.csv", -1);
  }

  private final List<Council> councils;
  private final int services;
  private final int months;
  private final long seed;
  private final double faultRate;
  private final LocalDate asOf;
  private final MeasureCatalogue catalogue;
  private final int threads;

  private NationalDataGenerator(Builder b) {
    this.councils = List.copyOf(Objects.requireNonNull(b.councils, "councils"));
    if (councils.isEmpty()) {
      throw new IllegalArgumentException("no councils to generate for");
    }
    if (b.services < councils.size()) {
      throw new IllegalArgumentException("at least one service per council is needed: " + b.services + " services for " + councils.size() + " councils");
    }
    this.services = b.services;
    this.months = b.months;
    this.seed = b.seed;
    this.faultRate = b.faultRate;
    this.asOf = Objects.requireNonNull(b.asOf, "asOf");
    this.catalogue = Objects.requireNonNull(b.catalogue, "catalogue");
    this.threads = Math.max(1, b.threads);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a run. */
  public static final class Builder {
    private List<Council> councils;
    private int services = 30_000;
    private int months = 60;
    private long seed = 1;
    private double faultRate = 0.05;
    private LocalDate asOf = LocalDate.of(2025, 10, 1);
    private MeasureCatalogue catalogue;
    private int threads = 2;

    public Builder councils(List<Council> councils) {
      this.councils = councils;
      return this;
    }

    public Builder services(int n) {
      this.services = n;
      return this;
    }

    public Builder months(int n) {
      this.months = n;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder faultRate(double rate) {
      this.faultRate = rate;
      return this;
    }

    public Builder asOf(LocalDate day) {
      this.asOf = day;
      return this;
    }

    public Builder catalogue(MeasureCatalogue catalogue) {
      this.catalogue = catalogue;
      return this;
    }

    /** Councils generated at once; the output does not depend on it. */
    public Builder threads(int n) {
      this.threads = n;
      return this;
    }

    public NationalDataGenerator build() {
      return new NationalDataGenerator(this);
    }
  }

  /** A synthetic service with what the CQC export says about it. */
  record SyntheticLocation(Council council, GeneratedLocation location, String providerName, LocalDate registered) {}

  /** One council's share of the services, in proportion to a seeded size (districts as a rough population). */
  List<List<SyntheticLocation>> plan() {
    double[] weight = new double[councils.size()];
    double total = 0;
    for (int i = 0; i < councils.size(); i++) {
      Council c = councils.get(i);
      weight[i] = (1 + c.districts()) * Rng.of(seed, "national", c.code(), "size").uniform(0.6, 1.4);
      total += weight[i];
    }
    int[] count = new int[councils.size()];
    int given = 0;
    for (int i = 0; i < councils.size(); i++) {
      count[i] = Math.max(1, (int) Math.floor(services * weight[i] / total));
      given += count[i];
    }
    for (int i = 0; given < services; i = (i + 1) % councils.size(), given++) {
      count[i]++;
    }
    int chains = Math.max(1, services / 20);
    List<List<SyntheticLocation>> out = new ArrayList<>();
    LocalDate windowStart = YearMonth.from(asOf).minusMonths(months).atDay(1);
    for (int i = 0; i < councils.size(); i++) {
      Council c = councils.get(i);
      List<SyntheticLocation> locs = new ArrayList<>();
      for (int k = 0; k < count[i]; k++) {
        Rng r = Rng.of(seed, "national", c.code(), "location", k);
        String locationId = "1-" + (1_000_000_000L + i * 100_000L + k);
        boolean chain = r.chance(0.35);
        long providerNumber = chain ? 2_000_000_000L + r.between(0, chains - 1) : 3_000_000_000L + i * 100_000L + k;
        boolean careHome = r.chance(0.5);
        String name = FIRST[r.between(0, FIRST.length - 1)] + " " + SECOND[r.between(0, SECOND.length - 1)] + (careHome ? " Care Home" : " Homecare");
        Integer beds = careHome ? r.between(8, 90) : null;
        double u = r.uniform(0, 1);
        String rating = u < 0.04 ? "Outstanding" : u < 0.80 ? "Good" : u < 0.97 ? "Requires improvement" : "Inadequate";
        LocalDate registered = windowStart.minusDays(r.between(30, 6000));
        String providerName = (chain ? "Group " + providerNumber % 10_000 : name) + " Ltd";
        locs.add(new SyntheticLocation(c, new GeneratedLocation(locationId, "1-" + providerNumber, name, careHome, beds, rating), providerName,
            registered));
      }
      out.add(locs);
    }
    return out;
  }

  public NationalSummary generate(Path out) {
    List<List<SyntheticLocation>> plan = plan();
    try {
      Files.createDirectories(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, CombinedFile> combined = new LinkedHashMap<>();
    COMBINED.forEach((file, idColumn) -> combined.put(file, new CombinedFile(out.resolve(file), idColumn)));
    long[] totals = new long[8];
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread t = new Thread(r, "generate-council");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<CouncilResult>> results = new ArrayList<>();
      for (int i = 0; i < councils.size(); i++) {
        Council c = councils.get(i);
        List<SyntheticLocation> locs = plan.get(i);
        results.add(pool.submit(() -> council(c, locs, out)));
      }
      // appended in council order whatever order they finish in, so the files do not depend on the threads
      for (Future<CouncilResult> f : results) {
        CouncilResult r = f.get();
        for (Map.Entry<String, CombinedFile> e : combined.entrySet()) {
          e.getValue().append(r.council().code(), r.files().get(e.getKey()));
        }
        GenerationSummary s = r.summary();
        totals[0] += s.submissionsExpected();
        totals[1] += s.missingSubmissions();
        totals[2] += s.faultySubmissions();
        totals[3] += r.measureRows();
        totals[4] += r.returnFiles();
        totals[5] += s.visits();
        totals[6] += s.concerns();
        totals[7] += s.actions();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
      combined.values().forEach(CombinedFile::close);
    }
    long cqcRows = writeCqcSnapshots(plan, out);
    writeCouncils(plan, out);
    long bytes;
    try (var s = Files.walk(out)) {
      bytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int all = plan.stream().mapToInt(List::size).sum();
    return new NationalSummary(councils.size(), all, YearMonth.from(asOf).minusMonths(months), YearMonth.from(asOf).minusMonths(1), asOf, seed,
        faultRate, totals[0], totals[1], totals[2], totals[3], (int) totals[4], months, cqcRows, totals[5], totals[6], totals[7], bytes);
  }

  private record CouncilResult(Council council, GenerationSummary summary, Map<String, byte[]> files, long measureRows, int returnFiles) {}

  private CouncilResult council(Council c, List<SyntheticLocation> locs, Path out) {
    try (GroupingSink sink = new GroupingSink(out, c.code())) {
      GenerationSummary s = CouncilDataGenerator.builder().council(c.name()).locations(locs.stream().map(SyntheticLocation::location).toList())
          .catalogue(catalogue).months(months).seed(seed).faultRate(faultRate).asOf(asOf).workbooks(false).build().generate(sink);
      return new CouncilResult(c, s, sink.topLevel, sink.measureRows, sink.streams.size());
    }
  }

  /**
   * Turns the council generator's file per submission into one bulk file per council, return type and period (header
   * once), and keeps the council's top-level CSVs in memory for combining.
   */
  static final class GroupingSink implements OutputSink, AutoCloseable {
    private final Path root;
    private final String code;
    private final Map<String, OutputStream> streams = new HashMap<>();
    private final Map<String, byte[]> topLevel = new HashMap<>();
    private long measureRows;

    GroupingSink(Path root, String code) {
      this.root = root;
      this.code = code;
    }

    @Override
    public void write(String relativePath, byte[] bytes) {
      if (!relativePath.startsWith("returns/")) {
        topLevel.put(relativePath, bytes);
        return;
      }
      if (!relativePath.endsWith(".csv")) {
        throw new IllegalStateException("bulk returns are CSV only: " + relativePath);
      }
      int slash = relativePath.lastIndexOf('/');
      String name = relativePath.substring(slash + 1);
      String target = relativePath.substring(0, slash + 1) + code + name.substring(name.indexOf('_'));
      try {
        OutputStream o = streams.get(target);
        int from = 0;
        if (o == null) {
          Path p = root.resolve(target);
          Files.createDirectories(p.getParent());
          o = new BufferedOutputStream(Files.newOutputStream(p), 1 << 16);
          streams.put(target, o);
        } else {
          while (from < bytes.length && bytes[from] != '\n') {
            from++;
          }
          from++;
        }
        for (int i = from; i < bytes.length; i++) {
          if (bytes[i] == '\n') {
            measureRows++;
          }
        }
        if (from == 0) {
          measureRows--; // the header
        }
        o.write(bytes, from, bytes.length - from);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() {
      for (OutputStream o : streams.values()) {
        try {
          o.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  /** One of the combined top-level CSVs: the first council's header, then every council's rows, ids prefixed. */
  private static final class CombinedFile {
    private final Writer writer;
    private final int idColumn;
    private CSVPrinter printer;

    CombinedFile(Path path, int idColumn) {
      try {
        this.writer = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      this.idColumn = idColumn;
    }

    void append(String councilCode, byte[] csv) {
      if (csv == null) {
        return;
      }
      try (CSVParser parser = CSVParser.parse(new StringReader(new String(csv, StandardCharsets.UTF_8)), CSVFormat.DEFAULT)) {
        boolean header = true;
        for (CSVRecord rec : parser) {
          if (header) {
            header = false;
            if (printer == null) {
              printer = new CSVPrinter(writer, CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build());
              printer.printRecord(rec.toList());
            }
            continue;
          }
          List<String> values = rec.toList();
          if (idColumn >= 0) {
            values = new ArrayList<>(values);
            values.set(idColumn, councilCode + "-" + values.get(idColumn));
          }
          printer.printRecord(values);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    void close() {
      try {
        if (printer != null) {
          printer.close();
        } else {
          writer.close();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** The CQC adult social care locations export as it stood on the first of each month: ratings change at inspections. */
  private long writeCqcSnapshots(List<List<SyntheticLocation>> plan, Path out) {
    long rows = 0;
    YearMonth first = YearMonth.from(asOf).minusMonths(months - 1);
    for (int m = 0; m < months; m++) {
      LocalDate day = first.plusMonths(m).atDay(1);
      Path file = out.resolve("cqc").resolve("asc_locations_" + day + ".csv");
      try {
        Files.createDirectories(file.getParent());
        try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(file, StandardCharsets.UTF_8),
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
          p.printRecord(CQC_COLUMNS);
          for (List<SyntheticLocation> council : plan) {
            for (SyntheticLocation s : council) {
              p.printRecord(cqcRow(s, day));
              rows++;
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
      }
    }
    return rows;
  }

  private List<String> cqcRow(SyntheticLocation s, LocalDate day) {
    GeneratedLocation l = s.location();
    Rng r = Rng.of(seed, "national", l.locationId(), "inspections");
    // the latest inspection falls in the four years before the as-of day; before it the service held an earlier rating
    LocalDate latest = asOf.minusDays(r.between(30, 4 * 365));
    String earlier = RATINGS.get(Math.min(3, Math.max(0, RATINGS.indexOf(l.overallRating()) + r.between(-1, 1))));
    LocalDate earlierDate = latest.minusDays(r.between(400, 1200));
    boolean current = !day.isBefore(latest);
    String overall = current ? l.overallRating() : earlier;
    LocalDate published = current ? latest : earlierDate;
    List<String> domains = new ArrayList<>();
    for (String kq : List.of("safe", "effective", "caring", "responsive", "well-led")) {
      Rng d = Rng.of(seed, "national", l.locationId(), kq, current);
      int idx = RATINGS.indexOf(overall);
      domains.add(d.chance(0.8) ? overall : RATINGS.get(Math.min(3, Math.max(0, idx + (d.chance(0.5) ? 1 : -1)))));
    }
    List<String> row = new ArrayList<>();
    row.add(l.locationName());
    row.add(l.locationId());
    row.add(s.council().name());
    row.add(s.council().region());
    row.add(l.careHome() ? "Residential social care" : "Community based adult social care services");
    row.add(l.careHome() ? "Care home service without nursing" : "Domiciliary care service");
    row.add(l.careHomeBeds() == null ? "0" : l.careHomeBeds().toString());
    row.add(s.registered().toString());
    row.add("");
    row.add("N");
    row.add(overall);
    row.add(published.toString());
    row.addAll(domains);
    row.add(s.providerName());
    row.add(l.providerId());
    return row;
  }

  private static void writeCouncils(List<List<SyntheticLocation>> plan, Path out) {
    try (CSVPrinter p = new CSVPrinter(Files.newBufferedWriter(out.resolve("councils.csv"), StandardCharsets.UTF_8),
        CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build())) {
      p.printRecord("council_code", "council_name", "region", "services");
      for (List<SyntheticLocation> c : plan) {
        if (!c.isEmpty()) {
          Council council = c.get(0).council();
          p.printRecord(council.code(), council.name(), council.region(), c.size());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
