package org.carelake.transforms.quality;

import com.amazon.deequ.AnomalyCheckConfig;
import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationRunBuilderWithRepository;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.analyzers.runners.AnalyzerContext;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.checks.CheckWithLastConstraintFilterable;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.repository.AnalysisResult;
import com.amazon.deequ.repository.AnalysisResultSerde;
import com.amazon.deequ.repository.ResultKey;
import com.amazon.deequ.repository.memory.InMemoryMetricsRepository;
import com.amazon.deequ.suggestions.ConstraintSuggestion;
import com.amazon.deequ.suggestions.ConstraintSuggestionResult;
import com.amazon.deequ.suggestions.ConstraintSuggestionRunner;
import com.amazon.deequ.suggestions.Rules;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import scala.Option;
import scala.Tuple2;
import scala.collection.JavaConverters;
import scala.collection.Seq;
import scala.runtime.AbstractFunction1;

/**
 * The one place carelake talks to Deequ. Deequ is a Scala library: from Java every default parameter has to be passed
 * (Options, empty Seqs), assertions are {@code scala.Function1}, results come back as Scala maps of enumerations. This
 * class takes and returns plain Java records instead; nothing outside it imports {@code com.amazon.deequ} or
 * {@code scala}.
 *
 * <p>Each {@link Rule} becomes one Deequ check with one constraint, so a rule has exactly one outcome. All rules on
 * one dataset run in one {@link VerificationSuite} run: Deequ computes every scan-shareable metric (sizes,
 * completeness, compliance) in one pass, plus one grouping pass per distinct set of uniqueness columns.
 */
public final class Deequ {

  /** Result-key tag naming the dataset measured; anomaly checks compare runs of the same dataset. */
  public static final String DATASET_TAG = "dataset";

  private Deequ() {}

  /** What a dataset must satisfy. */
  public sealed interface Rule permits Complete, Unique, Satisfies, NoSuddenDrop {}

