package org.carelake.ingestion.generate;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;

/**
 * A data-quality checker written from DOMAIN.md for the tests, independent of the generator's own rules: which
 * returns were expected (from contracts.csv and the window), which never arrived, and for each one received the fault
 * classes it shows.
 */
final class IndependentChecker {

  final Map<String, Set<String>> findings = new TreeMap<>(); // key location|type|period_start -> classes
  final Map<String, List<String>> reasons = new TreeMap<>();
  final Set<String> expected = new TreeSet<>();
  final Set<String> missing = new TreeSet<>();

  private final MeasureCatalogue catalogue;
  private final Map<String, Map<String, String>> contracts = new HashMap<>();
  private final Map<String, Integer> beds = new HashMap<>();
  private final Map<String, Integer> providerConcerns = new HashMap<>();
  private final Map<String, Integer> discrepant = new HashMap<>();
  private final List<String[]> kpiPairs = new ArrayList<>();

  IndependentChecker(Map<String, byte[]> files, List<GeneratedLocation> locations, MeasureCatalogue catalogue, int months, LocalDate asOf) {
    this.catalogue = catalogue;
    locations.forEach(l -> beds.put(l.locationId(), l.careHomeBeds()));
    for (Map<String, String> c : GeneratorFixtures.csv(files.get("contracts.csv"))) {
      contracts.put(c.get("location_id"), c);
    }
    for (Map<String, String> c : GeneratorFixtures.csv(files.get("safeguarding.csv"))) {
      if (c.get("source").equals("provider")) {
        providerConcerns.merge(c.get("location_id") + "|" + YearMonth.from(LocalDate.parse(c.get("received_date"))), 1, Integer::sum);
      }
    }
    for (Map<String, String> v : GeneratorFixtures.csv(files.get("visits.csv"))) {
      discrepant.merge(v.get("location_id") + "|" + YearMonth.from(LocalDate.parse(v.get("visit_date"))),
          Integer.parseInt(v.get("measures_discrepant")), Integer::sum);
    }
    CsvText kpis = CsvText.parse(SourceBytes.read(IngestionTestSupport.repoRoot().resolve("seeds/ref/kpis.csv")));
    for (CsvText.Record r : kpis.records()) {
      String num = r.record().get("numerator");
      String den = r.record().get("denominator");
      if (catalogue.find(den).isPresent() && !r.record().get("kpi_code").equals("ROTA_COVERAGE")) {
        kpiPairs.add(new String[] {num, den});
      }
    }
    // expected returns
    YearMonth last = YearMonth.from(asOf).minusMonths(1);
    YearMonth first = last.minusMonths(months - 1L);
    List<String[]> periods = new ArrayList<>();
    for (YearMonth m = first; !m.isAfter(last); m = m.plusMonths(1)) {
      periods.add(new String[] {"monthly", m.atDay(1).toString(), m.atEndOfMonth().toString()});
      if (m.getMonthValue() % 3 == 0 && !m.minusMonths(2).isBefore(first)) {
        periods.add(new String[] {"quarterly", m.minusMonths(2).atDay(1).toString(), m.atEndOfMonth().toString()});
      }
      if (m.getMonthValue() == 3) {
        periods.add(new String[] {"annual", LocalDate.of(m.getYear() - 1, 4, 1).toString(), m.atEndOfMonth().toString()});
      }
    }
    for (Map<String, String> c : contracts.values()) {
      LocalDate start = LocalDate.parse(c.get("start_date"));
      LocalDate end = c.get("end_date").isEmpty() ? null : LocalDate.parse(c.get("end_date"));
      for (String[] p : periods) {
        if (!start.isAfter(LocalDate.parse(p[1])) && (end == null || !end.isBefore(LocalDate.parse(p[2])))) {
          expected.add(c.get("location_id") + "|" + p[0] + "|" + p[1]);
        }
      }
    }
    Map<String, List<GeneratorFixtures.ParsedReturn>> streams = new TreeMap<>();
    Set<String> received = new TreeSet<>();
    for (GeneratorFixtures.ParsedReturn r : GeneratorFixtures.returns(files)) {
      streams.computeIfAbsent(r.locationId() + "|" + r.returnType(), k -> new ArrayList<>()).add(r);
      received.add(r.key());
    }
    expected.stream().filter(k -> !received.contains(k)).forEach(missing::add);
    for (List<GeneratorFixtures.ParsedReturn> stream : streams.values()) {
      stream.sort((a, b) -> a.periodStart().compareTo(b.periodStart()));
      for (int i = 0; i < stream.size(); i++) {
        check(stream.get(i), stream.subList(0, i));
      }
    }
  }

