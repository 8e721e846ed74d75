package org.carelake.ingestion.generate;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnPeriod;

/**
 * The true figures of each service: a month-by-month simulation (occupancy, staff, starters and leavers, safeguarding
 * enquiries, KPIs) from which the monthly, quarterly and annual returns are read. Every period is redrawn until it is
 * clean (no rule of {@link SubmissionRules} broken) and smooth against the previous periods (no quantity moving by a
 * factor of 4 or more once it is 10 or above), so that clean returns stay far from the fault thresholds.
 */
final class ValueModel {

  private static final int ATTEMPTS = 60;

  private final long seed;
  private final Window window;
  private final MeasureCatalogue catalogue;

  ValueModel(long seed, Window window, MeasureCatalogue catalogue) {
    this.seed = seed;
    this.window = window;
    this.catalogue = catalogue;
  }

  /** Simulates the months from a year before the window to its end. */
  void simulate(Service s) {
    Rng init = Rng.of(seed, s.location.locationId(), "init");
    s.occupancyTarget = init.uniform(0.82, 0.96);
    s.fillTarget = init.uniform(0.7, 0.98);
    s.fundedTarget = switch (s.serviceType) {
      case "home_support" -> init.uniform(0.7, 0.95);
      case "supported_living" -> init.uniform(0.85, 1.0);
      case "extra_care" -> init.uniform(0.5, 0.8);
      default -> init.uniform(0.6, 0.9);
    };
    Service.MonthState prev = new Service.MonthState();
    prev.occupancy = s.occupancyTarget + 0.02 * init.normal();
    prev.fill = s.fillTarget;
    prev.people = s.basePeople;
    prev.fundedShare = s.fundedTarget;
    prev.staff = (int) Math.max(4, Math.round(staffTarget(s, s.basePeople) * init.uniform(0.92, 1.05)));
    prev.ftShare = init.uniform(0.45, 0.72);
    prev.vacancyRate = init.uniform(0.03, 0.12);
    s.agencyBase = s.usesAgency ? staffTarget(s, s.basePeople) * init.uniform(2, 12) : 0;
    prev.agencyHours = s.agencyBase;
    prev.ongoingEnquiries = init.poisson(s.basePeople / 40);
    prev.starters = 1;
    List<Measure> monthly = catalogue.applicable("monthly", s.serviceType);
    List<SubmissionRules.Received> history = new ArrayList<>();
    for (YearMonth m = window.firstMonth().minusMonths(12); !m.isAfter(window.lastMonth()); m = m.plusMonths(1)) {
      Rng r = Rng.of(seed, s.location.locationId(), "month", m);
      SubmissionRules.Context ctx = new SubmissionRules.Context(s.cqcBeds(), s.capacityBeds, inLog(m) ? s.providerConcerns(m) : 0, 0,
          LocalDate.MAX);
      Service.MonthState chosen = null;
      for (int attempt = 0; attempt < ATTEMPTS && chosen == null; attempt++) {
        Service.MonthState cand = month(s, prev, m, r, monthly);
        SubmissionRules.Received rec = new SubmissionRules.Received("monthly", m.atDay(1), cand.values, null);
        boolean clean = SubmissionRules.check(rec, history, ctx, monthly).isEmpty();
        if (clean && (smooth(cand.values, history, monthly) || attempt == ATTEMPTS - 1)) {
          chosen = cand;
        }
      }
      if (chosen == null) {
        throw new IllegalStateException("could not draw clean figures for " + s.location.locationId() + " in " + m);
      }
      s.months.put(m, chosen);
      history.add(new SubmissionRules.Received("monthly", m.atDay(1), chosen.values, null));
      prev = chosen;
    }
  }

  private boolean inLog(YearMonth m) {
    return !m.isBefore(window.firstMonth()) && !m.isAfter(window.lastMonth());
  }

  private static double staffTarget(Service s, double people) {
    return Math.max(4, s.staffRatio * (s.careHome() ? s.beds : people));
  }

