package org.carelake.ingestion.generate;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.carelake.ingestion.returns.Measure;

/**
 * The rules a provider submission is judged by (DOMAIN.md "Data quality of provider submissions"), as the generator
 * applies them: every clean submission it writes passes all of them, and every faulty one breaks rules of exactly its
 * one fault class. The thresholds are deliberately wide so that faults are unambiguous:
 * <ul>
 *   <li>history: a count or hours figure is compared with the median of its valid values in the previous (up to three) received
 *       returns of the same type; a jump is a factor of 10 or more with the larger side at least 20; a copy is a return
 *       whose every row and value equals the previous received return's;</li>
 *   <li>covered rota hours are "far above" required beyond 125% (clean returns stay within 80-105%);</li>
 *   <li>a visit's spot check belongs to the monthly return of the month the visit took place in.</li>
 * </ul>
 */
public final class SubmissionRules {

  /** One broken rule. */
  public record Finding(FaultClass faultClass, String rule, String measureCode, String detail) {}

  /** A return as received: its rows (code to value; "" = empty cell; no key = no row) and submission time. */
  public record Received(String returnType, LocalDate periodStart, Map<String, String> values, OffsetDateTime submittedAt) {}

  /**
   * What other sources say about the service and period.
   *
   * @param cqcBeds CQC registered beds, null when unknown
   * @param contractedBeds beds in the contract, null when not a bed-based contract
   * @param providerConcerns concerns in the council's safeguarding log with source provider for the service in the month
   * @param discrepantVisitMeasures measures found discrepant by visits to the service in the month (monthly returns)
   * @param dueDate the return's due date
   */
  public record Context(Integer cqcBeds, Integer contractedBeds, int providerConcerns, int discrepantVisitMeasures, LocalDate dueDate) {}

  /** Numerator-style measure never above its denominator-style measure (pairs beyond DOMAIN's list; clean data keep them). */
  static final List<String[]> NOT_ABOVE = List.of(
      new String[] {"SP_ACTIVE_COUNCIL_FUNDED", "SP_ACTIVE_RESIDENTS"},
      new String[] {"CC_COMPLAINTS_COUNCIL_INFORMED", "CC_COMPLAINTS_RECEIVED"},
      new String[] {"CC_COMPLAINTS_RESOLVED_28D", "CC_COMPLAINTS_RECEIVED"},
      new String[] {"WF_STAFF_LONG_TERM_ABSENT", "WF_STAFF_EMPLOYED"},
      new String[] {"WF_DISMISSALS", "WF_LEAVERS"},
      new String[] {"KPI_OUTCOME_REVIEWS_DONE", "KPI_OUTCOME_REVIEWS_ELIGIBLE"},
      new String[] {"KPI_MAR_AUDITS_DONE", "KPI_MAR_AUDITS_DUE"},
      new String[] {"KPI_TRAINING_COMPLETED", "KPI_TRAINING_REQUIRED"},
      new String[] {"HC_PACKAGES_STARTED_ON_TIME", "HC_PACKAGES_STARTED"},
      new String[] {"HR_SUPERVISIONS_HELD", "HR_SUPERVISIONS_PLANNED"},
      new String[] {"HR_APPRAISALS_HELD", "HR_APPRAISALS_PLANNED"},
      new String[] {"CP_CARE_PLANS_REVIEWED", "CP_CARE_PLANS_IN_PLACE"},
      new String[] {"SD_SURVEY_SATISFIED", "SD_SURVEY_RESPONSES"},
      new String[] {"SD_SURVEY_OUTCOMES_MET", "SD_SURVEY_RESPONSES"},
      new String[] {"SD_REVIEWS_UNDERTAKEN", "SD_REVIEWS_PLANNED"},
      new String[] {"HS_FLU_VACCINATED_STAFF", "WD_STAFF_TOTAL"});

