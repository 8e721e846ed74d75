package org.carelake.transforms.evaluation;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * How well the data-quality rules find what was really wrong: the findings of {@code dq.submission_finding} compared
 * with a truth file listing every fault injected into a data set (the generator's {@code truth.csv}: provider_id,
 * location_id, return_type, period_start, fault_class, measure_code, detail).
 *
 * <p>A fault is found when the same submission (location, return type, period) has a finding of the same class.
 * A false positive is a received submission with no injected fault that has an error finding.
 */
public final class FindingEvaluation {

  /** Recall of one fault class. */
  public record ClassRecall(String faultClass, long injected, long found) {
    public double recallPct() {
      return injected == 0 ? 100.0 : 100.0 * found / injected;
    }
  }

  /** A fault the rules did not find. */
  public record Miss(String faultClass, String locationId, String returnType, String periodStart, String detail) {}

  /** The evaluation: recall per class, false positives, and the misses to look at. */
  public record Result(List<ClassRecall> recall, long cleanReceived, long cleanWithError, List<String> falsePositiveRules,
      List<Miss> misses) {
    public double falsePositivePct() {
      return cleanReceived == 0 ? 0.0 : 100.0 * cleanWithError / cleanReceived;
    }

    public boolean meets(double recallGoalPct, double falsePositiveGoalPct) {
      return recall.stream().allMatch(r -> r.recallPct() >= recallGoalPct) && falsePositivePct() <= falsePositiveGoalPct;
    }
  }

  static final List<String> CLASSES = List.of("missing_measure", "invalid_value", "internal_inconsistency", "cross_source",
      "history_anomaly", "late", "missing_submission");

  private final SparkSession spark;

  public FindingEvaluation(SparkSession spark) {
    this.spark = spark;
  }

  /** Reads the truth file (CSV with a header) and evaluates the built findings against it. */
  public Result evaluate(String truthCsv) {
    return evaluate(spark.read().option("header", "true").csv(truthCsv));
  }

  public Result evaluate(Dataset<Row> truth) {
    truth.selectExpr("trim(location_id) as location_id", "trim(return_type) as return_type",
        "cast(trim(period_start) as date) as period_start", "trim(fault_class) as fault_class", "detail").createOrReplaceTempView("__truth");
    try {
      spark.sql("""
          select t.*, f.rule_class is not null as found
          from __truth t
          left join (select distinct location_id, return_type, period_start, rule_class from dq.submission_finding) f
            on f.location_id = t.location_id and f.return_type = t.return_type and f.period_start = t.period_start
           and f.rule_class = t.fault_class
          """).createOrReplaceTempView("__judged");
      List<ClassRecall> recall = new ArrayList<>();
      for (String c : CLASSES) {
        Row r = spark.sql("select count(*), count_if(found) from __judged where fault_class = '" + c + "'").first();
        recall.add(new ClassRecall(c, r.getLong(0), r.getLong(1)));
      }
      List<Miss> misses = spark.sql("select fault_class, location_id, return_type, cast(period_start as string), detail from __judged "
              + "where not found order by fault_class, location_id, period_start").collectAsList().stream()
          .map(r -> new Miss(r.getString(0), r.getString(1), r.getString(2), r.getString(3), r.getString(4))).toList();
      spark.sql("""
          select q.location_id, q.return_type, q.period_start
          from marts.mart_submission_quality q
          left anti join __truth t
            on t.location_id = q.location_id and t.return_type = q.return_type and t.period_start = q.period_start
          where q.is_received
          """).createOrReplaceTempView("__clean");
      Row fp = spark.sql("""
          select count(*), count_if(e.location_id is not null)
          from __clean c
          left join (select distinct location_id, return_type, period_start from dq.submission_finding where severity = 'error') e
            on e.location_id = c.location_id and e.return_type = c.return_type and e.period_start = c.period_start
          """).first();
      List<String> rules = spark.sql("""
          select concat(f.rule_code, ' ', cast(count(*) as string)) from dq.submission_finding f
          join __clean c on f.location_id = c.location_id and f.return_type = c.return_type and f.period_start = c.period_start
          where f.severity = 'error' group by f.rule_code order by count(*) desc
          """).collectAsList().stream().map(r -> r.getString(0)).toList();
      return new Result(List.copyOf(recall), fp.getLong(0), fp.getLong(1), rules, misses);
    } finally {
      spark.catalog().dropTempView("__truth");
      spark.catalog().dropTempView("__judged");
      spark.catalog().dropTempView("__clean");
    }
  }
}