  /**
   * The columns are not null in at least {@code minFraction} of rows. One column is Deequ's Completeness; several
   * are one Compliance on "all not null" (a key is complete only when every part is).
   */
  public record Complete(List<String> columns, double minFraction) implements Rule {
    public Complete {
      columns = List.copyOf(columns);
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("Complete needs a column");
      }
      checkFraction(minFraction);
    }
  }

  /** Every combination of the columns occurs exactly once (Deequ's Uniqueness = 1; one grouping pass). */
  public record Unique(List<String> columns) implements Rule {
    public Unique {
      columns = List.copyOf(columns);
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("Unique needs a column");
      }
    }
  }

  /**
   * A Spark SQL predicate holds in at least {@code minFraction} of the rows matching {@code where} (null: all rows).
   * {@code name} is how the constraint reads in results, e.g. "value_num between 0 and 100".
   */
  public record Satisfies(String name, String predicate, String where, double minFraction) implements Rule {
    public Satisfies {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(predicate, "predicate");
      checkFraction(minFraction);
    }
  }

  /**
   * Anomaly check over the metrics history: the dataset's row count must not fall by more than {@code maxDrop} (0.10 =
   * 10%) since the previous run of the same dataset (Deequ's RelativeRateOfChangeStrategy, order 1). With no earlier
   * run the row count is only recorded. To count some rows only, check a filtered dataset: Deequ's filtered Size has
   * no value on an empty table, so a count of 0 would never be recorded.
   */
  public record NoSuddenDrop(double maxDrop) implements Rule {
    public NoSuddenDrop {
      if (!(maxDrop > 0 && maxDrop < 1)) {
        throw new IllegalArgumentException("maxDrop must be between 0 and 1: " + maxDrop);
      }
    }
  }

  /** A value between min and max inclusive (nulls pass: completeness is its own rule), optionally on some rows only. */
  public static Satisfies range(String column, double min, double max, String where, double minFraction) {
    String q = "`" + column + "`";
    return new Satisfies(column + " between " + fmt(min) + " and " + fmt(max),
        q + " IS NULL OR (" + q + " >= " + fmt(min) + " AND " + q + " <= " + fmt(max) + ")", where, minFraction);
  }

  /**
   * How a rule came out. SKIPPED: an anomaly check with no earlier run, or a check on a dataset with no rows (or no rows
   * matching its filter), where completeness, uniqueness and ranges say nothing.
   */
  public enum Status {
    PASSED, FAILED, SKIPPED;

    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One rule's outcome: the constraint as Deequ names it, why it failed (or was skipped) and the metric it judged. */
  public record Outcome(Rule rule, Status status, String constraint, String message, Double metricValue) {}

  /** One metric a run computed, as the warehouse stores it ({@code json}: AnalysisResultSerde of it and its key). */
  public record StoredMetric(String analyzer, String entity, String instance, String name, Double value, String json) {}

  /** The outcome of each rule (in the order given) and every successful metric of the run, ready to store. */
  public record Verification(List<Outcome> outcomes, List<StoredMetric> metrics) {}

  /** A result key: when the dataset was measured (epoch ms, later runs greater) and its tags (must include dataset). */
  public record RunKey(long datasetDate, Map<String, String> tags) {
    public RunKey {
      tags = Map.copyOf(tags);
      if (!tags.containsKey(DATASET_TAG)) {
        throw new IllegalArgumentException("a run key needs the " + DATASET_TAG + " tag");
      }
    }

    public String dataset() {
      return tags.get(DATASET_TAG);
    }
  }

  /**
   * Deequ's metrics repository for one process run: an in-memory repository hydrated from stored metrics (see
   * {@link #add(String)}), which the anomaly checks read and each run appends its metrics to.
   */
  public static final class History {
    private final InMemoryMetricsRepository repository = new InMemoryMetricsRepository();
    private int metrics;

    /** Adds one stored metric (the {@link StoredMetric#json()} of an earlier run), merged into its result key. */
    public void add(String resultJson) {
      for (AnalysisResult r : javaList(AnalysisResultSerde.deserialize(resultJson))) {
        Option<AnalyzerContext> existing = repository.loadByKey(r.resultKey());
        AnalyzerContext merged = existing.isDefined() ? existing.get().$plus$plus(r.analyzerContext()) : r.analyzerContext();
        repository.save(r.resultKey(), merged);
        metrics++;
      }
    }

    public int size() {
      return metrics;
    }

    /** The latest row count of {@code dataset} measured before {@code before} (epoch ms). */
    public OptionalDouble latestRowCount(String dataset, long before) {
      return latest(dataset, rowCount(), before).map(p -> OptionalDouble.of(p.value())).orElse(OptionalDouble.empty());
    }

    private Optional<Point> latest(String dataset, Analyzer<?, Metric<?>> analyzer, long before) {
      Seq<AnalysisResult> results = repository.load()
          .withTagValues(scalaMap(Map.of(DATASET_TAG, dataset)))
          .forAnalyzers(seq(List.of(analyzer)))
          .before(before)
          .get();
      return javaList(results).stream()
          .flatMap(r -> javaList(r.analyzerContext().allMetrics()).stream().map(m -> new Point(r.resultKey().dataSetDate(), doubleValue(m))))
          .filter(p -> p.value() != null)
          .max(Comparator.comparingLong(Point::date));
    }

    private record Point(long date, Double value) {}
  }

  /**
   * Runs the rules on the data in one verification run, reading anomaly history from {@code history} and appending
   * this run's metrics to it under {@code key}.
   */
  public static Verification verify(Dataset<Row> data, List<Rule> rules, History history, RunKey key) {
    ResultKey resultKey = new ResultKey(key.datasetDate(), scalaMap(key.tags()));
    VerificationRunBuilderWithRepository run = new VerificationSuite().onData(data).useRepository(history.repository);
    Map<Integer, String> descriptions = new HashMap<>();
    Map<Integer, Double> previous = new HashMap<>();
    Map<Integer, Outcome> skipped = new HashMap<>();
    // the row count: scan-shared (free), stored for every dataset, and tells an empty dataset from a failing one
    run.addRequiredAnalyzer(rowCount());
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      String description = "rule " + i + ": " + rule;
      descriptions.put(i, description);
      if (rule instanceof NoSuddenDrop drop) {
        addAnomalyCheck(run, history, key, i, drop, description, previous, skipped);
      } else {
        run.addCheck(check(rule, description));
      }
    }
    run.saveOrAppendResult(resultKey);
    VerificationResult result = run.run();

    Map<String, CheckResult> byDescription = new HashMap<>();
    for (Map.Entry<Check, CheckResult> e : JavaConverters.mapAsJavaMap(result.checkResults()).entrySet()) {
      byDescription.put(e.getKey().description(), e.getValue());
    }
    Double rows = doubleValue(result.metrics().get(rowCount()));
    List<Outcome> outcomes = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      if (skipped.containsKey(i)) {
        Outcome s = skipped.get(i);
        // the row count was still measured (and stored) so that the next run has something to compare with
        outcomes.add(new Outcome(s.rule(), s.status(), s.constraint(), s.message(), rows));
        continue;
      }
      CheckResult cr = byDescription.get(descriptions.get(i));
      ConstraintResult c = javaList(cr.constraintResults()).get(0);
      boolean passed = c.status() == ConstraintStatus.Success();
      Double value = c.metric().isDefined() ? doubleValue(c.metric().get()) : null;
      if (!(rules.get(i) instanceof NoSuddenDrop)) {
        if (rows != null && rows == 0) {
          outcomes.add(new Outcome(rules.get(i), Status.SKIPPED, c.constraint().toString(), "no rows", null));
          continue;
        }
        if (passed && rules.get(i) instanceof Satisfies sat && sat.where() != null && (value == null || value.isNaN())) {
          // Deequ passes a filtered constraint that no row matches, with no metric: say so instead
          outcomes.add(new Outcome(rules.get(i), Status.SKIPPED, c.constraint().toString(), "no rows where " + sat.where(), null));
          continue;
        }
      }
      String message = null;
      if (!passed) {
        Rule rule = rules.get(i);
        if (rule instanceof NoSuddenDrop drop) {
          message = dropMessage(previous.get(i), value, drop.maxDrop());
        } else if (value != null && !value.isNaN()) {
          message = c.metric().get().name().toLowerCase(java.util.Locale.ROOT) + " " + fmt4(value) + ", at least " + fmt(minFraction(rule))
              + " required";
        } else {
          message = c.message().isDefined() ? c.message().get() : "not measured";
        }
      }
      outcomes.add(new Outcome(rules.get(i), passed ? Status.PASSED : Status.FAILED, c.constraint().toString(), message, value));
    }
    return new Verification(outcomes, stored(history, resultKey));
  }

  private static void addAnomalyCheck(VerificationRunBuilderWithRepository run, History history, RunKey key, int i, NoSuddenDrop drop,
      String description, Map<Integer, Double> previous, Map<Integer, Outcome> skipped) {
    Size analyzer = sizeAnalyzer();
    OptionalDouble before = history.latestRowCount(key.dataset(), key.datasetDate() - 1);
    String constraint = "AnomalyConstraint(" + analyzer + ", RelativeRateOfChangeStrategy(maxRateDecrease=" + fmt(1 - drop.maxDrop()) + "))";
    if (before.isEmpty()) {
      // Deequ requires history for an anomaly check: on the first run only measure (the row count is always measured),
      // so the next run can compare
      skipped.put(i, new Outcome(drop, Status.SKIPPED, constraint, "no earlier run of " + key.dataset() + " to compare with: row count recorded", null));
      return;
    }
    previous.put(i, before.getAsDouble());
    // no upper bound: Deequ's default (Double.MaxValue) would flag growth from 0 rows (an infinite rate) as an anomaly
    RelativeRateOfChangeStrategy strategy = new RelativeRateOfChangeStrategy(Option.apply((Object) (1 - drop.maxDrop())),
        Option.apply((Object) Double.POSITIVE_INFINITY), 1);
    // history: earlier runs of the same dataset only (before this run's own key, which the run appends to)
    AnomalyCheckConfig config = new AnomalyCheckConfig(CheckLevel.Error(), description, scalaMap(Map.of(DATASET_TAG, key.dataset())),
        Option.empty(), Option.apply((Object) (key.datasetDate() - 1)));
    @SuppressWarnings({"unchecked", "rawtypes"})
    Analyzer raw = analyzer;
    run.addAnomalyCheck(strategy, raw, Option.apply(config));
  }

  private static double minFraction(Rule rule) {
    if (rule instanceof Complete c) {
      return c.minFraction();
    }
    if (rule instanceof Satisfies s) {
      return s.minFraction();
    }
    return 1.0;
  }

  private static String fmt4(double d) {
    return d == Math.rint(d) ? fmt(d) : String.format(java.util.Locale.ROOT, "%.4f", d).replaceAll("0+$", "");
  }

  private static String dropMessage(Double before, Double now, double maxDrop) {
    if (before == null || now == null) {
      return "row count not measured";
    }
    double change = before == 0 ? 0 : (now - before) / before * 100;
    return String.format(java.util.Locale.ROOT, "row count fell from %s to %s (%+.1f%%) since the previous run; more than %s%% is treated as an anomaly",
        fmt(before), fmt(now), change, fmt(maxDrop * 100));
  }

  private static Check check(Rule rule, String description) {
    Check check = new Check(CheckLevel.Error(), description, seq(List.of()));
    if (rule instanceof Complete c) {
      if (c.columns().size() == 1) {
        String col = c.columns().get(0);
        return c.minFraction() == 1.0 ? check.isComplete(col, Option.empty(), Option.empty())
            : check.hasCompleteness(col, atLeast(c.minFraction()), Option.empty(), Option.empty());
      }
      String predicate = c.columns().stream().map(col -> "`" + col + "` IS NOT NULL").collect(Collectors.joining(" AND "));
      return check.satisfies(predicate, "complete(" + String.join(", ", c.columns()) + ")", atLeast(c.minFraction()), Option.empty(),
          scalaList(c.columns()), Option.empty());
    }
    if (rule instanceof Unique u) {
      return check.hasUniqueness(seq(u.columns()), atLeast(1.0));
    }
    if (rule instanceof Satisfies s) {
      CheckWithLastConstraintFilterable out = check.satisfies(s.predicate(), s.name(), atLeast(s.minFraction()), Option.empty(),
          scalaList(List.of()), Option.empty());
      return s.where() == null ? out : out.where(s.where());
    }
    throw new IllegalArgumentException("not a plain check: " + rule);
  }

  /** The metrics this run stored under its key, one StoredMetric per analyzer (failed metrics are not stored). */
  private static List<StoredMetric> stored(History history, ResultKey key) {
    Option<AnalyzerContext> context = history.repository.loadByKey(key);
    List<StoredMetric> out = new ArrayList<>();
    if (context.isEmpty()) {
      return out;
    }
    Map<String, StoredMetric> sorted = new TreeMap<>();
    for (Map.Entry<Analyzer<?, Metric<?>>, Metric<?>> e : JavaConverters.mapAsJavaMap(context.get().metricMap()).entrySet()) {
      Metric<?> metric = e.getValue();
      Map<Analyzer<?, Metric<?>>, Metric<?>> one = new LinkedHashMap<>();
      one.put(e.getKey(), metric);
      AnalysisResult single = new AnalysisResult(key, new AnalyzerContext(scalaMap(one)));
      String json;
      try {
        json = AnalysisResultSerde.serialize(seq(List.of(single)));
      } catch (RuntimeException notSerialisable) { // e.g. a histogram with a custom binning function
        continue;
      }
      String analyzer = e.getKey().toString();
      sorted.put(analyzer, new StoredMetric(analyzer, metric.entity().toString(), metric.instance(), metric.name(), doubleValue(metric), json));
    }
    history.metrics += sorted.size();
    out.addAll(sorted.values());
    return out;
  }

  /** A constraint Deequ suggests for a column after profiling the data. */
  public record Suggestion(String column, String description, String constraint, String code, String currentValue, String rule) {}

  /**
   * Deequ's constraint suggestions (default rules: completeness, types, categorical ranges, non-negative numbers) for
   * the data, in column order. Profiles every column: several passes over the data, meant for a command, not a build.
   */
  public static List<Suggestion> suggest(Dataset<Row> data) {
    // Deequ's profiler has no mapping for DateType (it prints "Unable to map type DateType" to stdout): profile dates
    // as their ISO text instead
    List<org.apache.spark.sql.Column> cols = new ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : data.schema().fields()) {
      org.apache.spark.sql.Column c = org.apache.spark.sql.functions.col("`" + f.name() + "`");
      cols.add(f.dataType() instanceof org.apache.spark.sql.types.DateType ? c.cast("string").as(f.name()) : c);
    }
    Dataset<Row> profiled = data.select(cols.toArray(org.apache.spark.sql.Column[]::new));
    ConstraintSuggestionResult result = new ConstraintSuggestionRunner().onData(profiled).addConstraintRules(Rules.DEFAULT()).run();
    List<String> order = List.of(data.columns());
    List<Suggestion> out = new ArrayList<>();
    for (Map.Entry<String, Seq<ConstraintSuggestion>> e : JavaConverters.mapAsJavaMap(result.constraintSuggestions()).entrySet()) {
      for (ConstraintSuggestion s : javaList(e.getValue())) {
        out.add(new Suggestion(s.columnName(), s.description(), s.constraint().toString(), s.codeForConstraint(), s.currentValue(),
            s.suggestingRule().getClass().getSimpleName()));
      }
    }
    out.sort(Comparator.comparingInt((Suggestion s) -> order.indexOf(s.column())).thenComparing(Suggestion::code));
    return out;
  }

  // --- Scala interop: kept here so no other class needs it ---

  private static Size sizeAnalyzer() {
    return new Size(Option.empty());
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Analyzer<?, Metric<?>> rowCount() {
    return (Analyzer) sizeAnalyzer();
  }

  private static Double doubleValue(Metric<?> metric) {
    if (metric == null || metric.value().isFailure()) {
      return null;
    }
    Object v = metric.value().get();
    return v instanceof Number n ? n.doubleValue() : null;
  }

  private static Double doubleValue(Option<Metric<?>> metric) {
    return metric.isDefined() ? doubleValue(metric.get()) : null;
  }

  private static AbstractFunction1<Object, Object> atLeast(double min) {
    return new AtLeast(min);
  }

  /** {@code x >= min} as the {@code Double => Boolean} Deequ's assertions are. */
  private static final class AtLeast extends AbstractFunction1<Object, Object> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double min;

    AtLeast(double min) {
      this.min = min;
    }

    @Override
    public Object apply(Object value) {
      return ((Number) value).doubleValue() >= min;
    }

    @Override
    public String toString() {
      return ">= " + fmt(min);
    }
  }

  private static <T> Seq<T> seq(List<T> list) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(list)).toList();
  }

  private static <T> scala.collection.immutable.List<T> scalaList(List<T> list) {
    return JavaConverters.asScalaBuffer(new ArrayList<>(list)).toList();
  }

  private static <T> List<T> javaList(Seq<T> seq) {
    return JavaConverters.seqAsJavaList(seq);
  }

  private static <K, V> scala.collection.immutable.Map<K, V> scalaMap(Map<K, V> map) {
    scala.collection.immutable.Map<K, V> out = scala.collection.immutable.Map$.MODULE$.empty();
    for (Map.Entry<K, V> e : map.entrySet()) {
      out = out.$plus(new Tuple2<>(e.getKey(), e.getValue()));
    }
    return out;
  }

  private static void checkFraction(double f) {
    if (!(f > 0 && f <= 1)) {
      throw new IllegalArgumentException("a minimum fraction must be in (0, 1]: " + f);
    }
  }

  static String fmt(double d) {
    return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
  }
}
