package org.carelake.transforms.quality;

import static org.carelake.transforms.quality.DatasetCheck.Severity.ERROR;
import static org.carelake.transforms.quality.DatasetCheck.Severity.WARNING;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carelake.transforms.quality.DatasetCheck.Severity;
import org.carelake.transforms.quality.DatasetCheck.Source;
import org.carelake.transforms.quality.Deequ.Complete;
import org.carelake.transforms.quality.Deequ.NoSuddenDrop;
import org.carelake.transforms.quality.Deequ.Rule;
import org.carelake.transforms.quality.Deequ.Unique;

/**
 * Every dataset check, in one place: checks on whole built tables (completeness and uniqueness of keys, value ranges)
 * and anomaly checks against the metrics history (dq.deequ_metric). They run after every build; results go to
 * dq.dataset_check_result.
 *
 * <p>Not here: rules on each provider submission (missing measures, a percentage outside 0-100 in one return,
 * contradictions, lateness), which are SQL in dq.submission_finding and declared in seeds/ref/dq_rules.csv; and each
 * table's own contract (key, NOT NULL, accepted values, invariants), which the model runner checks as it builds. A
 * check here says something about a table as a whole: how much of it is out of range, whether it shrank.
 *
 * <p>Cost: all checks on one source share one scan; each {@link Unique} adds a grouping pass, so uniqueness is kept to
 * the keys other tables join on.
 */
public final class DatasetChecks {

  /** Anomaly threshold: a row count falling by more than this since the previous run is flagged. */
  public static final double MAX_DROP = 0.10;

  private static final Source RETURN_MEASURE = Source.table("core.fct_return_measure");
  private static final Source RECEIVED_RETURNS = Source.view("core.fct_submission", "received_returns",
      "SELECT * FROM core.fct_submission WHERE is_received");
  private static final Source CONTRACT = Source.table("staging.stg_contract");
  private static final Source RATING_SNAPSHOT = Source.table("core.fct_rating_snapshot");
  private static final Source LATEST_SNAPSHOT_LOCATIONS = Source.view("core.fct_rating_snapshot", "latest_snapshot_locations",
      "SELECT DISTINCT location_id FROM core.fct_rating_snapshot "
          + "WHERE snapshot_date = (SELECT max(snapshot_date) FROM core.fct_rating_snapshot)");
  private static final Source RATINGS_BENCHMARK = Source.table("marts.mart_ratings_benchmark");
  private static final Source VISIT_SCHEDULE = Source.table("marts.mart_visit_schedule");
  private static final Source SAFEGUARDING_TRENDS = Source.table("marts.mart_safeguarding_trends");
  private static final Source CONTRACT_ACTIONS = Source.table("marts.mart_contract_actions");
  private static final Source PROVIDER_RISK = Source.table("marts.mart_provider_risk");
  // every action in force by the reporting date, and whether the register found a contracted service for it
  private static final Source ACTIONS_IN_REGISTER = Source.view("marts.mart_contract_actions", "actions_in_register",
      "SELECT a.action_id, r.action_id IS NOT NULL AS is_in_register FROM staging.stg_contract_action a "
          + "CROSS JOIN core.dim_as_of d "
          + "LEFT JOIN (SELECT DISTINCT action_id FROM marts.mart_contract_actions) r ON r.action_id = a.action_id "
          + "WHERE a.start_date <= d.as_of_date");

