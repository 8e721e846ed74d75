package org.carelake.ingestion.generate;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Contracts, contract actions, the safeguarding log and visits for each service. */
final class ServicePlanner {

  static final List<String> COMMUNITY_TYPES = List.of("home_support", "supported_living", "extra_care", "day_opportunities");
  static final String[] JUDGEMENTS = {"Inadequate", "Requires improvement", "Good", "Outstanding"};

  private final long seed;
  private final Window window;
  private final List<String> officers;

  ServicePlanner(long seed, Window window, List<String> officers) {
    this.seed = seed;
    this.window = window;
    this.officers = officers;
  }

  // ---------------------------------------------------------------- contract

  Service contract(GeneratedLocation loc, int index, String contractPrefix) {
    Service s = new Service(loc, index);
    Rng r = Rng.of(seed, loc.locationId(), "contract");
    String name = loc.locationName().toLowerCase(Locale.ROOT);
    s.contractId = String.format(Locale.ROOT, "%s-%04d", contractPrefix, index + 1);
    if (loc.careHome()) {
      boolean younger = name.contains("learning disab") || name.contains("young") || name.contains("autism");
      s.serviceType = younger || r.chance(0.2) ? "care_home_under_65" : "care_home_older_people";
      s.measureGroup = "care_home";
      s.beds = loc.careHomeBeds() != null ? loc.careHomeBeds() : r.between(18, 50);
      s.capacityBeds = Math.max(1, Math.min(s.beds, (int) Math.round(s.beds * r.uniform(0.5, 1.0))));
      s.basePeople = s.beds;
      s.staffRatio = r.uniform(1.0, 1.6);
    } else {
      s.serviceType = communityType(name, r);
      s.measureGroup = s.serviceType.equals("home_support") ? "home_care" : "community";
      switch (s.serviceType) {
        case "home_support" -> {
          s.weeklyHours = roundTo(Math.exp(r.uniform(Math.log(150), Math.log(3000))), 5);
          s.basePeople = s.weeklyHours / r.uniform(8, 13);
          s.staffRatio = r.uniform(0.45, 0.75);
        }
        case "supported_living" -> {
          s.weeklyHours = roundTo(Math.exp(r.uniform(Math.log(300), Math.log(2500))), 5);
          s.basePeople = s.weeklyHours / r.uniform(30, 55);
          s.staffRatio = r.uniform(1.3, 2.4);
        }
        case "extra_care" -> {
          s.weeklyHours = roundTo(Math.exp(r.uniform(Math.log(150), Math.log(1200))), 5);
          s.basePeople = s.weeklyHours / r.uniform(6, 10);
          s.staffRatio = r.uniform(0.4, 0.7);
        }
        default -> {
          s.basePeople = r.between(15, 70);
          s.staffRatio = r.uniform(0.25, 0.45);
        }
      }
      s.basePeople = Math.max(4, s.basePeople);
    }
    contractDates(s, r);
    s.feeBand = feeBand(loc.overallRating(), r);
    s.kpiProfile = kpiProfile(loc.overallRating());
    s.xlsxPreference = r.chance(0.12);
    s.usesAgency = r.chance(0.6);
    s.reportsAgencyHours = r.chance(0.85);
    s.fireInspectionDayOfYear = r.between(1, 365);
    s.leadOfficer = officers.get(Math.floorMod((int) Rng.mix(seed, loc.locationId(), "officer"), officers.size()));
    return s;
  }

  private static String communityType(String name, Rng r) {
    if (name.contains("supported living")) {
      return "supported_living";
    }
    if (name.contains("extra care")) {
      return "extra_care";
    }
    if (name.contains("day centre") || name.contains("day service") || name.contains("day opportunit")) {
      return "day_opportunities";
    }
    if (name.contains("home care") || name.contains("homecare") || name.contains("domiciliary") || name.contains("home support")) {
      return "home_support";
    }
    return r.weighted(COMMUNITY_TYPES, new double[] {0.72, 0.16, 0.07, 0.05});
  }

