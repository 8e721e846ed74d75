package org.carelake.jobs.service.dqreport;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.carelake.jobs.service.dqreport.ReportData.Finding;
import org.carelake.jobs.service.dqreport.ReportData.ProviderKpis;
import org.carelake.jobs.service.dqreport.ReportData.Snapshot;
import org.carelake.jobs.service.dqreport.ReportData.Submission;
import org.carelake.jobs.service.dqreport.ReportView.CouncilPage;
import org.carelake.jobs.service.dqreport.ReportView.Counts;
import org.carelake.jobs.service.dqreport.ReportView.FindingLine;
import org.carelake.jobs.service.dqreport.ReportView.Kpi;
import org.carelake.jobs.service.dqreport.ReportView.KpiView;
import org.carelake.jobs.service.dqreport.ReportView.PeriodBlock;
import org.carelake.jobs.service.dqreport.ReportView.ProviderPage;
import org.carelake.jobs.service.dqreport.ReportView.ProviderRow;
import org.carelake.jobs.service.dqreport.ReportView.ReturnLine;
import org.carelake.jobs.service.dqreport.ReportView.ServiceBlock;
import org.carelake.jobs.service.dqreport.ReportView.Tag;

/**
 * Turns what was read from the warehouse into the report's pages: narrows to the periods asked for, groups findings by
 * service and return, words the KPIs against their targets, and ranks providers worst first. Pure: no Spark, no files.
 */
public final class ReportBuilder {

