package org.carelake.ingestion.generate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnPeriod;
import org.carelake.ingestion.returns.ReturnWorkbook;

/**
 * Writes a realistic, deterministic council data set for real registered locations: the contract register, monthly,
 * quarterly and annual provider returns (long CSV, and about one in ten as the council's XLSX workbook), officers'
 * visits, the safeguarding log, contract actions, and {@code truth.csv} naming every submission given a data-quality
 * fault. No Spark, no clock: the same locations, catalogue and settings always give byte-identical files.
 *
 * <pre>
 * GenerationSummary summary = CouncilDataGenerator.builder()
 *     .council("Oldham").locations(locations).catalogue(MeasureCatalogue.load(seeds))
 *     .months(12).seed(7).faultRate(0.1).asOf(LocalDate.of(2025, 10, 1))
 *     .build().generate(OutputSink.directory(out));
 * </pre>
 */
public final class CouncilDataGenerator {

  public static final List<String> TOP_LEVEL_FILES = List.of("contracts.csv", "visits.csv", "safeguarding.csv", "contract_actions.csv",
      "truth.csv");
  static final List<String> RETURN_COLUMNS = List.of("provider_id", "location_id", "return_type", "period_start", "period_end",
      "submitted_at", "measure_code", "value", "comment");
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssxxx");
  private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').build();

  private final String council;
  private final List<GeneratedLocation> locations;
  private final MeasureCatalogue catalogue;
  private final int months;
  private final long seed;
  private final double faultRate;
  private final Window window;
  private final boolean workbooks;