  private static final List<DatasetCheck> ALL = List.of(
      // provider returns, one value per submission and measure
      check("RM01", RETURN_MEASURE, ERROR, "Every return value names its submission and its measure.",
          complete("submission_id", "measure_code")),
      check("RM02", RETURN_MEASURE, ERROR, "There is one value per submission and measure (latest version only).",
          new Unique(List.of("submission_id", "measure_code"))),
      check("RM03", RETURN_MEASURE, WARNING,
          "At least 95% of percentage values are between 0 and 100. A few outside are providers' errors, named per return "
              + "(IV03 in dq.submission_finding); more suggests a template or loading fault.",
          Deequ.range("value_num", 0, 100, "unit = 'percent'", 0.95)),
      check("RM04", RETURN_MEASURE, WARNING,
          "At least 95% of counts and hours are not negative (single negatives are IV02 in dq.submission_finding).",
          new Deequ.Satisfies("value_num >= 0", "value_num IS NULL OR value_num >= 0", "unit IN ('count', 'hours')", 0.95)),
      check("RM05", RETURN_MEASURE, WARNING,
          "At least 95% of the values returned can be read as their measure's type (number, date or yes/no).",
          new Deequ.Satisfies("is_value_parseable", "is_value_parseable", "value_text IS NOT NULL AND trim(value_text) <> ''", 0.95)),
      check("AN01", RETURN_MEASURE, WARNING,
          "The number of return values held has not fallen by more than 10% since the previous build (more often a lost "
              + "file or the wrong data home than a real change).",
          new NoSuddenDrop(MAX_DROP)),
      check("AN02", RECEIVED_RETURNS, WARNING,
          "The number of returns received (expected returns that arrived) has not fallen by more than 10% since the previous build.",
          new NoSuddenDrop(MAX_DROP)),

      // the council's contract register
      check("CT01", CONTRACT, ERROR, "Every contract has an id, a provider and a start date.",
          complete("contract_id", "provider_id", "start_date")),
      check("CT02", CONTRACT, ERROR, "Each contract id appears once in the register.", new Unique(List.of("contract_id"))),
      check("CT03", CONTRACT, ERROR,
          "Every care-home contract states the beds it contracts (returns are checked against it: rule CS02).",
          new Deequ.Satisfies("care-home contract has capacity_beds", "capacity_beds IS NOT NULL", "measure_group = 'care_home'", 1.0)),
      check("CT04", CONTRACT, WARNING, "Contracted beds are between 1 and 500 where stated.", Deequ.range("capacity_beds", 1, 500, null, 1.0)),
      check("CT05", CONTRACT, WARNING, "Contracted weekly hours are more than 0 where stated.",
          new Deequ.Satisfies("weekly_hours > 0", "weekly_hours IS NULL OR weekly_hours > 0", null, 1.0)),

      // CQC ratings
      check("RS01", RATING_SNAPSHOT, ERROR, "Every rating row has its snapshot date, location and key question.",
          complete("snapshot_date", "location_id", "key_question")),
      check("RS02", RATING_SNAPSHOT, ERROR, "One rating per location, key question and snapshot.",
          new Unique(List.of("snapshot_date", "location_id", "key_question"))),
      check("RS03", RATING_SNAPSHOT, ERROR, "Rating scores are on CQC's four-point scale (1 Inadequate to 4 Outstanding).",
          Deequ.range("rating_score", 1, 4, null, 1.0)),
      check("AN03", LATEST_SNAPSHOT_LOCATIONS, WARNING,
          "The number of locations in the latest CQC snapshot has not fallen by more than 10% since the previous build.",
          new NoSuddenDrop(MAX_DROP)),

      // the ratings benchmark dashboards read
      check("RB01", RATINGS_BENCHMARK, ERROR, "% Good or Outstanding is between 0 and 100.",
          Deequ.range("pct_good_or_outstanding", 0, 100, null, 1.0)),
      check("RB02", RATINGS_BENCHMARK, ERROR, "The published comparator % is between 0 and 100.",
          Deequ.range("published_pct_good_or_outstanding", 0, 100, null, 1.0)),
      check("RB03", RATINGS_BENCHMARK, ERROR, "Every benchmark row has its date, geography, service type and key question.",
          complete("snapshot_date", "geography_level", "geography_code", "service_type", "key_question")),

      // council activity: visits due, safeguarding trends, contract actions
      check("VS01", VISIT_SCHEDULE, ERROR,
          "Every contracted service has its next scheduled visit due date (a blank means its service type is missing from "
              + "seeds/ref/visit_schedule.csv).",
          complete("contract_id", "location_id", "next_proactive_due")),
      check("VS02", VISIT_SCHEDULE, ERROR, "One visit schedule row per contract.", new Unique(List.of("contract_id"))),
      check("SG01", SAFEGUARDING_TRENDS, ERROR, "Every safeguarding trend row names its location and month.",
          complete("location_id", "month_start")),
      check("SG02", SAFEGUARDING_TRENDS, ERROR, "One safeguarding trend row per location and month.",
          new Unique(List.of("location_id", "month_start"))),
      check("CA01", CONTRACT_ACTIONS, ERROR, "Every row of the contract action register names its action, contract and status.",
          complete("action_id", "contract_id", "status")),
      check("CA02", CONTRACT_ACTIONS, ERROR, "One register row per contract action and contract it covers.",
          new Unique(List.of("action_id", "contract_id"))),
      check("CA03", ACTIONS_IN_REGISTER, WARNING,
          "Every contract action started by the reporting date covers at least one contracted service (one that covers none "
              + "names a location or provider with no contract in force while the action was).",
          new Deequ.Satisfies("is_in_register", "is_in_register", null, 1.0)),
      check("RK01", PROVIDER_RISK, ERROR, "Every service in the risk ranking has a score, a rank and its week.",
          complete("week_start", "contract_id", "risk_score", "risk_rank")),
      check("RK02", PROVIDER_RISK, ERROR, "One risk ranking row per contracted service and week.", new Unique(List.of("week_start", "contract_id"))),
      check("RK03", PROVIDER_RISK, ERROR, "Risk scores lie between 0 and 100.",
          new Deequ.Satisfies("risk_score_in_range", "risk_score BETWEEN 0 AND 100", null, 1.0)));

  static {
    Set<String> codes = new HashSet<>();
    for (DatasetCheck c : ALL) {
      if (!codes.add(c.code())) {
        throw new IllegalStateException("dataset check code used twice: " + c.code());
      }
    }
  }

  private DatasetChecks() {}

  public static List<DatasetCheck> all() {
    return ALL;
  }

  /** The checks grouped by the data they read, in declaration order: one Deequ run per source. */
  public static Map<Source, List<DatasetCheck>> bySource(List<DatasetCheck> checks) {
    Map<Source, List<DatasetCheck>> out = new LinkedHashMap<>();
    for (DatasetCheck c : checks) {
      out.computeIfAbsent(c.source(), s -> new java.util.ArrayList<>()).add(c);
    }
    return out;
  }

  private static DatasetCheck check(String code, Source source, Severity severity, String description, Rule rule) {
    return new DatasetCheck(code, source, severity, description, rule);
  }

  private static Complete complete(String... columns) {
    return new Complete(List.of(columns), 1.0);
  }
}
