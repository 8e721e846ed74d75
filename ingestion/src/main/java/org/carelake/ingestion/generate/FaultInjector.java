package org.carelake.ingestion.generate;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.carelake.ingestion.returns.Measure;

/**
 * Decides, for each expected submission in period order, when it arrives, in which form, and whether it carries a
 * fault: with probability R exactly one fault, of a class drawn uniformly from the classes that can apply to it. A fault
 * is kept only when {@link SubmissionRules} finds rules of that class broken and of no other class; otherwise the next
 * variant, then the next class, is tried. Clean submissions are checked against the same rules.
 */
final class FaultInjector {

  static final ZoneId LONDON = ZoneId.of("Europe/London");

  /**
   * The quantities an order-of-magnitude jump is put on: activity volumes with no natural ceiling in the return, so the
   * jump cannot also read as more people than beds, more reviews than people, or a numerator above its denominator.
   */
  private static final Set<String> JUMP_TARGETS = Set.of("KPI_CONTINUITY_VISITS_TOTAL", "KPI_ROTA_HOURS_REQUIRED", "KPI_TRAINING_REQUIRED",
      "HC_CALLS_SCHEDULED", "WF_AGENCY_HOURS", "CC_COMPLIMENTS", "HR_SUPERVISIONS_PLANNED");