  static LocalDate due(String type, LocalDate periodEnd) {
    return switch (type) {
      case "monthly" -> periodEnd.plusDays(1).withDayOfMonth(10);
      case "quarterly" -> periodEnd.plusDays(1).withDayOfMonth(15);
      default -> LocalDate.of(periodEnd.getYear(), 4, 30);
    };
  }

  private void flag(GeneratorFixtures.ParsedReturn r, String cls, String why) {
    findings.computeIfAbsent(r.key(), k -> new TreeSet<>()).add(cls);
    reasons.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(cls + ": " + why);
  }

  static boolean valid(Measure m, String v) {
    String s = v.trim();
    return switch (m.unit()) {
      case "count" -> s.matches("\\d+");
      case "hours" -> s.matches("\\d+(\\.\\d+)?");
      case "percent" -> s.matches("\\d+(\\.\\d+)?") && new BigDecimal(s).compareTo(BigDecimal.valueOf(100)) <= 0;
      case "date" -> s.matches("\\d{4}-\\d{2}-\\d{2}");
      case "flag" -> s.equals("0") || s.equals("1");
      default -> true;
    };
  }

  private Double num(Map<String, Measure> ms, Map<String, String> values, String code) {
    Measure m = ms.get(code);
    String v = values.get(code);
    if (m == null || v == null || v.isBlank() || !valid(m, v) || m.unit().equals("date")) {
      return null;
    }
    return Double.parseDouble(v);
  }

  private Double sum(Map<String, Measure> ms, Map<String, String> values, String expr) {
    double total = 0;
    for (String code : expr.split("\\+")) {
      Double x = num(ms, values, code.trim());
      if (x == null) {
        return null;
      }
      total += x;
    }
    return total;
  }