  private void contractDates(Service s, Rng r) {
    List<LocalDate> inWindow = new ArrayList<>();
    for (LocalDate q : window.quarterStarts()) {
      if (q.isAfter(window.start()) && !q.isAfter(window.lastMonth().minusMonths(2).atDay(1))) {
        inWindow.add(q);
      }
    }
    if (!inWindow.isEmpty() && r.chance(0.08)) {
      List<LocalDate> aprils = inWindow.stream().filter(d -> d.getMonth() == Month.APRIL).toList();
      s.start = !aprils.isEmpty() && r.chance(0.7) ? r.pick(aprils) : r.pick(inWindow);
    } else {
      s.start = window.start().minusDays(r.between(90, 3650));
    }
    if (r.chance(0.05)) {
      List<LocalDate> ends = new ArrayList<>();
      for (YearMonth m = window.firstMonth().plusMonths(2); m.isBefore(window.lastMonth().minusMonths(1)); m = m.plusMonths(1)) {
        LocalDate e = m.atEndOfMonth();
        if (m.getMonthValue() % 3 == 0 && !e.isBefore(s.start.plusMonths(6))) {
          ends.add(e);
        }
      }
      if (!ends.isEmpty()) {
        List<LocalDate> march = ends.stream().filter(d -> d.getMonth() == Month.MARCH).toList();
        s.end = !march.isEmpty() && r.chance(0.6) ? r.pick(march) : r.pick(ends);
      }
    }
  }

  private static int feeBand(String rating, Rng r) {
    if (rating == null) {
      return 3;
    }
    return switch (rating) {
      case "Outstanding" -> r.chance(0.7) ? 5 : 4;
      case "Good" -> r.chance(0.5) ? 3 : 4;
      case "Requires improvement" -> r.chance(0.7) ? 2 : 3;
      case "Inadequate" -> r.chance(0.7) ? 1 : 2;
      default -> 3;
    };
  }

  static double[] kpiProfile(String rating) {
    if (rating == null) {
      return new double[] {0.78, 0.17, 0.05};
    }
    return switch (rating) {
      case "Outstanding" -> new double[] {0.9, 0.08, 0.02};
      case "Good" -> new double[] {0.85, 0.12, 0.03};
      case "Requires improvement" -> new double[] {0.6, 0.28, 0.12};
      case "Inadequate" -> new double[] {0.4, 0.35, 0.25};
      default -> new double[] {0.78, 0.17, 0.05};
    };
  }

  static int roundTo(double x, int step) {
    return Math.max(step, (int) Math.round(x / step) * step);
  }

  /** First and last day the service is contracted inside the window (and before the as-of date), or null. */
  LocalDate[] activeRange(Service s) {
    LocalDate from = s.start.isAfter(window.start()) ? s.start : window.start();
    LocalDate to = window.end().isAfter(window.lastDay()) ? window.lastDay() : window.end();
    if (s.end != null && s.end.isBefore(to)) {
      to = s.end;
    }
    return from.isAfter(to) ? null : new LocalDate[] {from, to};
  }

  // ---------------------------------------------------------------- contract actions