  static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.UK);
  private static final DateTimeFormatter MONTH_YEAR = DateTimeFormatter.ofPattern("MMMM yyyy", Locale.UK);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM", Locale.UK);
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm", Locale.UK);
  private static final Map<String, String> SERVICE_TYPES = Map.of(
      "care_home_older_people", "Care home (older people)",
      "care_home_under_65", "Care home (under 65)",
      "home_support", "Home support",
      "supported_living", "Supported living",
      "day_opportunities", "Day opportunities",
      "extra_care", "Extra care");
  private static final List<String> RETURN_ORDER = List.of("annual", "quarterly", "monthly");

  private final Snapshot data;
  private final Optional<PeriodRange> period;
  private final String generatedAt;

  public ReportBuilder(Snapshot data, Optional<PeriodRange> period, Instant generatedAt) {
    this.data = data;
    this.period = period;
    this.generatedAt = STAMP.format(generatedAt.atZone(LONDON));
  }

  /** The providers a council report covers: every provider with a return due, a finding, or a KPI row. */
  public Set<String> providerIds() {
    Set<String> ids = new TreeSet<>();
    data.submissions().forEach(s -> ids.add(s.providerId()));
    data.findings().forEach(f -> ids.add(f.providerId()));
    ids.addAll(data.kpis().keySet());
    return ids;
  }

  /** The findings in the periods asked for, in reading order (service, period, severity, rule). */
  public List<Finding> findings(String providerId) {
    return data.findings().stream()
        .filter(f -> providerId == null || f.providerId().equals(providerId))
        .filter(f -> period.map(p -> p.overlaps(f.periodStart(), f.periodEnd())).orElse(true))
        .sorted(Comparator.comparing((Finding f) -> f.providerId())
            .thenComparing(f -> Objects.toString(f.locationName(), ""))
            .thenComparing(Finding::locationId)
            .thenComparing(Finding::periodStart)
            .thenComparing(f -> RETURN_ORDER.indexOf(f.returnType()))
            .thenComparing(f -> f.isError() ? 0 : 1)
            .thenComparing(Finding::ruleCode)
            .thenComparing(f -> Objects.toString(f.measureCode(), "")))
        .toList();
  }

  List<Submission> submissions(String providerId) {
    return data.submissions().stream()
        .filter(s -> providerId == null || s.providerId().equals(providerId))
        .filter(s -> period.map(p -> p.overlaps(s.periodStart(), s.periodEnd())).orElse(true))
        .toList();
  }

  public ProviderPage providerPage(String providerId, String overviewHref, String csvHref) {
    List<Finding> findings = findings(providerId);
    List<Submission> submissions = submissions(providerId);
    ProviderKpis kpis = data.kpis().get(providerId);
    String name = data.providerNames().get(providerId);
    if ((name == null || name.isBlank()) && kpis != null) {
      name = kpis.providerName();
    }
    return new ProviderPage(providerId, name, day(data.asOf()), generatedAt, periodLabel(), period.isPresent(), overviewHref,
        csvHref, kpis == null ? null : kpiView(kpis), counts(submissions, findings), lateOrMissing(submissions),
        services(submissions, findings), findings);
  }

  public CouncilPage councilPage(Function<String, String> providerHref, String csvHref, String geographyCsvHref) {
    List<ProviderRow> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>(providerIds());
    Map<String, SortKey> keys = new java.util.HashMap<>();
    ids.forEach(id -> keys.put(id, severityKey(id)));
    ids.sort(Comparator.comparing((String id) -> keys.get(id)).thenComparing(id -> Objects.toString(name(id), "~"))
        .thenComparing(id -> id));
    for (String id : ids) {
      List<Submission> subs = submissions(id);
      List<Finding> fs = findings(id);
      ProviderKpis k = data.kpis().get(id);
      Kpi timeliness = k == null ? noKpi("Timeliness") : timeliness(k);
      Kpi accuracy = k == null ? noKpi("Accuracy") : accuracy(k);
      rows.add(new ProviderRow(rows.size() + 1, id, name(id) == null ? "Provider " + id : name(id), providerHref.apply(id),
          serviceNames(subs, fs), timeliness, accuracy,
          k == null ? Tag.plain("–") : k.serviceFailure() ? Tag.bad("Yes") : Tag.plain("No"),
          k == null ? Tag.plain("–") : k.persistentlyInaccurate() ? Tag.bad("Yes") : Tag.plain("No"),
          counts(subs, fs), attention(k)));
    }
    Counts all = counts(submissions(null), findings(null));
    long both = data.kpis().values().stream()
        .filter(k -> k.meetsTimelinessTarget() && Boolean.TRUE.equals(k.meetsAccuracyTarget())).count();
    long failures = data.kpis().values().stream().filter(ProviderKpis::serviceFailure).count();
    long persistent = data.kpis().values().stream().filter(ProviderKpis::persistentlyInaccurate).count();
    return new CouncilPage(day(data.asOf()), generatedAt, periodLabel(), period.isPresent(), csvHref, geographyCsvHref, rows, all,
        both, failures, persistent, ids.stream().filter(id -> !data.kpis().containsKey(id)).count(), data.geography(),
        data.datasetChecks().orElse(null));
  }

  /** "Sunny Home", "Sunny Home, Oak Lodge and 3 more services". */
  private static String serviceNames(List<Submission> subs, List<Finding> fs) {
    java.util.SortedSet<String> names = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
    subs.forEach(s -> names.add(serviceName(s.locationName(), serviceKey(s))));
    fs.forEach(f -> names.add(serviceName(f.locationName(), f.locationId())));
    List<String> l = new ArrayList<>(names);
    if (l.isEmpty()) {
      return "no services in these periods";
    }
    if (l.size() <= 3) {
      return l.size() == 1 ? l.get(0) : String.join(", ", l.subList(0, l.size() - 1)) + " and " + l.get(l.size() - 1);
    }
    return String.join(", ", l.subList(0, 2)) + " and " + (l.size() - 2) + " more services";
  }

  private String name(String providerId) {
    String n = data.providerNames().get(providerId);
    if (n == null || n.isBlank()) {
      ProviderKpis k = data.kpis().get(providerId);
      n = k == null ? null : k.providerName();
    }
    return n == null || n.isBlank() ? null : n;
  }

  /** Worst first: service failure, persistently inaccurate, targets missed, the lower KPI, then errors and missing returns. */
  private SortKey severityKey(String providerId) {
    ProviderKpis k = data.kpis().get(providerId);
    List<Finding> fs = findings(providerId);
    long errors = fs.stream().filter(Finding::isError).count();
    if (k == null) {
      return new SortKey(1, 0, 0, 0, BigDecimal.valueOf(1000), -errors);
    }
    int missed = (k.meetsTimelinessTarget() ? 0 : 1) + (Boolean.TRUE.equals(k.meetsAccuracyTarget()) ? 0 : 1);
    BigDecimal lower = k.accuracyPct() == null ? BigDecimal.ZERO : k.timelinessPct().min(k.accuracyPct());
    return new SortKey(0, k.serviceFailure() ? 0 : 1, k.persistentlyInaccurate() ? 0 : 1, -missed, lower, -errors);
  }

  private record SortKey(int noKpis, int notFailing, int notPersistent, int missedNegated, BigDecimal lowerKpi, long errorsNegated)
      implements Comparable<SortKey> {
    @Override
    public int compareTo(SortKey o) {
      return Comparator.comparingInt(SortKey::noKpis).thenComparingInt(SortKey::notFailing)
          .thenComparingInt(SortKey::notPersistent).thenComparingInt(SortKey::missedNegated)
          .thenComparing(SortKey::lowerKpi).thenComparingLong(SortKey::errorsNegated).compare(this, o);
    }
  }

  private static String attention(ProviderKpis k) {
    if (k == null) {
      return "No returns due in the last 12 months";
    }
    List<String> reasons = new ArrayList<>();
    if (k.serviceFailure()) {
      reasons.add(k.consecutiveMissing() + " returns missing in a row");
    }
    if (k.persistentlyInaccurate()) {
      reasons.add("persistently inaccurate");
    }
    if (!k.meetsTimelinessTarget()) {
      reasons.add("timeliness below target");
    }
    if (Boolean.FALSE.equals(k.meetsAccuracyTarget())) {
      reasons.add("accuracy below target");
    } else if (k.meetsAccuracyTarget() == null) {
      reasons.add("no returns received");
    }
    if (reasons.isEmpty()) {
      return "Meets both targets";
    }
    String s = String.join("; ", reasons);
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  private String periodLabel() {
    return period.map(PeriodRange::label).orElse("all periods to " + day(data.asOf()));
  }

  private KpiView kpiView(ProviderKpis k) {
    Counts c = new Counts(k.returnsDue(), k.returnsReceived(), k.returnsOnTime(), k.returnsLate(), k.returnsMissing(),
        k.returnsAccurate(), k.returnsInaccurate(), k.errorFindings(), k.warningFindings(),
        k.errorFindings() + k.warningFindings() + k.returnsMissing());
    String window = "12 months to " + day(k.windowEnd()) + " (returns due from " + day(k.windowStart().plusDays(1)) + ")";
    Tag failure = k.serviceFailure() ? Tag.bad("Service failure") : Tag.good("No service failure");
    String failureText = k.serviceFailure()
        ? k.consecutiveMissing() + " returns in a row are missing for at least one service: three in a row is a service failure."
        : k.consecutiveMissing() == 0
            ? "No return is currently missing."
            : "The longest current run of missing returns is " + k.consecutiveMissing() + " (three in a row is a service failure).";
    Tag persistent = k.persistentlyInaccurate() ? Tag.bad("Persistently inaccurate") : Tag.good("Not persistently inaccurate");
    String persistentText = k.inaccuracyEvidence() != null && !k.inaccuracyEvidence().isBlank()
        ? capitalise(k.inaccuracyEvidence().strip()) + (k.inaccuracyEvidence().strip().endsWith(".") ? "" : ".")
        : k.inaccurateMonths() == 0
            ? "No return received in the window had an error."
            : "Returns with errors came in " + k.inaccurateMonths() + " different month(s).";
    return new KpiView(window, timeliness(k), accuracy(k), c, failure, failureText, persistent, persistentText);
  }

  private static Kpi timeliness(ProviderKpis k) {
    return new Kpi("Timeliness", pct(k.timelinessPct()), pct(k.timelinessTargetPct()),
        k.meetsTimelinessTarget() ? Tag.good("Met") : Tag.bad("Not met"),
        k.returnsOnTime() + " of " + k.returnsDue() + " returns due arrived on time");
  }

  private static Kpi accuracy(ProviderKpis k) {
    Tag tag = k.meetsAccuracyTarget() == null ? Tag.neutral("No returns received")
        : k.meetsAccuracyTarget() ? Tag.good("Met") : Tag.bad("Not met");
    return new Kpi("Accuracy", k.accuracyPct() == null ? "–" : pct(k.accuracyPct()), pct(k.accuracyTargetPct()), tag,
        k.returnsAccurate() + " of " + k.returnsReceived() + " returns received had no error");
  }

  private static Kpi noKpi(String name) {
    return new Kpi(name, "–", "95%", Tag.neutral("Nothing due"), "no returns due in the last 12 months");
  }

  static String pct(BigDecimal p) {
    if (p == null) {
      return "–";
    }
    BigDecimal r = p.setScale(1, RoundingMode.HALF_UP).stripTrailingZeros();
    return (r.scale() < 0 ? r.setScale(0) : r).toPlainString() + "%";
  }

  static Counts counts(List<Submission> subs, List<Finding> findings) {
    long errors = findings.stream().filter(f -> f.isError() && !"missing_submission".equals(f.ruleClass())).count();
    long warnings = findings.stream().filter(f -> !f.isError()).count();
    return new Counts(subs.size(), subs.stream().filter(Submission::received).count(),
        subs.stream().filter(Submission::onTime).count(), subs.stream().filter(Submission::late).count(),
        subs.stream().filter(s -> !s.received()).count(), subs.stream().filter(s -> Boolean.TRUE.equals(s.accurate())).count(),
        subs.stream().filter(s -> Boolean.FALSE.equals(s.accurate())).count(), errors, warnings, findings.size());
  }

  private List<ReturnLine> lateOrMissing(List<Submission> subs) {
    return subs.stream().filter(s -> !s.onTime())
        .sorted(Comparator.comparing(Submission::dueDate).reversed().thenComparing(s -> Objects.toString(s.locationName(), "")))
        .map(s -> new ReturnLine(serviceName(s.locationName(), s.locationId()), "#" + anchor(serviceKey(s)),
            capitalise(s.returnType()), periodText(s.periodStart(), s.periodEnd()), day(s.dueDate()),
            s.submittedAt() == null ? "–" : day(s.submittedAt().atZone(LONDON).toLocalDate()),
            s.received() ? Tag.warn(lateText(s.daysLate())) : Tag.bad("Missing")))
        .toList();
  }

  private List<ServiceBlock> services(List<Submission> subs, List<Finding> findings) {
    // a service is a contracted location; its name and type from the expected returns, else from the findings
    Map<String, List<Submission>> subsBy = subs.stream().collect(Collectors.groupingBy(ReportBuilder::serviceKey, LinkedHashMap::new,
        Collectors.toList()));
    Map<String, List<Finding>> findingsBy = findings.stream().collect(Collectors.groupingBy(Finding::locationId, LinkedHashMap::new,
        Collectors.toList()));
    Map<String, String[]> names = new TreeMap<>();
    subsBy.forEach((key, l) -> names.put(key, new String[] {l.get(0).locationName(), l.get(0).serviceType(), l.get(0).locationId()}));
    findingsBy.forEach((key, l) -> names.putIfAbsent(key, new String[] {l.get(0).locationName(), l.get(0).serviceType(), key}));
    List<ServiceBlock> blocks = new ArrayList<>();
    for (var e : names.entrySet()) {
      String key = e.getKey();
      String[] n = e.getValue();
      List<Submission> ss = subsBy.getOrDefault(key, List.of());
      List<Finding> fs = findingsBy.getOrDefault(key, List.of());
      Map<String, Submission> byReturn = ss.stream()
          .collect(Collectors.toMap(s -> s.returnType() + "|" + s.periodStart(), s -> s, (a, b) -> a));
      // newest period first; in one month the annual, then the quarterly, then the monthly return
      Map<String, List<Finding>> byPeriod = fs.stream().collect(Collectors.groupingBy(f -> f.returnType() + "|" + f.periodStart(),
          () -> new TreeMap<>(Comparator.comparing((String rk) -> rk.substring(rk.indexOf('|') + 1)).reversed()
              .thenComparing(rk -> RETURN_ORDER.indexOf(rk.substring(0, rk.indexOf('|'))))),
          Collectors.toList()));
      List<PeriodBlock> periods = new ArrayList<>();
      byPeriod.forEach((rk, pf) -> periods.add(periodBlock(pf, byReturn.get(rk))));
      long withoutFindings = ss.stream().filter(s -> !byPeriod.containsKey(s.returnType() + "|" + s.periodStart())).count();
      blocks.add(new ServiceBlock(anchor(key), serviceName(n[0], n[2]), n[2], serviceType(n[1]), counts(ss, fs), periods,
          withoutFindings));
    }
    blocks.sort(Comparator.comparing((ServiceBlock b) -> b.name().toLowerCase(Locale.ROOT)).thenComparing(ServiceBlock::locationId,
        Comparator.nullsLast(Comparator.naturalOrder())));
    return blocks;
  }

  private PeriodBlock periodBlock(List<Finding> fs, Submission s) {
    Finding first = fs.get(0);
    String heading = capitalise(first.returnType()) + " return, " + periodText(first.periodStart(), first.periodEnd());
    String status;
    Tag tag;
    if (s == null) {
      status = "";
      tag = null;
    } else if (!s.received()) {
      status = "Due " + day(s.dueDate()) + ", not received";
      tag = Tag.bad("Missing");
    } else if (!s.onTime()) {
      status = "Received " + day(s.submittedAt().atZone(LONDON).toLocalDate()) + ", due " + day(s.dueDate());
      tag = Tag.warn(lateText(s.daysLate()));
    } else {
      status = "Received " + day(s.submittedAt().atZone(LONDON).toLocalDate()) + ", due " + day(s.dueDate());
      tag = Tag.good("On time");
    }
    List<FindingLine> lines = fs.stream()
        .sorted(Comparator.comparing((Finding f) -> f.isError() ? 0 : 1).thenComparing(Finding::ruleCode)
            .thenComparing(f -> Objects.toString(f.measureCode(), "")))
        .map(f -> new FindingLine(f.isError() ? Tag.bad("Error") : Tag.warn("Warning"), f.ruleCode(), f.ruleClass().replace('_', ' '),
            f.description(), f.measureCode(), f.measureDescription(), f.value(), f.evidence()))
        .toList();
    long errors = fs.stream().filter(Finding::isError).count();
    return new PeriodBlock(heading, status, tag, errors, fs.size() - errors, lines);
  }

  static String serviceKey(Submission s) {
    return s.locationId() == null ? s.contractId() : s.locationId();
  }

  static String anchor(String key) {
    return "service-" + key.replaceAll("[^A-Za-z0-9_-]", "_");
  }

  private static String serviceName(String name, String id) {
    return name == null || name.isBlank() ? "Location " + id : name;
  }

  static String serviceType(String code) {
    if (code == null) {
      return "";
    }
    return SERVICE_TYPES.getOrDefault(code, capitalise(code.replace('_', ' ')));
  }

  static String lateText(Integer daysLate) {
    if (daysLate == null) {
      return "Late";
    }
    return daysLate == 1 ? "1 day late" : daysLate + " days late";
  }

  /** "July 2025", "July to September 2025", "April 2024 to March 2025". */
  static String periodText(LocalDate start, LocalDate end) {
    if (end == null || (start.getYear() == end.getYear() && start.getMonth() == end.getMonth())) {
      return MONTH_YEAR.format(start);
    }
    if (start.getYear() == end.getYear()) {
      return MONTH.format(start) + " to " + MONTH_YEAR.format(end);
    }
    return MONTH_YEAR.format(start) + " to " + MONTH_YEAR.format(end);
  }

  static String day(LocalDate d) {
    return d == null ? "–" : DAY.format(d);
  }

  private static String capitalise(String s) {
    return s == null || s.isEmpty() ? "" : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