  private void check(GeneratorFixtures.ParsedReturn r, List<GeneratorFixtures.ParsedReturn> before) {
    Map<String, String> c = contracts.get(r.locationId());
    List<Measure> applicable = catalogue.applicable(r.returnType(), c.get("service_type"));
    Map<String, Measure> ms = new LinkedHashMap<>();
    applicable.forEach(m -> ms.put(m.code(), m));
    Map<String, String> v = r.values();
    for (String code : v.keySet()) {
      if (!ms.containsKey(code)) {
        flag(r, "unexpected_measure", code);
      }
    }
    for (Measure m : applicable) {
      String x = v.get(m.code());
      if (x == null || x.isBlank()) {
        if (m.mandatory()) {
          flag(r, "missing_measure", m.code());
        }
      } else if (!valid(m, x)) {
        flag(r, "invalid_value", m.code() + "=" + x);
      }
    }
    Double k = num(ms, v, "SG_ENQUIRIES_CONCLUDED");
    Double com = num(ms, v, "SG_ENQUIRIES_COMMENCED");
    Double ong = num(ms, v, "SG_ENQUIRIES_ONGOING");
    if (k != null && com != null && ong != null && k > com + ong) {
      flag(r, "internal_inconsistency", "concluded > commenced + ongoing");
    }
    if (!before.isEmpty() && k != null && com != null) {
      GeneratorFixtures.ParsedReturn prev = before.get(before.size() - 1);
      if (prev.periodStart().equals(r.periodStart().minusMonths(1))) {
        Double prevOngoing = num(ms, prev.values(), "SG_ENQUIRIES_ONGOING");
        if (prevOngoing != null && k > com + prevOngoing) {
          flag(r, "internal_inconsistency", "concluded > commenced + previous ongoing");
        }
      }
    }
    Double outcomes = sum(ms, v, "SG_SUBSTANTIATED+SG_PARTIALLY_SUBSTANTIATED+SG_NOT_SUBSTANTIATED");
    if (outcomes != null && k != null && outcomes > k) {
      flag(r, "internal_inconsistency", "outcomes > concluded");
    }
    Double staff = num(ms, v, "WF_STAFF_EMPLOYED");
    Double ftpt = sum(ms, v, "WF_STAFF_FULL_TIME+WF_STAFF_PART_TIME");
    if (staff != null && ftpt != null && !ftpt.equals(staff)) {
      flag(r, "internal_inconsistency", "full + part time != staff");
    }
    Double leavers = num(ms, v, "WF_LEAVERS");
    Double staffStarters = sum(ms, v, "WF_STAFF_EMPLOYED+WF_NEW_STARTERS");
    if (leavers != null && staffStarters != null && leavers > staffStarters) {
      flag(r, "internal_inconsistency", "leavers > staff + starters");
    }
    pair(r, ms, v, "CC_COMPLAINTS_UPHELD", "CC_COMPLAINTS_RECEIVED");
    pair(r, ms, v, "SP_ACTIVE_COUNCIL_FUNDED", "SP_ACTIVE_RESIDENTS");
    for (String[] p : kpiPairs) {
      pair(r, ms, v, p[0], p[1]);
    }
    Double req = num(ms, v, "KPI_ROTA_HOURS_REQUIRED");
    Double cov = num(ms, v, "KPI_ROTA_HOURS_COVERED");
    if (req != null && cov != null && cov > 1.2 * req) {
      flag(r, "internal_inconsistency", "covered far above required");
    }
    // other sources
    String month = r.locationId() + "|" + YearMonth.from(r.periodStart());
    Double residents = num(ms, v, "SP_ACTIVE_RESIDENTS");
    Integer cqcBeds = beds.get(r.locationId());
    if (residents != null && cqcBeds != null && residents > cqcBeds) {
      flag(r, "cross_source", "people above CQC beds");
    }
    Double funded = num(ms, v, "SP_ACTIVE_COUNCIL_FUNDED");
    if (funded != null && !c.get("capacity_beds").isEmpty() && funded > Integer.parseInt(c.get("capacity_beds"))) {
      flag(r, "cross_source", "council-funded above contracted beds");
    }
    Double raised = num(ms, v, "SG_CONCERNS_RAISED");
    if (raised != null && raised < providerConcerns.getOrDefault(month, 0)) {
      flag(r, "cross_source", "fewer concerns than the log");
    }
    if (r.returnType().equals("monthly") && discrepant.getOrDefault(month, 0) > 0) {
      flag(r, "cross_source", "visit found discrepancies");
    }
    // history
    if (!before.isEmpty()) {
      if (v.equals(before.get(before.size() - 1).values())) {
        flag(r, "history_anomaly", "copied");
      }
      List<GeneratorFixtures.ParsedReturn> recent = before.subList(Math.max(0, before.size() - 3), before.size());
      for (Measure m : applicable) {
        if (!(m.unit().equals("count") || m.unit().equals("hours"))) { // HA01 judges counts and hours, not bounded rates
          continue;
        }
        Double x = num(ms, v, m.code());
        List<Double> xs = new ArrayList<>();
        recent.forEach(p -> {
          Double y = num(ms, p.values(), m.code());
          if (y != null) {
            xs.add(y);
          }
        });
        if (x == null || xs.isEmpty()) {
          continue;
        }
        Collections.sort(xs);
        double base = xs.size() % 2 == 1 ? xs.get(xs.size() / 2) : (xs.get(xs.size() / 2 - 1) + xs.get(xs.size() / 2)) / 2;
        if ((x >= 10 * base && x >= 20) || (base >= 10 * x && base >= 20)) {
          flag(r, "history_anomaly", m.code() + " " + x + " vs " + base);
        }
      }
    }
    if (r.submittedAt().toLocalDate().isAfter(due(r.returnType(), r.periodEnd()))) {
      flag(r, "late", "submitted " + r.submittedAt());
    }
  }

  private void pair(GeneratorFixtures.ParsedReturn r, Map<String, Measure> ms, Map<String, String> v, String small, String big) {
    Double a = sum(ms, v, small);
    Double b = num(ms, v, big);
    if (a != null && b != null && a > b) {
      flag(r, "internal_inconsistency", small + " > " + big);
    }
  }
}