  private Service.MonthState month(Service s, Service.MonthState prev, YearMonth m, Rng r, List<Measure> measures) {
    Service.MonthState st = new Service.MonthState();
    Map<String, String> v = new HashMap<>();
    int days = m.lengthOfMonth();
    LocalDate mid = m.atDay(15);
    boolean suspended = s.actionActive("suspension_of_referrals", mid);
    boolean notice = s.actionActive("improvement_notice", mid) || s.actionActive("large_scale_enquiry", mid);
    double[] profile = notice ? worse(s.kpiProfile) : s.kpiProfile;
    boolean home = s.careHome();

    // people supported
    if (home) {
      st.occupancy = clamp(prev.occupancy + 0.25 * (s.occupancyTarget - prev.occupancy) + 0.02 * r.normal(), 0.55, 1.0);
      st.residents = clampInt((int) Math.round(st.occupancy * s.beds), 1, s.beds);
      st.fill = clamp(prev.fill + 0.2 * (s.fillTarget - prev.fill) + 0.03 * r.normal(), 0.5, 1.0);
      st.councilFunded = Math.min(st.residents, (int) Math.round(st.fill * s.capacityBeds));
      st.people = st.residents;
    } else {
      st.people = Math.max(3, prev.people + 0.2 * (s.basePeople - prev.people) + prev.people * 0.025 * r.normal());
      st.residents = (int) Math.max(3, Math.round(st.people));
      st.fundedShare = clamp(prev.fundedShare + 0.2 * (s.fundedTarget - prev.fundedShare) + 0.02 * r.normal(), 0.3, 1.0);
      st.councilFunded = Math.min(st.residents, (int) Math.round(st.residents * st.fundedShare));
    }
    int people = st.residents;
    put(v, "SP_ACTIVE_RESIDENTS", people);
    put(v, "SP_ACTIVE_COUNCIL_FUNDED", st.councilFunded);
    put(v, "SP_REVIEWS_COMPLETED", r.poisson(people * 0.09 + 0.3));
    int referrals = suspended ? 0 : r.poisson((home ? s.beds * 0.06 : people * 0.05) + 0.3);
    int accepted = r.binomial(referrals, 0.7);
    put(v, "SP_NEW_REFERRALS", referrals);
    put(v, "SP_REFERRALS_ACCEPTED", accepted);
    put(v, "SP_REFERRALS_REFUSED", r.binomial(referrals - accepted, 0.6));
    put(v, "SP_PLACEMENTS_COMMENCED", suspended ? 0 : r.binomial(accepted, 0.85));
    put(v, "SP_OUTCOMES_ACHIEVED", (int) Math.round(people * r.uniform(0.3, 0.7)));
    put(v, "SP_HOSPITAL_ADMISSIONS", r.poisson(people * (home ? 0.035 : 0.02)));

    // workforce
    double target = staffTarget(s, st.people);
    int starters = r.poisson(Math.max(0.1, prev.staff * 0.028 + 0.15 * (target - prev.staff)));
    int leavers = Math.min(r.poisson(prev.staff * 0.027), (prev.staff + 2 * starters) / 2);
    st.staff = Math.max(2, prev.staff + starters - leavers);
    st.starters = starters;
    st.leavers = leavers;
    st.ftShare = clamp(prev.ftShare + 0.015 * r.normal(), 0.3, 0.85);
    int ft = (int) Math.round(st.staff * st.ftShare);
    st.vacancyRate = clamp(prev.vacancyRate + 0.01 * r.normal(), 0.01, 0.2);
    st.vacancies = (int) Math.round(st.staff * st.vacancyRate);
    int disciplinary = r.poisson(st.staff * 0.006);
    int dismissals = Math.min(leavers, r.binomial(disciplinary, 0.35));
    put(v, "WF_STAFF_EMPLOYED", st.staff);
    put(v, "WF_STAFF_FULL_TIME", ft);
    put(v, "WF_STAFF_PART_TIME", st.staff - ft);
    put(v, "WF_STAFF_LONG_TERM_ABSENT", Math.min(st.staff, r.poisson(st.staff * 0.03)));
    put(v, "WF_NEW_STARTERS", starters);
    put(v, "WF_LEAVERS", leavers);
    put(v, "WF_VACANCIES", st.vacancies);
    put(v, "WF_IN_INDUCTION", starters + Math.min(3, r.poisson(0.3)));
    put(v, "WF_DISCIPLINARY_CASES", disciplinary);
    put(v, "WF_DISMISSALS", dismissals);
    put(v, "WF_STAFF_ON_RISK_ASSESSMENT", r.poisson(st.staff * 0.008 + 0.1));
    put(v, "WF_BARRING_REFERRALS", r.binomial(dismissals, 0.2));
    st.agencyHours = s.usesAgency ? Math.max(0, prev.agencyHours * (1 + 0.1 * r.normal()) + 0.2 * (s.agencyBase - prev.agencyHours)) : 0;
    v.put("WF_AGENCY_HOURS", s.reportsAgencyHours ? Long.toString(Math.round(st.agencyHours)) : "");

    // complaints
    int complaints = r.poisson(0.15 + people * 0.012);
    put(v, "CC_COMPLAINTS_RECEIVED", complaints);
    put(v, "CC_COMPLAINTS_COUNCIL_INFORMED", r.binomial(complaints, 0.5));
    put(v, "CC_COMPLAINTS_UPHELD", r.binomial(complaints, 0.35));
    put(v, "CC_COMPLAINTS_RESOLVED_28D", r.binomial(complaints, 0.85));
    put(v, "CC_COMPLIMENTS", r.poisson(0.4 + people * 0.04));

    // safeguarding: concerns at least those the council's log holds from the provider; enquiries from the log's s42s
    double lambda = (home ? 0.012 : 0.006) * s.basePeople;
    int providerConcerns = inLog(m) ? s.providerConcerns(m) : r.poisson(lambda * 0.42);
    int commenced = inLog(m) ? s.s42Concerns(m) : r.poisson(lambda * 0.3);
    int concluded = Math.min(r.binomial(prev.ongoingEnquiries + commenced, 0.45), commenced + prev.ongoingEnquiries / 2);
    st.ongoingEnquiries = prev.ongoingEnquiries + commenced - concluded;
    int sub = r.binomial(concluded, 0.3);
    int part = r.binomial(concluded - sub, 0.25);
    int not = r.binomial(concluded - sub - part, 0.75);
    put(v, "SG_CONCERNS_RAISED", providerConcerns + r.poisson(0.2 + people * 0.006));
    put(v, "SG_ENQUIRIES_COMMENCED", commenced);
    put(v, "SG_ENQUIRIES_ONGOING", st.ongoingEnquiries);
    put(v, "SG_ENQUIRIES_CONCLUDED", concluded);
    put(v, "SG_SUBSTANTIATED", sub);
    put(v, "SG_PARTIALLY_SUBSTANTIATED", part);
    put(v, "SG_NOT_SUBSTANTIATED", not);
    put(v, "SG_DBS_INITIATED", starters + r.poisson(0.4));
    put(v, "SG_DBS_COMPLETED", r.poisson(prev.starters * 0.9 + 0.3));
    put(v, "IA_INCIDENTS", r.poisson(people * (home ? 0.06 : 0.025)));
    put(v, "IA_ACCIDENTS", r.poisson(people * (home ? 0.1 : 0.015)));

    // home care calls and packages
    int scheduled = (int) Math.round(people * r.uniform(2.2, 3.2) * days);
    double missedLate = lowerBetterRate(r, profile, 5);
    int missedAndLate = (int) Math.round(scheduled * missedLate);
    int missed = (int) Math.round(missedAndLate * r.uniform(0.1, 0.25));
    put(v, "HC_CALLS_SCHEDULED", scheduled);
    put(v, "HC_CALLS_MISSED", missed);
    put(v, "HC_CALLS_LATE", missedAndLate - missed);
    int packages = r.poisson(people * 0.05 + 0.5);
    put(v, "HC_PACKAGES_STARTED", packages);
    put(v, "HC_PACKAGES_STARTED_ON_TIME", share(packages, higherBetterRate(r, profile, 98)));

    // KPIs
    int eligible = st.councilFunded >= 1 ? Math.max(1, (int) Math.round(st.councilFunded * r.uniform(0.25, 0.32))) : 0;
    put(v, "KPI_OUTCOME_REVIEWS_ELIGIBLE", eligible);
    put(v, "KPI_OUTCOME_REVIEWS_DONE", share(eligible, higherBetterRate(r, profile, 95)));
    int total = s.serviceType.equals("home_support") ? scheduled - missed
        : (int) Math.round(st.staff * (home ? r.uniform(13, 16) : r.uniform(12, 16)));
    put(v, "KPI_CONTINUITY_VISITS_TOTAL", total);
    put(v, "KPI_CONTINUITY_VISITS_FAMILIAR", share(total, higherBetterRate(r, profile, 85)));
    int required = (int) Math.round(people * days * r.uniform(3.2, 3.8));
    put(v, "KPI_ROTA_HOURS_REQUIRED", required);
    put(v, "KPI_ROTA_HOURS_COVERED", (int) Math.round(required * rotaRate(r, profile)));
    int marDue = home ? people : Math.max(1, (int) Math.round(people * r.uniform(0.3, 0.5)));
    put(v, "KPI_MAR_AUDITS_DUE", marDue);
    put(v, "KPI_MAR_AUDITS_DONE", share(marDue, higherBetterRate(r, profile, 95)));
    int training = (int) Math.round(st.staff * r.uniform(7, 9));
    put(v, "KPI_TRAINING_REQUIRED", training);
    put(v, "KPI_TRAINING_COMPLETED", share(training, higherBetterRate(r, profile, 95)));

    st.values = ordered(measures, v, r, m.atEndOfMonth());
    return st;
  }