  private CouncilDataGenerator(Builder b) {
    this.workbooks = b.workbooks;
    this.council = b.council == null || b.council.isBlank() ? "Council" : b.council.trim();
    this.catalogue = Objects.requireNonNull(b.catalogue, "catalogue");
    this.months = b.months;
    this.seed = b.seed;
    if (b.faultRate < 0 || b.faultRate > 1) {
      throw new IllegalArgumentException("fault rate must be between 0 and 1: " + b.faultRate);
    }
    this.faultRate = b.faultRate;
    Objects.requireNonNull(b.asOf, "asOf");
    this.window = Window.of(b.asOf, b.months);
    TreeMap<String, GeneratedLocation> byId = new TreeMap<>();
    for (GeneratedLocation l : Objects.requireNonNull(b.locations, "locations")) {
      byId.putIfAbsent(l.locationId(), l);
    }
    if (byId.isEmpty()) {
      throw new IllegalArgumentException("no locations to generate a data set for");
    }
    this.locations = List.copyOf(byId.values());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Settings of a run. */
  public static final class Builder {
    private String council;
    private List<GeneratedLocation> locations;
    private MeasureCatalogue catalogue;
    private int months = 12;
    private long seed = 1;
    private double faultRate;
    private LocalDate asOf;
    private boolean workbooks = true;

    public Builder council(String name) {
      this.council = name;
      return this;
    }

    public Builder locations(List<GeneratedLocation> locations) {
      this.locations = locations;
      return this;
    }

    public Builder catalogue(MeasureCatalogue catalogue) {
      this.catalogue = catalogue;
      return this;
    }

    /** Number of full calendar months in the window. */
    public Builder months(int months) {
      this.months = months;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Probability that a submission carries one fault (0 = every submission clean). */
    public Builder faultRate(double rate) {
      this.faultRate = rate;
      return this;
    }

    /** The day the data set is as of: the window ends with the last full month before it; nothing happens on or after it. */
    public Builder asOf(LocalDate asOf) {
      this.asOf = asOf;
      return this;
    }

    /** Alternative to {@link #asOf}: the window's last month (as of the first day of the month after). */
    public Builder endMonth(YearMonth last) {
      this.asOf = last.plusMonths(1).atDay(1);
      return this;
    }

    /** False: every return is written as CSV (bulk back-loads, where rendering workbooks would dominate the run). */
    public Builder workbooks(boolean write) {
      this.workbooks = write;
      return this;
    }

    public CouncilDataGenerator build() {
      return new CouncilDataGenerator(this);
    }
  }

  public YearMonth firstMonth() {
    return window.firstMonth();
  }

  public YearMonth lastMonth() {
    return window.lastMonth();
  }

  // ---------------------------------------------------------------- generation

  public GenerationSummary generate(OutputSink sink) {
    List<String> officers = officers();
    ServicePlanner planner = new ServicePlanner(seed, window, officers);
    String prefix = contractPrefix(council);
    List<Service> services = new ArrayList<>();
    for (int i = 0; i < locations.size(); i++) {
      services.add(planner.contract(locations.get(i), i, prefix));
    }
    services.forEach(planner::actions);
    largeScaleEnquiry(services, planner);
    services.forEach(planner::concerns);
    services.forEach(planner::visits);

    ValueModel model = new ValueModel(seed, window, catalogue);
    FaultInjector injector = new FaultInjector(seed, faultRate, window, planner, workbooks);
    int files = 0;
    int csv = 0;
    int xlsx = 0;
    int missing = 0;
    int expected = 0;
    Map<FaultClass, Integer> faults = new EnumMap<>(FaultClass.class);
    for (FaultClass c : FaultClass.values()) {
      faults.put(c, 0);
    }
    List<Submission> faulty = new ArrayList<>();
    List<PendingWorkbook> workbooks = new ArrayList<>();
    for (Service s : services) {
      model.simulate(s);
      for (String type : ReturnPeriod.RETURN_TYPES) {
        List<Submission> stream = expectedReturns(s, type, model);
        injector.process(s, stream);
        s.submissions.addAll(stream);
      }
      for (Submission sub : s.submissions) {
        expected++;
        if (sub.fault != null) {
          faults.merge(sub.fault, 1, Integer::sum);
          faulty.add(sub);
        }
        if (!sub.received()) {
          missing++;
          continue;
        }
        String dir = "returns/" + YearMonth.from(sub.periodStart) + "/" + s.location.locationId() + "_" + sub.returnType + "_" + sub.periodStart;
        if (sub.xlsx) {
          workbooks.add(new PendingWorkbook(dir + ".xlsx", sub));
          xlsx++;
        } else {
          sink.write(dir + ".csv", returnCsv(sub));
          csv++;
        }
        files++;
      }
      s.months.clear(); // the simulation is no longer needed
      if (workbooks.size() >= 64) {
        writeWorkbooks(sink, workbooks);
      }
    }
    writeWorkbooks(sink, workbooks);
    sink.write("contracts.csv", contractsCsv(services));
    int visits = writeVisits(sink, services);
    int concerns = writeConcerns(sink, services);
    int actions = writeActions(sink, services);
    sink.write("truth.csv", truthCsv(faulty));
    files += TOP_LEVEL_FILES.size();
    Map<String, Integer> byType = new TreeMap<>();
    services.forEach(s -> byType.merge(s.serviceType, 1, Integer::sum));
    return new GenerationSummary(council, window.firstMonth(), window.lastMonth(), window.asOf(), seed, faultRate, locations.size(),
        services.size(), byType, expected, csv, xlsx, missing, faults, visits, concerns, actions, files, TOP_LEVEL_FILES);
  }

  private List<String> officers() {
    Rng r = Rng.of(seed, council, "officers");
    int n = Math.max(3, Math.min(25, locations.size() / 12 + 2));
    TreeSet<Integer> ids = new TreeSet<>();
    while (ids.size() < n) {
      ids.add(r.between(100, 999));
    }
    return ids.stream().map(i -> "CO" + i).toList();
  }

  static String contractPrefix(String council) {
    String letters = council.toUpperCase(Locale.ROOT).replaceAll("[^A-Z]", "");
    return letters.length() >= 3 ? letters.substring(0, 3) + "-ASC" : "LA-ASC";
  }

  /** At most one home per council under a large scale enquiry, more likely where CQC rates the home poorly. */
  private void largeScaleEnquiry(List<Service> services, ServicePlanner planner) {
    List<Service> homes = services.stream().filter(Service::careHome).filter(s -> planner.activeRange(s) != null).toList();
    Rng r = Rng.of(seed, council, "large_scale_enquiry");
    if (homes.size() < 8 || !r.chance(0.6)) {
      return;
    }
    double[] weights = new double[homes.size()];
    for (int i = 0; i < homes.size(); i++) {
      String rating = homes.get(i).location.overallRating();
      weights[i] = "Inadequate".equals(rating) ? 5 : "Requires improvement".equals(rating) ? 3 : 1;
    }
    planner.largeScaleEnquiry(r.weighted(homes, weights), r);
  }

  private List<Submission> expectedReturns(Service s, String type, ValueModel model) {
    List<Submission> out = new ArrayList<>();
    List<Measure> measures = catalogue.applicable(type, s.serviceType);
    List<LocalDate> starts = switch (type) {
      case "monthly" -> window.months().stream().map(m -> m.atDay(1)).toList();
      case "quarterly" -> window.quarterStarts();
      default -> window.financialYearStarts();
    };
    List<SubmissionRules.Received> history = new ArrayList<>();
    for (LocalDate start : starts) {
      LocalDate end = ReturnPeriod.endFor(type, start);
      LinkedHashMap<String, String> truth = switch (type) {
        case "monthly" -> new LinkedHashMap<>(s.months.get(YearMonth.from(start)).values);
        case "quarterly" -> model.quarter(s, start, history);
        default -> model.year(s, start, history);
      };
      history.add(new SubmissionRules.Received(type, start, truth, null));
      if (s.contractedFor(start, end)) {
        out.add(new Submission(s, type, start, end, ReturnPeriod.dueDate(type, end), measures, truth));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- files

  private static String timestamp(Submission sub) {
    return TIMESTAMP.format(sub.submittedAt);
  }

  private static byte[] returnCsv(Submission sub) {
    return csv(RETURN_COLUMNS, p -> {
      Service s = sub.service;
      for (Map.Entry<String, String> e : sub.reported.entrySet()) {
        p.printRecord(s.location.providerId(), s.location.locationId(), sub.returnType, sub.periodStart, sub.periodEnd, timestamp(sub),
            e.getKey(), e.getValue(), sub.comments.getOrDefault(e.getKey(), ""));
      }
    });
  }

  private record PendingWorkbook(String path, Submission submission) {}

  /** POI is slow: workbooks are rendered in parallel (each file's bytes depend on its own content only). */
  private static void writeWorkbooks(OutputSink sink, List<PendingWorkbook> pending) {
    List<byte[]> bytes = pending.parallelStream().map(p -> workbook(p.submission())).toList();
    for (int i = 0; i < pending.size(); i++) {
      sink.write(pending.get(i).path(), bytes.get(i));
    }
    pending.clear();
  }

  private static byte[] workbook(Submission sub) {
    Service s = sub.service;
    ReturnWorkbook.Header header = new ReturnWorkbook.Header(s.location.providerId(), s.location.locationId(), sub.returnType,
        sub.periodStart, sub.periodEnd);
    Map<String, String> values = new LinkedHashMap<>();
    sub.reported.forEach((k, v) -> {
      if (!v.isEmpty()) {
        values.put(k, v);
      }
    });
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ReturnWorkbook.writeFilled(header, sub.measures, values, timestamp(sub), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return StableXlsx.normalise(out.toByteArray(), sub.submittedAt.toInstant());
  }

  private static byte[] contractsCsv(List<Service> services) {
    return csv(List.of("contract_id", "provider_id", "location_id", "service_type", "capacity_beds", "weekly_hours", "start_date", "end_date",
        "fee_band"), p -> {
          for (Service s : services) {
            p.printRecord(s.contractId, s.location.providerId(), s.location.locationId(), s.serviceType, text(s.capacityBeds),
                text(s.weeklyHours), s.start, text(s.end), s.feeBand);
          }
        });
  }

  private int writeVisits(OutputSink sink, List<Service> services) {
    List<Visit> all = new ArrayList<>();
    services.forEach(s -> all.addAll(s.visits));
    all.sort(Comparator.comparing((Visit v) -> v.date).thenComparing(v -> v.locationId).thenComparing(v -> v.type));
    sink.write("visits.csv", csv(List.of("visit_id", "location_id", "provider_id", "visit_date", "visit_type", "announced", "officer_id", "safe",
        "effective", "caring", "responsive", "well_led", "overall_judgement", "actions_raised", "actions_closed", "measures_verified",
        "measures_discrepant", "follow_up_due"), p -> {
          int n = 0;
          for (Visit v : all) {
            p.printRecord(String.format(Locale.ROOT, "V%06d", ++n), v.locationId, v.providerId, v.date, v.type, v.announced ? "Y" : "N", v.officer,
                v.judgements[0], v.judgements[1], v.judgements[2], v.judgements[3], v.judgements[4], v.overall, v.actionsRaised,
                v.actionsClosed, v.measuresVerified, v.measuresDiscrepant, text(v.followUpDue));
          }
        }));
    return all.size();
  }

  private int writeConcerns(OutputSink sink, List<Service> services) {
    List<Concern> all = new ArrayList<>();
    services.forEach(s -> all.addAll(s.concerns));
    all.sort(Comparator.comparing(Concern::received).thenComparing(Concern::locationId).thenComparing(Concern::personRef));
    sink.write("safeguarding.csv", csv(List.of("concern_id", "location_id", "provider_id", "received_date", "source", "abuse_type",
        "person_ref", "risk_level", "s42_enquiry", "enquiry_concluded", "outcome", "large_scale_enquiry"), p -> {
          int n = 0;
          for (Concern c : all) {
            p.printRecord(String.format(Locale.ROOT, "SG%06d", ++n), c.locationId(), c.providerId(), c.received(), c.source(), c.abuseType(), c.personRef(),
                c.riskLevel(), c.s42() ? "Y" : "N", text(c.concluded()), text(c.outcome()), c.largeScale() ? "Y" : "N");
          }
        }));
    return all.size();
  }

  private int writeActions(OutputSink sink, List<Service> services) {
    List<ContractAction> all = new ArrayList<>();
    services.forEach(s -> all.addAll(s.actions));
    all.sort(Comparator.comparing(ContractAction::start).thenComparing(ContractAction::locationId).thenComparing(ContractAction::type));
    sink.write("contract_actions.csv", csv(List.of("action_id", "provider_id", "location_id", "action_type", "start_date", "end_date", "reason"),
        p -> {
          int n = 0;
          for (ContractAction a : all) {
            p.printRecord(String.format(Locale.ROOT, "CA%05d", ++n), a.providerId(), a.locationId(), a.type(), a.start(), text(a.end()), a.reason());
          }
        }));
    return all.size();
  }

  private static byte[] truthCsv(List<Submission> faulty) {
    return csv(List.of("provider_id", "location_id", "return_type", "period_start", "fault_class", "measure_code", "detail"), p -> {
      for (Submission s : faulty) {
        p.printRecord(s.service.location.providerId(), s.service.location.locationId(), s.returnType, s.periodStart, s.fault.code(),
            text(s.faultMeasure), s.faultDetail);
      }
    });
  }

  private static String text(Object o) {
    return o == null ? "" : o.toString();
  }

  private interface Rows {
    void print(CSVPrinter p) throws IOException;
  }

  private static byte[] csv(List<String> header, Rows rows) {
    StringBuilder b = new StringBuilder();
    try (CSVPrinter p = new CSVPrinter(b, CSV)) {
      p.printRecord(header);
      rows.print(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }
}