  static final double COVERED_FAR_ABOVE = 1.25;
  static final double JUMP_FACTOR = 10;
  static final double JUMP_MIN = 20;

  private SubmissionRules() {}

  /** The classes of the findings. */
  public static Set<FaultClass> classes(List<Finding> findings) {
    Set<FaultClass> out = EnumSet.noneOf(FaultClass.class);
    findings.forEach(f -> out.add(f.faultClass()));
    return out;
  }

  /**
   * Checks one received return.
   *
   * @param applicable the measures the service returns on this return type (catalogue order)
   * @param previous the earlier received returns of the same service and return type, oldest first
   */
  public static List<Finding> check(Received r, List<Received> previous, Context ctx, List<Measure> applicable) {
    List<Finding> out = new ArrayList<>();
    Map<String, String> v = r.values();
    // missing and invalid values
    for (Measure m : applicable) {
      String value = v.get(m.code());
      if (ReturnValues.blank(value)) {
        if (m.mandatory()) {
          out.add(new Finding(FaultClass.MISSING_MEASURE, "mandatory_measure_missing", m.code(),
              m.code() + (v.containsKey(m.code()) ? " has no value" : " has no row")));
        }
      } else if (!ReturnValues.isValid(m, value)) {
        out.add(new Finding(FaultClass.INVALID_VALUE, "invalid_" + m.unit(), m.code(), m.code() + " = '" + value + "' is not a valid " + m.unit()));
      }
    }
    Nums n = new Nums(applicable, v);
    // internal consistency (DOMAIN.md's list first, then the other pairs clean data keep)
    gt(out, n, "CC_COMPLAINTS_UPHELD", "CC_COMPLAINTS_RECEIVED", "upheld_above_received");
    Double k = n.get("SG_ENQUIRIES_CONCLUDED");
    Double c = n.get("SG_ENQUIRIES_COMMENCED");
    Double o = n.get("SG_ENQUIRIES_ONGOING");
    if (k != null && c != null && o != null && k > c + o) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "concluded_above_commenced_plus_ongoing", "SG_ENQUIRIES_CONCLUDED",
          "concluded " + fmt(k) + " > commenced " + fmt(c) + " + ongoing " + fmt(o)));
    }
    Received prev = immediatelyPrevious(r, previous);
    if (k != null && c != null && prev != null) {
      Double prevOngoing = new Nums(applicable, prev.values()).get("SG_ENQUIRIES_ONGOING");
      if (prevOngoing != null && k > c + prevOngoing) {
        out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "concluded_above_commenced_plus_previous_ongoing", "SG_ENQUIRIES_CONCLUDED",
            "concluded " + fmt(k) + " > commenced " + fmt(c) + " + ongoing at the end of the previous period " + fmt(prevOngoing)));
      }
    }
    Double sub = n.get("SG_SUBSTANTIATED");
    Double part = n.get("SG_PARTIALLY_SUBSTANTIATED");
    Double not = n.get("SG_NOT_SUBSTANTIATED");
    if (k != null && sub != null && part != null && not != null && sub + part + not > k) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "outcomes_above_concluded", "SG_NOT_SUBSTANTIATED",
          "substantiated " + fmt(sub) + " + partially " + fmt(part) + " + not " + fmt(not) + " > concluded " + fmt(k)));
    }
    Double staff = n.get("WF_STAFF_EMPLOYED");
    Double ft = n.get("WF_STAFF_FULL_TIME");
    Double pt = n.get("WF_STAFF_PART_TIME");
    if (staff != null && ft != null && pt != null && ft + pt != staff) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "full_plus_part_time_not_staff", "WF_STAFF_PART_TIME",
          "full time " + fmt(ft) + " + part time " + fmt(pt) + " != staff employed " + fmt(staff)));
    }
    Double leavers = n.get("WF_LEAVERS");
    Double starters = n.get("WF_NEW_STARTERS");
    if (leavers != null && staff != null && starters != null && leavers > staff + starters) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "leavers_above_staff_plus_starters", "WF_LEAVERS",
          "leavers " + fmt(leavers) + " > staff employed " + fmt(staff) + " + starters " + fmt(starters)));
    }
    gt(out, n, "KPI_CONTINUITY_VISITS_FAMILIAR", "KPI_CONTINUITY_VISITS_TOTAL", "familiar_above_total");
    Double req = n.get("KPI_ROTA_HOURS_REQUIRED");
    Double cov = n.get("KPI_ROTA_HOURS_COVERED");
    if (req != null && cov != null && cov > COVERED_FAR_ABOVE * req) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "covered_far_above_required", "KPI_ROTA_HOURS_COVERED",
          "covered " + fmt(cov) + " hours against " + fmt(req) + " required"));
    }
    for (String[] pair : NOT_ABOVE) {
      gt(out, n, pair[0], pair[1], "above_" + pair[1].toLowerCase());
    }
    Double missed = n.get("HC_CALLS_MISSED");
    Double late = n.get("HC_CALLS_LATE");
    Double sched = n.get("HC_CALLS_SCHEDULED");
    if (missed != null && late != null && sched != null && missed + late > sched) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "missed_late_above_scheduled", "HC_CALLS_MISSED", "missed + late > scheduled"));
    }
    Double l2 = n.get("WD_LEVEL2_DIPLOMA");
    Double cert = n.get("WD_CARE_CERTIFICATE");
    Double total = n.get("WD_STAFF_TOTAL");
    if (l2 != null && cert != null && total != null && l2 + cert > total) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "qualified_above_staff", "WD_LEVEL2_DIPLOMA", "diploma + certificate > staff"));
    }
    Double reviewed = n.get("HC_PACKAGES_REVIEWED");
    Double same = n.get("HC_PACKAGES_SAME");
    Double inc = n.get("HC_PACKAGES_INCREASED");
    Double dec = n.get("HC_PACKAGES_DECREASED");
    if (reviewed != null && same != null && inc != null && dec != null && same + inc + dec > reviewed) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, "review_results_above_reviewed", "HC_PACKAGES_SAME", "same + increased + decreased > reviewed"));
    }
    // other sources
    Double residents = n.get("SP_ACTIVE_RESIDENTS");
    if (residents != null && ctx.cqcBeds() != null && residents > ctx.cqcBeds()) {
      out.add(new Finding(FaultClass.CROSS_SOURCE, "people_above_cqc_beds", "SP_ACTIVE_RESIDENTS",
          "people supported " + fmt(residents) + " > CQC registered beds " + ctx.cqcBeds()));
    }
    Double plans = n.get("CP_CARE_PLANS_IN_PLACE");
    if (plans != null && ctx.cqcBeds() != null && plans > ctx.cqcBeds()) {
      out.add(new Finding(FaultClass.CROSS_SOURCE, "care_plans_above_cqc_beds", "CP_CARE_PLANS_IN_PLACE",
          "care plans " + fmt(plans) + " > CQC registered beds " + ctx.cqcBeds()));
    }
    Double funded = n.get("SP_ACTIVE_COUNCIL_FUNDED");
    if (funded != null && ctx.contractedBeds() != null && funded > ctx.contractedBeds()) {
      out.add(new Finding(FaultClass.CROSS_SOURCE, "council_funded_above_contracted_beds", "SP_ACTIVE_COUNCIL_FUNDED",
          "council-funded " + fmt(funded) + " > contracted beds " + ctx.contractedBeds()));
    }
    Double raised = n.get("SG_CONCERNS_RAISED");
    if (raised != null && raised < ctx.providerConcerns()) {
      out.add(new Finding(FaultClass.CROSS_SOURCE, "fewer_concerns_than_council_log", "SG_CONCERNS_RAISED",
          "reported " + fmt(raised) + " concerns; the council's log holds " + ctx.providerConcerns() + " raised by the provider"));
    }
    if (r.returnType().equals("monthly") && ctx.discrepantVisitMeasures() > 0) {
      out.add(new Finding(FaultClass.CROSS_SOURCE, "visit_found_discrepancies", null,
          "a visit in the month found " + ctx.discrepantVisitMeasures() + " returned measures not matching the records"));
    }
    // history
    if (!previous.isEmpty()) {
      Received last = previous.get(previous.size() - 1);
      if (v.size() >= 3 && v.equals(last.values())) {
        out.add(new Finding(FaultClass.HISTORY_ANOMALY, "copied_from_previous", null,
            "every value equals the " + last.periodStart() + " return's"));
      }
      List<Received> recent = previous.subList(Math.max(0, previous.size() - 3), previous.size());
      for (Measure m : applicable) {
        if (!ReturnValues.isJumpJudged(m)) {
          continue;
        }
        Double x = ReturnValues.number(m, v.get(m.code()));
        Double base = median(m, recent);
        if (x != null && base != null && isJump(x, base)) {
          out.add(new Finding(FaultClass.HISTORY_ANOMALY, "order_of_magnitude_jump", m.code(),
              m.code() + " " + fmt(x) + " against " + fmt(base) + " in recent returns"));
        }
      }
    }
    // timeliness
    if (r.submittedAt() != null && r.submittedAt().toLocalDate().isAfter(ctx.dueDate())) {
      out.add(new Finding(FaultClass.LATE, "submitted_after_due_date", null,
          "submitted " + r.submittedAt().toLocalDate() + ", due " + ctx.dueDate()));
    }
    return out;
  }

  static boolean isJump(double x, double base) {
    return (x >= JUMP_FACTOR * base && x >= JUMP_MIN) || (base >= JUMP_FACTOR * x && base >= JUMP_MIN);
  }

  /** Median of the measure's valid values in these returns, or null if none has one. */
  static Double median(Measure m, List<Received> returns) {
    List<Double> xs = new ArrayList<>();
    for (Received p : returns) {
      Double x = ReturnValues.number(m, p.values().get(m.code()));
      if (x != null) {
        xs.add(x);
      }
    }
    if (xs.isEmpty()) {
      return null;
    }
    Collections.sort(xs);
    int mid = xs.size() / 2;
    return xs.size() % 2 == 1 ? xs.get(mid) : (xs.get(mid - 1) + xs.get(mid)) / 2;
  }

  /** The previous received return when it is for the period right before this one, else null. */
  static Received immediatelyPrevious(Received r, List<Received> previous) {
    if (previous.isEmpty()) {
      return null;
    }
    Received last = previous.get(previous.size() - 1);
    LocalDate expected = switch (r.returnType()) {
      case "monthly" -> r.periodStart().minusMonths(1);
      case "quarterly" -> r.periodStart().minusMonths(3);
      default -> r.periodStart().minusYears(1);
    };
    return Objects.equals(last.periodStart(), expected) ? last : null;
  }

  private static void gt(List<Finding> out, Nums n, String small, String big, String rule) {
    Double a = n.get(small);
    Double b = n.get(big);
    if (a != null && b != null && a > b) {
      out.add(new Finding(FaultClass.INTERNAL_INCONSISTENCY, rule, small, small + " " + fmt(a) + " > " + big + " " + fmt(b)));
    }
  }

  static String fmt(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  /** Valid numeric values of a return by measure code. */
  private static final class Nums {
    private final Map<String, Measure> measures = new java.util.HashMap<>();
    private final Map<String, String> values;

    Nums(List<Measure> applicable, Map<String, String> values) {
      applicable.forEach(m -> measures.put(m.code(), m));
      this.values = values;
    }

    Double get(String code) {
      Measure m = measures.get(code);
      return m == null ? null : ReturnValues.number(m, values.get(code));
    }
  }
}