  /** The quarterly return's true figures for the quarter starting on {@code start}. */
  LinkedHashMap<String, String> quarter(Service s, LocalDate start, List<SubmissionRules.Received> history) {
    List<Measure> measures = catalogue.applicable("quarterly", s.serviceType);
    LocalDate end = ReturnPeriod.endFor("quarterly", start);
    Service.MonthState last = s.months.get(YearMonth.from(end));
    Rng r = Rng.of(seed, s.location.locationId(), "quarter", start);
    LinkedHashMap<String, String> chosen = null;
    for (int attempt = 0; attempt < ATTEMPTS && chosen == null; attempt++) {
      Map<String, String> v = new HashMap<>();
      boolean notice = s.actionActive("improvement_notice", end);
      double[] profile = notice ? worse(s.kpiProfile) : s.kpiProfile;
      int staff = last.staff;
      int people = last.residents;
      int supervisions = (int) Math.round(staff * r.uniform(0.95, 1.1));
      put(v, "HR_SUPERVISIONS_PLANNED", supervisions);
      put(v, "HR_SUPERVISIONS_HELD", share(supervisions, higherBetterRate(r, profile, 95)));
      int appraisals = Math.max(1, (int) Math.round(staff * r.uniform(0.15, 0.35)));
      put(v, "HR_APPRAISALS_PLANNED", appraisals);
      put(v, "HR_APPRAISALS_HELD", share(appraisals, higherBetterRate(r, profile, 90)));
      put(v, "HR_SPOT_CHECKS", (int) Math.round(staff * (s.serviceType.equals("home_support") ? r.uniform(0.3, 0.6) : r.uniform(0.1, 0.3))));
      put(v, "CP_CARE_PLANS_IN_PLACE", people);
      String tier = tier(r, profile);
      double reviewed = switch (tier) {
        case "green" -> r.uniform(0.3, 0.6);
        case "amber" -> r.uniform(0.2, 0.25);
        default -> r.uniform(0.1, 0.2);
      };
      put(v, "CP_CARE_PLANS_REVIEWED", (int) Math.round(people * reviewed));
      put(v, "HS_HSE_BREACHES", r.poisson(0.03));
      boolean winter = end.getMonthValue() == 12 || end.getMonthValue() == 3;
      put(v, "HS_INFECTION_OUTBREAKS", r.poisson(s.careHome() ? (winter ? 0.3 : 0.08) : 0.04));
      v.put("HS_LAST_FIRE_INSPECTION", lastFireInspection(s, end).toString());
      put(v, "SQ_AUDITS_UNDERTAKEN", r.between(1, 6));
      int packages = (int) Math.round(people * r.uniform(0.25, 0.4));
      int increased = r.binomial(packages, 0.2);
      int decreased = r.binomial(packages - increased, 0.12);
      put(v, "HC_PACKAGES_REVIEWED", packages);
      put(v, "HC_PACKAGES_SAME", packages - increased - decreased);
      put(v, "HC_PACKAGES_INCREASED", increased);
      put(v, "HC_PACKAGES_DECREASED", decreased);
      put(v, "HC_UNPLANNED_REVIEWS_NO_CHANGE", r.poisson(people * 0.02 + 0.2));
      LinkedHashMap<String, String> cand = ordered(measures, v, r, end);
      if (acceptable("quarterly", start, cand, history, s, measures, attempt)) {
        chosen = cand;
      }
    }
    return chosen;
  }