  private static final String[] WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
      "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"};

  private final long seed;
  private final double faultRate;
  private final Window window;
  private final ServicePlanner planner;
  private final boolean workbooks;

  FaultInjector(long seed, double faultRate, Window window, ServicePlanner planner) {
    this(seed, faultRate, window, planner, true);
  }

  FaultInjector(long seed, double faultRate, Window window, ServicePlanner planner, boolean workbooks) {
    this.workbooks = workbooks;
    this.seed = seed;
    this.faultRate = faultRate;
    this.window = window;
    this.planner = planner;
  }

  /** One way of breaking a submission. */
  private record Variant(String measure, String detail, Consumer<LinkedHashMap<String, String>> change, int discrepant,
      OffsetDateTime submittedAt) {

    static Variant values(String measure, String detail, Consumer<LinkedHashMap<String, String>> change) {
      return new Variant(measure, detail, change, 0, null);
    }
  }

  /** Processes one service's submissions of one return type, oldest first. */
  void process(Service s, List<Submission> stream) {
    List<Submission> received = new ArrayList<>();
    for (int i = 0; i < stream.size(); i++) {
      Submission sub = stream.get(i);
      List<Submission> upcoming = stream.subList(i + 1, Math.min(stream.size(), i + 4));
      String loc = s.location.locationId();
      Rng r = Rng.of(seed, loc, "submit", sub.returnType, sub.periodStart);
      boolean prefersWorkbook = r.chance(s.xlsxPreference ? 0.8 : 0.015); // drawn either way: the rest of the stream stays the same
      sub.xlsx = workbooks && prefersWorkbook;
      sub.submittedAt = onTime(sub, r);
      comments(sub, r);
      makeClean(sub, received);
      boolean faulty = Rng.of(seed, loc, "faulty", sub.returnType, sub.periodStart).chance(faultRate);
      if (faulty) {
        Rng fr = Rng.of(seed, loc, "fault", sub.returnType, sub.periodStart);
        for (FaultClass c : fr.shuffled(applicable(sub, received))) {
          if (inject(c, sub, received, upcoming, fr)) {
            break;
          }
        }
      }
      if (sub.received()) {
        received.add(sub);
      }
    }
  }

  // ---------------------------------------------------------------- timing and form

  private OffsetDateTime onTime(Submission sub, Rng r) {
    LocalDate lo = sub.periodEnd.plusDays(1);
    LocalDate hi = sub.due.isBefore(window.lastDay()) ? sub.due : window.lastDay();
    if (hi.isBefore(lo)) {
      hi = lo;
    }
    long span = ChronoUnit.DAYS.between(lo, hi);
    // providers tend to submit towards the due date
    LocalDate d = lo.plusDays(Math.min(span, (long) Math.floor((span + 1) * Math.sqrt(r.uniform()))));
    return at(d, r);
  }

  static OffsetDateTime at(LocalDate d, Rng r) {
    return d.atTime(r.between(8, 19), r.between(0, 59), r.between(0, 59)).atZone(LONDON).toOffsetDateTime();
  }

  private static void comments(Submission sub, Rng r) {
    if (sub.xlsx) {
      return;
    }
    comment(sub, r, "SP_HOSPITAL_ADMISSIONS", 3, "Mainly falls and chest infections; all reviewed by the GP");
    comment(sub, r, "WF_VACANCIES", 5, "Recruitment ongoing, two offers made and awaiting DBS");
    comment(sub, r, "CC_COMPLAINTS_RECEIVED", 2, "About laundry and meal times, both resolved with the families");
    comment(sub, r, "WF_AGENCY_HOURS", 100, "Agency used to cover sickness and vacancies");
    comment(sub, r, "SG_CONCERNS_RAISED", 2, "All raised with the adult safeguarding team the same day");
    comment(sub, r, "IA_ACCIDENTS", 6, "Falls, two unwitnessed; falls team referral made");
    comment(sub, r, "HS_INFECTION_OUTBREAKS", 1, "Norovirus outbreak, home closed to admissions for 10 days; UKHSA informed");
  }

  private static void comment(Submission sub, Rng r, String code, int atLeast, String text) {
    String v = sub.truth.get(code);
    if (v != null && !v.isEmpty() && v.chars().allMatch(Character::isDigit) && Integer.parseInt(v) >= atLeast && r.chance(0.3)) {
      sub.comments.put(code, text);
    }
  }

  // ---------------------------------------------------------------- checks

  private SubmissionRules.Context context(Submission sub, int discrepant) {
    int concerns = sub.returnType.equals("monthly") ? sub.service.providerConcerns(YearMonth.from(sub.periodStart)) : 0;
    return new SubmissionRules.Context(sub.service.cqcBeds(), sub.service.capacityBeds, concerns, discrepant, sub.due);
  }

  private static List<SubmissionRules.Received> history(List<Submission> received) {
    return received.stream().map(Submission::asReceived).toList();
  }

  private List<SubmissionRules.Finding> check(Submission sub, LinkedHashMap<String, String> values, OffsetDateTime at, int discrepant,
      List<Submission> received) {
    SubmissionRules.Received r = new SubmissionRules.Received(sub.returnType, sub.periodStart, values, at);
    return SubmissionRules.check(r, history(received), context(sub, discrepant), sub.measures);
  }

  /**
   * Makes an on-time submission of the true figures pass every rule against what was actually received before it (an
   * earlier fault can make the truth look wrong: a copied return's ongoing enquiries, a return equal to a copied one).
   */
  private void makeClean(Submission sub, List<Submission> received) {
    List<SubmissionRules.Finding> findings = check(sub, sub.reported, sub.submittedAt, 0, received);
    if (findings.isEmpty()) {
      return;
    }
    for (SubmissionRules.Finding f : findings) {
      if (f.rule().equals("concluded_above_commenced_plus_previous_ongoing")) {
        Submission prev = received.get(received.size() - 1);
        int c = Integer.parseInt(sub.truth.get("SG_ENQUIRIES_COMMENCED"));
        int k = Math.min(Integer.parseInt(sub.truth.get("SG_ENQUIRIES_CONCLUDED")), c + Integer.parseInt(prev.reported.get("SG_ENQUIRIES_ONGOING")));
        sub.truth.put("SG_ENQUIRIES_CONCLUDED", Integer.toString(k));
        int room = k;
        for (String code : new String[] {"SG_SUBSTANTIATED", "SG_PARTIALLY_SUBSTANTIATED", "SG_NOT_SUBSTANTIATED"}) {
          int x = Math.min(room, Integer.parseInt(sub.truth.get(code)));
          sub.truth.put(code, Integer.toString(x));
          room -= x;
        }
      } else if (f.rule().equals("order_of_magnitude_jump") && f.measureCode() != null) {
        // a true figure ten times off what an earlier (possibly faulty) return said: over long windows the value model
        // can drift that far; a clean provider would report in line with its recent returns
        List<SubmissionRules.Received> h = history(received);
        List<SubmissionRules.Received> recent = h.subList(Math.max(0, h.size() - 3), h.size());
        sub.measures.stream().filter(m -> m.code().equals(f.measureCode())).findFirst().ifPresent(m -> {
          Double base = SubmissionRules.median(m, recent);
          if (base != null) {
            sub.truth.put(m.code(), Long.toString(Math.round(base)));
          }
        });
      } else if (f.rule().equals("copied_from_previous")) {
        for (String code : new String[] {"SP_REVIEWS_COMPLETED", "CC_COMPLIMENTS", "HR_SPOT_CHECKS", "SD_UNPLANNED_REVIEWS"}) {
          if (sub.truth.containsKey(code)) {
            sub.truth.put(code, Integer.toString(Integer.parseInt(sub.truth.get(code)) + 1));
            break;
          }
        }
      }
    }
    sub.reported = new LinkedHashMap<>(sub.truth);
    findings = check(sub, sub.reported, sub.submittedAt, 0, received);
    if (!findings.isEmpty()) {
      throw new IllegalStateException("generator bug: the clean " + sub.returnType + " return of " + sub.service.location.locationId()
          + " for " + sub.periodStart + " breaks " + findings);
    }
  }

  // ---------------------------------------------------------------- faults

  private List<FaultClass> applicable(Submission sub, List<Submission> received) {
    List<FaultClass> out = new ArrayList<>(List.of(FaultClass.MISSING_MEASURE, FaultClass.INVALID_VALUE));
    boolean monthly = sub.returnType.equals("monthly");
    if (monthly) {
      out.add(FaultClass.INTERNAL_INCONSISTENCY);
      out.add(FaultClass.CROSS_SOURCE);
    }
    if (received.stream().anyMatch(p -> p.fault == null)) {
      out.add(FaultClass.HISTORY_ANOMALY);
    }
    if (!sub.due.plusDays(1).isAfter(window.lastDay())) {
      out.add(FaultClass.LATE);
    }
    if (sub.due.isBefore(window.asOf())) {
      out.add(FaultClass.MISSING_SUBMISSION);
    }
    return out;
  }

  private boolean inject(FaultClass c, Submission sub, List<Submission> received, List<Submission> upcoming, Rng r) {
    if (c == FaultClass.MISSING_SUBMISSION) {
      sub.submittedAt = null;
      sub.fault = c;
      sub.faultDetail = "the return never arrived (due " + sub.due + ")";
      return true;
    }
    for (Variant v : variants(c, sub, received, r)) {
      LinkedHashMap<String, String> values = new LinkedHashMap<>(sub.reported);
      if (v.change() != null) {
        v.change().accept(values);
      }
      OffsetDateTime at = v.submittedAt() != null ? v.submittedAt() : sub.submittedAt;
      Set<FaultClass> got = SubmissionRules.classes(check(sub, values, at, v.discrepant(), received));
      if (got.equals(EnumSet.of(c)) && (c == FaultClass.HISTORY_ANOMALY || bounded(sub, values))
          && harmlessAhead(sub, values, received, upcoming)) {
        sub.reported = values;
        sub.submittedAt = at;
        sub.fault = c;
        sub.faultMeasure = v.measure();
        sub.faultDetail = v.detail();
        if (v.discrepant() > 0) {
          recordDiscrepancy(sub, v.discrepant(), r);
        }
        if (c == FaultClass.HISTORY_ANOMALY && v.measure() != null) {
          sub.spiked = v.measure();
        }
        if (c == FaultClass.HISTORY_ANOMALY && v.measure() == null) {
          sub.comments.clear();
          sub.comments.putAll(received.get(received.size() - 1).comments);
        }
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a fault other than a history anomaly keeps every quantity it changes near its true value (at most doubled
   * or halved, or within 9), so it can never read as an order-of-magnitude jump against this or any later period.
   */
  private static boolean bounded(Submission sub, LinkedHashMap<String, String> values) {
    for (Measure m : sub.measures) {
      if (!ReturnValues.isQuantity(m)) {
        continue;
      }
      Double x = ReturnValues.number(m, sub.reported.get(m.code()));
      Double y = ReturnValues.number(m, values.get(m.code()));
      if (x != null && y != null && !x.equals(y) && (y > Math.max(2 * x, x + 9) || y < Math.min(x / 2, x - 9))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the next (up to three) returns, received clean, would still pass every history rule after this fault. */
  private boolean harmlessAhead(Submission sub, LinkedHashMap<String, String> values, List<Submission> received, List<Submission> upcoming) {
    List<SubmissionRules.Received> hist = new ArrayList<>(history(received));
    hist.add(new SubmissionRules.Received(sub.returnType, sub.periodStart, values, sub.submittedAt));
    for (Submission next : upcoming) {
      SubmissionRules.Received r = new SubmissionRules.Received(next.returnType, next.periodStart, next.truth, null);
      for (SubmissionRules.Finding f : SubmissionRules.check(r, hist, context(next, 0), next.measures)) {
        if (f.faultClass() == FaultClass.HISTORY_ANOMALY) {
          return false;
        }
      }
      hist.add(r);
    }
    return true;
  }

  private List<Variant> variants(FaultClass c, Submission sub, List<Submission> received, Rng r) {
    return switch (c) {
      case MISSING_MEASURE -> missingMeasure(sub, r);
      case INVALID_VALUE -> invalidValue(sub, r);
      case INTERNAL_INCONSISTENCY -> inconsistency(sub, received, r);
      case CROSS_SOURCE -> crossSource(sub, r);
      case HISTORY_ANOMALY -> history(sub, received, r);
      case LATE -> late(sub, r);
      default -> List.of();
    };
  }

  private List<Variant> missingMeasure(Submission sub, Rng r) {
    List<Variant> out = new ArrayList<>();
    for (Measure m : r.shuffled(sub.measures)) {
      String value = sub.reported.get(m.code());
      if (!m.mandatory() || ReturnValues.blank(value)) {
        continue;
      }
      if (!sub.xlsx && r.chance(0.5)) {
        out.add(Variant.values(m.code(), "mandatory measure " + m.code() + " (" + value + ") left out: no row", v -> v.remove(m.code())));
      } else {
        out.add(Variant.values(m.code(), "mandatory measure " + m.code() + " (" + value + ") left empty", v -> v.put(m.code(), "")));
      }
    }
    return out;
  }

  private List<Variant> invalidValue(Submission sub, Rng r) {
    List<Variant> out = new ArrayList<>();
    for (Measure m : r.shuffled(sub.measures)) {
      String value = sub.reported.get(m.code());
      if (ReturnValues.blank(value) || !ReturnValues.isValid(m, value)) {
        continue;
      }
      String code = m.code();
      List<String[]> bad = new ArrayList<>(); // {written, why}
      switch (m.unit()) {
        case "count" -> {
          int x = Integer.parseInt(value);
          bad.add(new String[] {x <= 20 ? WORDS[x] : x + " approx", "written as text"});
          if (x >= 1) {
            bad.add(new String[] {"-" + x, "negative count"});
          }
        }
        case "hours" -> {
          bad.add(new String[] {value + " hrs", "written as text"});
          if (Double.parseDouble(value) > 0) {
            bad.add(new String[] {"-" + value, "negative hours"});
          }
        }
        case "percent" -> {
          double x = Double.parseDouble(value);
          bad.add(new String[] {ValueModel.decimal(x * 10 > 100 ? x * 10 : x + 100, 1), "percentage above 100"});
          if (x > 0) {
            bad.add(new String[] {"-" + value, "negative percentage"});
          }
        }
        case "date" -> {
          LocalDate d = LocalDate.parse(value);
          bad.add(new String[] {String.format(Locale.ROOT, "%02d/%02d/%d", d.getDayOfMonth(), d.getMonthValue(), d.getYear()), "date not as YYYY-MM-DD"});
        }
        case "flag" -> bad.add(new String[] {value.equals("1") ? "Yes" : "No", "flag not 0 or 1"});
        default -> {
        }
      }
      for (String[] b : r.shuffled(bad)) {
        out.add(Variant.values(code, code + " " + value + " written as '" + b[0] + "' (" + b[1] + ")", v -> v.put(code, b[0])));
      }
    }
    return out;
  }

  private static int num(LinkedHashMap<String, String> v, String code) {
    String x = v.get(code);
    return x == null || x.isEmpty() || !x.chars().allMatch(Character::isDigit) ? -1 : Integer.parseInt(x);
  }

  private List<Variant> inconsistency(Submission sub, List<Submission> received, Rng r) {
    LinkedHashMap<String, String> t = sub.reported;
    List<Variant> out = new ArrayList<>();
    int received0 = num(t, "CC_COMPLAINTS_RECEIVED");
    if (received0 >= 0 && num(t, "CC_COMPLAINTS_UPHELD") >= 0) {
      int upheld = received0 + r.between(1, 3);
      out.add(Variant.values("CC_COMPLAINTS_UPHELD", "complaints upheld " + upheld + " > complaints received " + received0,
          v -> v.put("CC_COMPLAINTS_UPHELD", Integer.toString(upheld))));
    }
    int k = num(t, "SG_ENQUIRIES_CONCLUDED");
    int c = num(t, "SG_ENQUIRIES_COMMENCED");
    int o = num(t, "SG_ENQUIRIES_ONGOING");
    if (k >= 0 && c >= 0 && o >= 0) {
      int prevO = 0;
      if (!received.isEmpty()) {
        prevO = Math.max(0, num(received.get(received.size() - 1).reported, "SG_ENQUIRIES_ONGOING"));
      }
      int concluded = c + Math.max(o, prevO) + r.between(1, 2);
      out.add(Variant.values("SG_ENQUIRIES_CONCLUDED", "enquiries concluded " + concluded + " > commenced " + c + " + ongoing " + o,
          v -> v.put("SG_ENQUIRIES_CONCLUDED", Integer.toString(concluded))));
      int sub0 = num(t, "SG_SUBSTANTIATED");
      int part = num(t, "SG_PARTIALLY_SUBSTANTIATED");
      if (sub0 >= 0 && part >= 0 && num(t, "SG_NOT_SUBSTANTIATED") >= 0) {
        int not = k - sub0 - part + r.between(1, 2);
        out.add(Variant.values("SG_NOT_SUBSTANTIATED", "substantiated " + sub0 + " + partially " + part + " + not substantiated " + not
            + " > concluded " + k, v -> v.put("SG_NOT_SUBSTANTIATED", Integer.toString(not))));
      }
    }
    int staff = num(t, "WF_STAFF_EMPLOYED");
    int pt = num(t, "WF_STAFF_PART_TIME");
    if (staff >= 0 && pt >= 0 && num(t, "WF_STAFF_FULL_TIME") >= 0) {
      int delta = r.between(2, 6) * (pt > 6 && r.chance(0.5) ? -1 : 1);
      int newPt = pt + delta;
      out.add(Variant.values("WF_STAFF_PART_TIME", "part time " + newPt + " instead of " + pt + ": full time + part time != staff employed " + staff,
          v -> v.put("WF_STAFF_PART_TIME", Integer.toString(newPt))));
    }
    int starters = num(t, "WF_NEW_STARTERS");
    if (staff >= 0 && starters >= 0 && num(t, "WF_LEAVERS") >= 0) {
      int leavers = staff + starters + r.between(1, 3);
      out.add(Variant.values("WF_LEAVERS", "leavers " + leavers + " > staff employed " + staff + " + new starters " + starters,
          v -> v.put("WF_LEAVERS", Integer.toString(leavers))));
    }
    int total = num(t, "KPI_CONTINUITY_VISITS_TOTAL");
    if (total >= 0 && num(t, "KPI_CONTINUITY_VISITS_FAMILIAR") >= 0) {
      int familiar = total + Math.max(1, (int) Math.round(total * r.uniform(0.02, 0.15)));
      out.add(Variant.values("KPI_CONTINUITY_VISITS_FAMILIAR", "familiar visits " + familiar + " > total visits " + total,
          v -> v.put("KPI_CONTINUITY_VISITS_FAMILIAR", Integer.toString(familiar))));
    }
    int required = num(t, "KPI_ROTA_HOURS_REQUIRED");
    if (required > 0 && num(t, "KPI_ROTA_HOURS_COVERED") >= 0) {
      int covered = (int) Math.round(required * r.uniform(1.5, 1.95));
      out.add(Variant.values("KPI_ROTA_HOURS_COVERED", "rota hours covered " + covered + " far above the " + required + " required",
          v -> v.put("KPI_ROTA_HOURS_COVERED", Integer.toString(covered))));
    }
    return r.shuffled(out);
  }

  private List<Variant> crossSource(Submission sub, Rng r) {
    LinkedHashMap<String, String> t = sub.reported;
    Service s = sub.service;
    List<Variant> out = new ArrayList<>();
    int residents = num(t, "SP_ACTIVE_RESIDENTS");
    if (s.cqcBeds() != null && residents >= 0) {
      int people = s.cqcBeds() + r.between(1, Math.max(2, s.cqcBeds() / 10));
      out.add(Variant.values("SP_ACTIVE_RESIDENTS", "people supported " + people + " > CQC registered beds " + s.cqcBeds(),
          v -> v.put("SP_ACTIVE_RESIDENTS", Integer.toString(people))));
    }
    int funded = num(t, "SP_ACTIVE_COUNCIL_FUNDED");
    if (s.capacityBeds != null && funded >= 0 && residents >= 0) {
      int f = s.capacityBeds + r.between(1, 3);
      int people = Math.max(residents, f);
      out.add(Variant.values("SP_ACTIVE_COUNCIL_FUNDED", "council-funded " + f + " > contracted beds " + s.capacityBeds, v -> {
        v.put("SP_ACTIVE_COUNCIL_FUNDED", Integer.toString(f));
        v.put("SP_ACTIVE_RESIDENTS", Integer.toString(people));
      }));
    }
    int logged = s.providerConcerns(YearMonth.from(sub.periodStart));
    if (logged >= 1 && num(t, "SG_CONCERNS_RAISED") >= 0) {
      int raised = r.between(0, logged - 1);
      out.add(Variant.values("SG_CONCERNS_RAISED", "concerns raised " + raised + " < " + logged
          + " concerns the council's safeguarding log holds from the provider for the month", v -> v.put("SG_CONCERNS_RAISED", Integer.toString(raised))));
    }
    int discrepant = r.between(1, 4);
    out.add(new Variant(null, "a council visit in " + YearMonth.from(sub.periodStart) + " found " + discrepant
        + " returned measures not matching care plans, rotas or timesheets", null, discrepant, null));
    return r.shuffled(out);
  }

  private List<Variant> history(Submission sub, List<Submission> received, Rng r) {
    List<Variant> out = new ArrayList<>();
    Submission last = received.get(received.size() - 1);
    SubmissionRules.Received lastR = last.asReceived();
    boolean previousPeriod = SubmissionRules.immediatelyPrevious(sub.asReceived(), List.of(lastR)) != null;
    if (last.fault == null && previousPeriod) {
      out.add(Variant.values(null, "every value copied from the " + last.periodStart + " return", v -> {
        v.clear();
        v.putAll(last.reported);
      }));
    }
    List<Submission> recent = received.subList(Math.max(0, received.size() - 3), received.size());
    List<SubmissionRules.Received> recentR = recent.stream().map(Submission::asReceived).toList();
    List<Variant> jumps = new ArrayList<>();
    for (Measure m : r.shuffled(sub.measures)) {
      String value = sub.reported.get(m.code());
      if (!JUMP_TARGETS.contains(m.code()) || !ReturnValues.isJumpJudged(m) || ReturnValues.blank(value)
          || recent.stream().anyMatch(p -> m.code().equals(p.spiked))) {
        continue;
      }
      Double x = ReturnValues.number(m, value);
      Double base = SubmissionRules.median(m, recentR);
      if (x == null || base == null || x < 20 || base < 20) {
        continue;
      }
      String spiked = m.unit().equals("count") ? Long.toString(Math.round(x) * 10) : ValueModel.decimal(x * 10, 1);
      jumps.add(Variant.values(m.code(), m.code() + " reported " + spiked + " against " + SubmissionRules.fmt(base)
          + " in the previous returns (" + value + " with an extra digit)", v -> v.put(m.code(), spiked)));
    }
    out.addAll(jumps);
    return r.shuffled(out);
  }

  private List<Variant> late(Submission sub, Rng r) {
    LocalDate lo = sub.due.plusDays(1);
    LocalDate hi = sub.due.plusDays(21).isBefore(window.lastDay()) ? sub.due.plusDays(21) : window.lastDay();
    if (hi.isBefore(lo)) {
      return List.of();
    }
    LocalDate d = lo.plusDays(r.between(0, (int) ChronoUnit.DAYS.between(lo, hi)));
    OffsetDateTime at = at(d, r);
    return List.of(new Variant(null, "submitted " + d + ", " + ChronoUnit.DAYS.between(sub.due, d) + " day(s) after the due date " + sub.due,
        null, 0, at));
  }

  /** Puts the discrepancy on a visit in the month that spot-checked returned data, or adds a reactive validation visit. */
  private void recordDiscrepancy(Submission sub, int discrepant, Rng r) {
    Service s = sub.service;
    YearMonth m = YearMonth.from(sub.periodStart);
    sub.discrepantVisitMeasures = discrepant;
    for (Visit v : s.visits) {
      if (YearMonth.from(v.date).equals(m) && v.measuresVerified >= discrepant) {
        v.measuresDiscrepant = discrepant;
        return;
      }
    }
    LocalDate to = m.atEndOfMonth().isAfter(window.lastDay()) ? window.lastDay() : m.atEndOfMonth();
    LocalDate d = ServicePlanner.weekday(m.atDay(1).plusDays(r.between(0, (int) ChronoUnit.DAYS.between(m.atDay(1), to))), to);
    Visit base = planner.visit(s, d, "reactive", r);
    Visit v = new Visit(base.locationId, base.providerId, d, "reactive", false, base.officer, base.judgements, base.overall,
        base.actionsRaised, base.actionsClosed, Math.max(discrepant + 2, r.between(4, 10)), base.followUpDue);
    v.measuresDiscrepant = discrepant;
    s.visits.add(v);
    s.visits.sort(java.util.Comparator.comparing((Visit x) -> x.date).thenComparing(x -> x.type));
  }
}