  void actions(Service s) {
    LocalDate[] range = activeRange(s);
    if (range == null || ChronoUnit.DAYS.between(range[0], range[1]) < 60) {
      return;
    }
    Rng r = Rng.of(seed, s.location.locationId(), "actions");
    String rating = s.location.overallRating();
    boolean inadequate = "Inadequate".equals(rating);
    boolean ri = "Requires improvement".equals(rating);
    double pNotice = inadequate ? 0.55 : ri ? 0.15 : "Outstanding".equals(rating) ? 0.0 : rating == null ? 0.03 : 0.02;
    long span = ChronoUnit.DAYS.between(range[0], range[1]);
    String id = s.location.locationId();
    String provider = s.location.providerId();
    if (r.chance(pNotice)) {
      LocalDate start = weekday(range[0].plusDays(r.between(0, (int) (span * 0.75))), range[1]);
      LocalDate end = closeBy(start.plusDays(r.between(60, 240)), s);
      String why = r.pick(inadequate
          ? List.of("CQC rated the service Inadequate; breaches in safe care and treatment",
              "CQC rated the service Inadequate; staffing levels and governance",
              "Medication errors and failing MAR audits found on a council visit")
          : List.of("Repeated failure to meet KPIs on care reviews and training",
              "Concerns about staffing levels and care planning from a council visit",
              "Complaints from families about continuity of care workers"));
      s.actions.add(new ContractAction(provider, id, "improvement_notice", start, end, why));
      if (s.careHome() && r.chance(inadequate ? 0.6 : 0.25)) {
        LocalDate sStart = start.plusDays(r.between(0, 7));
        LocalDate sEnd = end == null ? null : closeBy(end.plusDays(r.between(0, 45)), s);
        s.actions.add(new ContractAction(provider, id, "suspension_of_referrals", sStart, sEnd,
            "Improvement notice in force: no new council placements until improvement is evidenced and sustained"));
      }
      s.actions.add(new ContractAction(provider, id, "enhanced_monitoring", start, end == null ? null : closeBy(end.plusDays(r.between(30, 90)), s),
          "Improvement notice in force: officer assigned, monthly visits testing the action plan"));
      if (r.chance(0.5)) {
        s.actions.add(new ContractAction(provider, id, "service_improvement_plan", start.plusDays(r.between(7, 21)), end,
            "Provider's service improvement plan agreed with the council"));
      }
      if (inadequate && r.chance(0.2)) {
        LocalDate d = start.plusDays(r.between(60, 120));
        if (d.isBefore(range[1])) {
          s.actions.add(new ContractAction(provider, id, "default_notice", weekday(d, range[1]), null,
              "Improvement notice actions not completed by the agreed date"));
        }
      }
    } else if (r.chance(0.04)) {
      LocalDate start = weekday(range[0].plusDays(r.between(0, (int) (span * 0.8))), range[1]);
      s.actions.add(new ContractAction(provider, id, "enhanced_monitoring", start, closeBy(start.plusDays(r.between(90, 180)), s),
          r.pick(List.of("Rise in safeguarding concerns raised about the service", "Failing KPIs on outcome reviews and MAR audits",
              "Registered manager left without a handover"))));
    }
    if (s.end != null && (inadequate || ri) && r.chance(0.5)) {
      LocalDate start = s.end.minusDays(r.between(60, 90));
      if (!start.isBefore(s.start)) {
        s.actions.add(new ContractAction(provider, id, "termination", start, s.end,
            "Contract terminated by the council after sustained failure to improve"));
      }
    }
  }

  /** A large scale enquiry at one home: the enquiry, a suspension of referrals and enhanced monitoring. */
  void largeScaleEnquiry(Service s, Rng r) {
    LocalDate[] range = activeRange(s);
    if (range == null || ChronoUnit.DAYS.between(range[0], range[1]) < 90) {
      return;
    }
    long span = ChronoUnit.DAYS.between(range[0], range[1]);
    LocalDate start = weekday(range[0].plusDays(r.between(0, (int) (span * 0.7))), range[1]);
    LocalDate end = closeBy(start.plusDays(r.between(60, 150)), s);
    String id = s.location.locationId();
    String provider = s.location.providerId();
    s.actions.add(new ContractAction(provider, id, "large_scale_enquiry", start, end,
        "Several safeguarding concerns of neglect across residents; organisational abuse suspected"));
    s.actions.add(new ContractAction(provider, id, "suspension_of_referrals", start, end == null ? null : closeBy(end.plusDays(r.between(0, 30)), s),
        "Large scale enquiry open"));
    s.actions.add(new ContractAction(provider, id, "enhanced_monitoring", start, end == null ? null : closeBy(end.plusDays(r.between(30, 60)), s),
        "Large scale enquiry open: officer assigned"));
  }

  /** An end date, or null (still active) when it would fall on or after the last day observed. */
  private LocalDate closeBy(LocalDate end, Service s) {
    if (s.end != null && end.isAfter(s.end)) {
      end = s.end;
    }
    return end.isBefore(window.lastDay()) ? end : null;
  }