  /** The annual return's true figures for the financial year starting on {@code start}. */
  LinkedHashMap<String, String> year(Service s, LocalDate start, List<SubmissionRules.Received> history) {
    List<Measure> measures = catalogue.applicable("annual", s.serviceType);
    LocalDate end = ReturnPeriod.endFor("annual", start);
    Service.MonthState march = s.months.get(YearMonth.from(end));
    Rng r = Rng.of(seed, s.location.locationId(), "year", start);
    LinkedHashMap<String, String> chosen = null;
    for (int attempt = 0; attempt < ATTEMPTS && chosen == null; attempt++) {
      Map<String, String> v = new HashMap<>();
      double[] profile = s.kpiProfile;
      int staff = march.staff;
      int people = march.residents;
      put(v, "WD_STAFF_TOTAL", staff);
      int diploma = (int) Math.round(staff * r.uniform(0.4, 0.65));
      put(v, "WD_LEVEL2_DIPLOMA", diploma);
      put(v, "WD_CARE_CERTIFICATE", Math.min(staff - diploma, (int) Math.round(staff * r.uniform(0.1, 0.3))));
      int leavers = 0;
      double staffSum = 0;
      for (YearMonth m = YearMonth.from(start); !m.isAfter(YearMonth.from(end)); m = m.plusMonths(1)) {
        Service.MonthState ms = s.months.get(m);
        leavers += ms.leavers;
        staffSum += ms.staff;
      }
      v.put("WD_TURNOVER_PCT", decimal(Math.min(95, 100.0 * leavers / (staffSum / 12)), 1));
      v.put("WD_VACANCY_RATE_PCT", decimal(100.0 * march.vacancies / (staff + march.vacancies), 1));
      int responses = Math.max(1, (int) Math.round(people * r.uniform(0.3, 0.7)));
      put(v, "SD_SURVEY_RESPONSES", responses);
      put(v, "SD_SURVEY_SATISFIED", share(responses, higherBetterRate(r, profile, 95)));
      put(v, "SD_SURVEY_OUTCOMES_MET", share(responses, higherBetterRate(r, profile, 75)));
      int planned = (int) Math.round(people * r.uniform(1.0, 1.3));
      put(v, "SD_REVIEWS_PLANNED", planned);
      put(v, "SD_REVIEWS_UNDERTAKEN", share(planned, r.uniform(0.85, 1.0)));
      put(v, "SD_UNPLANNED_REVIEWS", r.poisson(people * 0.1 + 0.5));
      put(v, "HS_FLU_VACCINATED_STAFF", (int) Math.round(staff * r.uniform(0.25, 0.6)));
      put(v, "FI_INSURANCE_EVIDENCED", r.chance(0.97) ? 1 : 0);
      put(v, "FI_BUSINESS_CONTINUITY_PLAN", r.chance(0.95) ? 1 : 0);
      LinkedHashMap<String, String> cand = ordered(measures, v, r, end);
      if (acceptable("annual", start, cand, history, s, measures, attempt)) {
        chosen = cand;
      }
    }
    return chosen;
  }

