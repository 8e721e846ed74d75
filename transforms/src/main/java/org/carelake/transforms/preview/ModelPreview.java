package org.carelake.transforms.preview;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.transforms.Model;
import org.carelake.transforms.ModelRunner;
import org.carelake.transforms.Models;

/**
 * Evaluates a model as the build would, but over replaced inputs and writing nothing: every model between the
 * replaced tables and the target is re-run as a temporary view, the others are read as built. This is how the
 * portal answers "what would the rules say about this upload" with the very SQL the build runs, not a copy of it.
 */
public final class ModelPreview implements AutoCloseable {

  private static final AtomicLong SEQ = new AtomicLong();

  private final SparkSession spark;
  private final Models models;
  private final String prefix = "__preview_" + SEQ.incrementAndGet() + "_";
  private final List<String> views = new ArrayList<>();
  private int maxRowsPerStep = 1_000_000;

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelPreview.class);

  public ModelPreview(SparkSession spark, Models models) {
    this.spark = spark;
    this.models = models;
  }

  /** Guards against a preview asked for a slice too big to hold as local rows. */
  public ModelPreview maxRowsPerStep(int max) {
    this.maxRowsPerStep = max;
    return this;
  }

  /**
   * @param target the model to evaluate
   * @param replaced tables (landed or built) to read as the given rows instead; a replaced model is not re-run
   * @return the target's rows, conformed to its contract; valid until {@link #close()}
   */
  public Dataset<Row> evaluate(String target, Map<String, Dataset<Row>> replaced) {
    return evaluate(target, replaced, spark::table);
  }

  /**
   * @param sources where a re-run model reads a table that is neither replaced nor re-run (by default the table
   *     itself; a caller may give a cached or sliced copy)
   */
  public Dataset<Row> evaluate(String target, Map<String, Dataset<Row>> replaced, java.util.function.Function<String, Dataset<Row>> sources) {
    Set<String> needed = ancestors(target);
    Map<String, String> viewOf = new HashMap<>();
    for (Map.Entry<String, Dataset<Row>> e : replaced.entrySet()) {
      viewOf.put(e.getKey(), register(e.getKey(), materialise(e.getKey(), e.getValue())));
    }
    ModelRunner runner = new ModelRunner(spark);
    for (Model m : models.all()) {
      if (!needed.contains(m.table()) || viewOf.containsKey(m.table())) {
        continue;
      }
      if (m.inputs().stream().noneMatch(viewOf::containsKey)) {
        continue; // untouched by the replacement: read as built
      }
      for (String in : m.inputs()) {
        if (!viewOf.containsKey(in)) {
          Dataset<Row> source = sources.apply(in);
          if (source != null) {
            viewOf.put(in, register(in, source));
          }
        }
      }
      Model rewritten = new Model(m.table(), rewrite(m.sql(), viewOf), m.contract(), m.inputs());
      long planning = System.nanoTime();
      Dataset<Row> query = runner.query(rewritten);
      LOG.debug("preview {}: planned in {} ms", m.table(), (System.nanoTime() - planning) / 1_000_000);
      viewOf.put(m.table(), register(m.table(), materialise(m.table(), query)));
    }
    String view = viewOf.get(target);
    return view == null ? spark.table(target) : spark.table(view);
  }

  /**
   * A preview covers a slice (one service's rows), so each step is computed once and held as local rows: later
   * steps read it many times, and re-deriving it each time would multiply the cost with every reference.
   */
  private Dataset<Row> materialise(String table, Dataset<Row> rows) {
    long start = System.nanoTime();
    List<Row> local = rows.collectAsList();
    if (local.size() > maxRowsPerStep) {
      throw new IllegalStateException("a preview step produced " + local.size() + " rows, more than " + maxRowsPerStep
          + ": replace the inputs with a smaller slice");
    }
    LOG.debug("preview {}: {} rows in {} ms", table, local.size(), (System.nanoTime() - start) / 1_000_000);
    return spark.createDataFrame(local, rows.schema());
  }

  private Set<String> ancestors(String target) {
    Set<String> out = new HashSet<>();
    List<String> todo = new ArrayList<>(List.of(target));
    while (!todo.isEmpty()) {
      String t = todo.remove(todo.size() - 1);
      if (out.add(t)) {
        models.find(t).ifPresent(m -> todo.addAll(m.inputs()));
      }
    }
    return out;
  }

  private String register(String table, Dataset<Row> rows) {
    String name = prefix + table.replace('.', '_');
    rows.createOrReplaceTempView(name);
    views.add(name);
    return name;
  }

  /** Replaces references to re-run or replaced tables by their views; other names (and text in quotes) stay. */
  static String rewrite(String sql, Map<String, String> viewOf) {
    StringBuilder out = new StringBuilder();
    Matcher m = Pattern.compile("'(?:[^']|'')*'|--[^\\n]*|\\b(?:raw|ref|staging|core|marts|dq)\\.[a-z_][a-z0-9_]*\\b").matcher(sql);
    int last = 0;
    while (m.find()) {
      String token = m.group();
      String view = token.startsWith("'") || token.startsWith("--") ? null : viewOf.get(token);
      out.append(sql, last, m.start()).append(view == null ? token : view);
      last = m.end();
    }
    return out.append(sql.substring(last)).toString();
  }

  @Override
  public void close() {
    views.forEach(v -> spark.catalog().dropTempView(v));
    views.clear();
  }
}