  static LocalDate weekday(LocalDate d, LocalDate notAfter) {
    LocalDate out = d;
    if (out.getDayOfWeek() == DayOfWeek.SATURDAY) {
      out = out.plusDays(2);
    } else if (out.getDayOfWeek() == DayOfWeek.SUNDAY) {
      out = out.plusDays(1);
    }
    if (out.isAfter(notAfter)) {
      out = d;
      while (out.getDayOfWeek() == DayOfWeek.SATURDAY || out.getDayOfWeek() == DayOfWeek.SUNDAY) {
        out = out.minusDays(1);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- safeguarding log

  static final List<String> SOURCES = List.of("provider", "family", "professional", "cqc", "whistleblowing", "public", "anonymous");
  static final double[] SOURCE_WEIGHTS = {0.42, 0.2, 0.22, 0.03, 0.04, 0.04, 0.05};
  static final List<String> ABUSE = List.of("neglect", "physical", "financial", "psychological", "sexual", "organisational",
      "discriminatory", "domestic", "self_neglect", "modern_slavery");
  static final double[] ABUSE_WEIGHTS = {0.36, 0.16, 0.1, 0.1, 0.03, 0.08, 0.02, 0.04, 0.1, 0.01};

  void concerns(Service s) {
    LocalDate[] range = activeRange(s);
    if (range == null) {
      return;
    }
    String rating = s.location.overallRating();
    double factor = "Inadequate".equals(rating) ? 2.0 : "Requires improvement".equals(rating) ? 1.4 : 1.0;
    double lambda = Math.max(0.05, (s.careHome() ? 0.012 : 0.006) * s.basePeople * factor);
    for (YearMonth m = YearMonth.from(range[0]); !m.isAfter(YearMonth.from(range[1])); m = m.plusMonths(1)) {
      Rng r = Rng.of(seed, s.location.locationId(), "concerns", m);
      LocalDate mid = m.atDay(15);
      boolean lse = s.actionActive("large_scale_enquiry", mid);
      int n = r.poisson(lse ? lambda * 3 + 1 : lambda);
      LocalDate from = m.atDay(1).isBefore(range[0]) ? range[0] : m.atDay(1);
      LocalDate to = m.atEndOfMonth().isAfter(range[1]) ? range[1] : m.atEndOfMonth();
      for (int i = 0; i < n; i++) {
        LocalDate received = from.plusDays(r.between(0, (int) ChronoUnit.DAYS.between(from, to)));
        String source = r.weighted(SOURCES, SOURCE_WEIGHTS);
        String abuse = lse && r.chance(0.6) ? "neglect" : r.weighted(ABUSE, ABUSE_WEIGHTS);
        String risk = r.weighted(List.of("low", "medium", "high"), new double[] {0.5, 0.35, 0.15});
        boolean s42 = r.chance(risk.equals("high") ? 0.7 : risk.equals("medium") ? 0.4 : 0.15) || lse;
        LocalDate concluded = null;
        String outcome = null;
        if (s42) {
          LocalDate c = received.plusDays(r.between(15, 120));
          if (c.isBefore(window.asOf())) {
            concluded = c;
            double sub = "Inadequate".equals(rating) || lse ? 0.4 : 0.22;
            outcome = r.weighted(List.of("substantiated", "partially_substantiated", "not_substantiated", "inconclusive"),
                new double[] {sub, 0.2, 0.43, 0.15});
          }
        }
        String person = String.format(Locale.ROOT, "P%06d", (s.index + 1) * 1000 + r.between(0, 999));
        s.concerns.add(new Concern(s.location.locationId(), s.location.providerId(), received, source, abuse, person, risk, s42, concluded,
            outcome, lse && s.actionActive("large_scale_enquiry", received)));
      }
    }
    s.concerns.sort(Comparator.comparing(Concern::received));
  }

  // ---------------------------------------------------------------- visits

  void visits(Service s) {
    LocalDate[] range = activeRange(s);
    if (range == null) {
      return;
    }
    Rng r = Rng.of(seed, s.location.locationId(), "visits");
    LocalDate from = range[0];
    LocalDate to = range[1];
    int span = (int) ChronoUnit.DAYS.between(from, to);
    for (LocalDate d = from.plusDays(r.between(0, Math.min(330, span))); !d.isAfter(to); d = d.plusDays(r.between(330, 380))) {
      s.visits.add(visit(s, weekday(d, to), "proactive", r));
    }
    if (s.careHome() && r.chance(0.35)) {
      s.visits.add(visit(s, weekday(from.plusDays(r.between(0, Math.min(364, span))), to), "annual_audit", r));
    }
    if (r.chance(0.06)) {
      s.visits.add(visit(s, weekday(from.plusDays(r.between(0, span)), to), r.chance(0.5) ? "joint_cqc" : "joint_icb", r));
    }
    LocalDate lastReactive = null;
    for (Concern c : s.concerns) {
      boolean trigger = c.riskLevel().equals("high") || c.source().equals("whistleblowing") || c.source().equals("cqc") || r.chance(0.12);
      LocalDate d = c.received().plusDays(r.between(2, 14));
      if (trigger && !d.isAfter(to) && (lastReactive == null || d.isAfter(lastReactive.plusDays(21)))) {
        d = weekday(d, to);
        s.visits.add(visit(s, d, "reactive", r));
        lastReactive = d;
      }
    }
    for (ContractAction a : s.actions) {
      if (a.type().equals("enhanced_monitoring")) {
        LocalDate until = a.end() == null || a.end().isAfter(to) ? to : a.end();
        for (LocalDate d = a.start().plusDays(14); !d.isAfter(until); d = d.plusDays(r.between(28, 42))) {
          s.visits.add(visit(s, weekday(d, until), "enhanced_monitoring", r));
        }
      }
    }
    s.visits.sort(Comparator.comparing((Visit v) -> v.date).thenComparing(v -> v.type));
  }

  Visit visit(Service s, LocalDate date, String type, Rng r) {
    int base = switch (s.location.overallRating() == null ? "" : s.location.overallRating()) {
      case "Outstanding" -> 4;
      case "Requires improvement" -> 2;
      case "Inadequate" -> 1;
      default -> 3;
    };
    if (s.actionActive("improvement_notice", date) || s.actionActive("large_scale_enquiry", date)) {
      base = Math.max(1, base - 1);
    }
    int visitBase = clamp(base + (r.chance(0.15) ? (r.chance(0.5) ? 1 : -1) : 0), 1, 4);
    String[] j = new String[5];
    int worst = 4;
    int sum = 0;
    int assessed = 0;
    for (int i = 0; i < 5; i++) {
      boolean assess = switch (type) {
        case "reactive" -> i == 0 || i == 4 || (i == 2 && r.chance(0.5));
        case "joint_icb" -> i != 3 || r.chance(0.5);
        default -> true;
      };
      if (!assess) {
        j[i] = "Not assessed";
        continue;
      }
      int k = clamp(visitBase + (r.chance(0.2) ? (r.chance(0.5) ? 1 : -1) : 0), 1, 4);
      j[i] = JUDGEMENTS[k - 1];
      worst = Math.min(worst, k);
      sum += k;
      assessed++;
    }
    int overall = worst == 1 ? 1 : (int) Math.round((double) sum / assessed);
    int raised = switch (overall) {
      case 4 -> r.between(0, 1);
      case 3 -> r.between(0, 3);
      case 2 -> r.between(2, 7);
      default -> r.between(5, 12);
    };
    long age = ChronoUnit.DAYS.between(date, window.lastDay());
    int closed = r.binomial(raised, Math.min(0.9, age / 120.0));
    int verified = switch (type) {
      case "proactive", "annual_audit", "enhanced_monitoring" -> r.between(6, 14);
      case "reactive" -> r.between(0, 6);
      default -> 0;
    };
    String officer = type.equals("reactive") && r.chance(0.4) ? r.pick(officers) : s.leadOfficer;
    boolean announced = switch (type) {
      case "reactive" -> false;
      case "enhanced_monitoring" -> r.chance(0.5);
      default -> true;
    };
    return new Visit(s.location.locationId(), s.location.providerId(), date, type, announced, officer, j, JUDGEMENTS[overall - 1],
        raised, closed, verified, raised > 0 ? date.plusDays(r.between(28, 90)) : null);
  }

  static int clamp(int x, int lo, int hi) {
    return Math.max(lo, Math.min(hi, x));
  }
}