  private boolean acceptable(String type, LocalDate start, LinkedHashMap<String, String> cand, List<SubmissionRules.Received> history,
      Service s, List<Measure> measures, int attempt) {
    SubmissionRules.Received rec = new SubmissionRules.Received(type, start, cand, null);
    SubmissionRules.Context ctx = new SubmissionRules.Context(s.cqcBeds(), s.capacityBeds, 0, 0, LocalDate.MAX);
    if (!SubmissionRules.check(rec, history, ctx, measures).isEmpty()) {
      if (attempt == ATTEMPTS - 1) {
        throw new IllegalStateException("could not draw clean " + type + " figures for " + s.location.locationId() + " from " + start
            + ": " + SubmissionRules.check(rec, history, ctx, measures));
      }
      return false;
    }
    return smooth(cand, history, measures) || attempt == ATTEMPTS - 1;
  }

  /** The latest yearly fire inspection on or before the day (so always within the last year). */
  static LocalDate lastFireInspection(Service s, LocalDate day) {
    int year = day.getYear();
    LocalDate d = LocalDate.ofYearDay(year, Math.min(s.fireInspectionDayOfYear, LocalDate.of(year, 1, 1).lengthOfYear()));
    if (d.isAfter(day)) {
      d = LocalDate.ofYearDay(year - 1, Math.min(s.fireInspectionDayOfYear, LocalDate.of(year - 1, 1, 1).lengthOfYear()));
    }
    return d;
  }

  /**
   * The stricter smoothness a clean period keeps against the previous ones: no quantity of 10 or more moving by a
   * factor of 4 against the last period or the median of the last three, and not every value equal to the last.
   */
  static boolean smooth(Map<String, String> values, List<SubmissionRules.Received> history, List<Measure> measures) {
    if (history.isEmpty()) {
      return true;
    }
    SubmissionRules.Received last = history.get(history.size() - 1);
    if (values.equals(last.values())) {
      return false;
    }
    List<SubmissionRules.Received> recent = history.subList(Math.max(0, history.size() - 3), history.size());
    for (Measure m : measures) {
      if (!ReturnValues.isQuantity(m)) {
        continue;
      }
      Double x = ReturnValues.number(m, values.get(m.code()));
      if (x == null) {
        continue;
      }
      for (Double b : new Double[] {ReturnValues.number(m, last.values().get(m.code())), SubmissionRules.median(m, recent)}) {
        if (b != null && Math.max(x, b) >= 10 && (x >= 4 * b || b >= 4 * x)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The values in catalogue order, with a plausible value for any catalogue measure the model does not know. */
  private static LinkedHashMap<String, String> ordered(List<Measure> measures, Map<String, String> v, Rng r, LocalDate periodEnd) {
    LinkedHashMap<String, String> out = new LinkedHashMap<>();
    for (Measure m : measures) {
      String x = v.get(m.code());
      if (x == null) {
        x = switch (m.unit()) {
          case "hours" -> Integer.toString(100 + r.between(0, 40));
          case "percent" -> decimal(r.uniform(20, 80), 1);
          case "date" -> periodEnd.minusDays(r.between(0, 300)).toString();
          case "flag" -> "1";
          default -> Integer.toString(r.poisson(2));
        };
      }
      out.put(m.code(), x);
    }
    return out;
  }

  private static void put(Map<String, String> v, String code, int value) {
    v.put(code, Integer.toString(value));
  }

  static String decimal(double x, int scale) {
    return BigDecimal.valueOf(x).setScale(scale, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
  }

  private static int share(int denominator, double rate) {
    return Math.max(0, Math.min(denominator, (int) Math.round(denominator * rate)));
  }

  static String tier(Rng r, double[] profile) {
    return r.weighted(List.of("green", "amber", "red"), profile);
  }

  /** A rate for a higher-is-better KPI with this target (percent): green at or above it, amber just below, red well below. */
  static double higherBetterRate(Rng r, double[] profile, double target) {
    return switch (tier(r, profile)) {
      case "green" -> (target + (100 - target) * Math.sqrt(r.uniform())) / 100;
      case "amber" -> r.uniform(target - 8, target) / 100;
      default -> r.uniform(Math.max(30, target - 30), target - 8) / 100;
    };
  }

  static double lowerBetterRate(Rng r, double[] profile, double target) {
    return switch (tier(r, profile)) {
      case "green" -> r.uniform(0.8, target - 0.5) / 100;
      case "amber" -> r.uniform(target, target + 3) / 100;
      default -> r.uniform(target + 3, target + 9) / 100;
    };
  }

  /** Rostered hours against the dependency tool (target 90%): 92-104% when green, 85-90% amber, 78-85% red; never far above. */
  static double rotaRate(Rng r, double[] profile) {
    return switch (tier(r, profile)) {
      case "green" -> r.uniform(0.92, 1.04);
      case "amber" -> r.uniform(0.85, 0.8999);
      default -> r.uniform(0.78, 0.85);
    };
  }

  static double[] worse(double[] p) {
    return p[0] > 0.45 ? new double[] {0.45, 0.33, 0.22} : p;
  }

  private static double clamp(double x, double lo, double hi) {
    return Math.max(lo, Math.min(hi, x));
  }

  private static int clampInt(int x, int lo, int hi) {
    return Math.max(lo, Math.min(hi, x));
  }
}
