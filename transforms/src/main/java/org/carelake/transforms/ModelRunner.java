package org.carelake.transforms;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.carelake.schema.ColumnSpec;
import org.carelake.schema.ContractChecker;
import org.carelake.schema.ContractViolation;
import org.carelake.schema.TableContract;

/**
 * Runs SQL models: the query's columns must be exactly the contract's (cast to the contract's types), the result
 * replaces the table's rows in one Iceberg commit (history kept for time travel), and the contract is checked on what
 * was written. Under write-audit-publish ({@code spark.wap.branch} set, see WarehouseBuild) the commit, the reads of
 * models built earlier in the run and the checks all happen on the audit branch; main is untouched.
 */
public final class ModelRunner {

  /**
   * What building one model did.
   *
   * @param took the whole step: query, write, contract checks
   * @param wrote the query and the write alone (what another engine's CREATE TABLE AS compares with)
   * @param built false when the model was left as it was (see {@link UnchangedModels})
   */
  public record ModelResult(String table, long rows, Duration took, Duration wrote, List<ContractViolation> violations, boolean built,
      PeriodSlice slice) {

    public ModelResult(String table, long rows, Duration took, Duration wrote, List<ContractViolation> violations) {
      this(table, rows, took, wrote, violations, true, null);
    }

    /** A model left as it was: nothing it reads had changed since the last published build. */
    public static ModelResult unchanged(String table, long rows) {
      return new ModelResult(table, rows, Duration.ZERO, Duration.ZERO, List.of(), false, null);
    }

    /** Whether only a slice of the table's periods was rebuilt (the rest kept as the last build wrote them). */
    public boolean sliced() {
      return slice != null;
    }

    public boolean passed() {
      return violations.isEmpty();
    }
  }

  private final SparkSession spark;
  private final SnapshotPins pins;

  public ModelRunner(SparkSession spark) {
    this(spark, SnapshotPins.none());
  }

  /** A runner whose models read the pinned tables at their pinned snapshots. */
  public ModelRunner(SparkSession spark, SnapshotPins pins) {
    this.spark = spark;
    this.pins = pins;
    SqlFunctions.register(spark);
  }

  /** The model's rows, conformed to its contract, without writing anything. */
  public Dataset<Row> query(Model model) {
    Dataset<Row> df = spark.sql(pins.apply(model.sql()));
    return conform(model.contract(), df);
  }

  static Dataset<Row> conform(TableContract contract, Dataset<Row> df) {
    Set<String> produced = new TreeSet<>(Arrays.asList(df.columns()));
    Set<String> promised = new TreeSet<>(contract.columnNames());
    if (!produced.equals(promised)) {
      Set<String> missing = new TreeSet<>(promised);
      missing.removeAll(produced);
      Set<String> extra = new TreeSet<>(produced);
      extra.removeAll(promised);
      throw new IllegalStateException(contract.table() + ": the SQL does not produce the contract's columns; missing "
          + missing + ", not in contract " + extra);
    }
    List<Column> cols = new ArrayList<>();
    for (ColumnSpec c : contract.columns()) {
      cols.add(functions.col("`" + c.name() + "`").cast(c.type()).as(c.name()));
    }
    return df.select(cols.toArray(Column[]::new));
  }

  public ModelResult build(Model model) {
    try {
      return buildUnchecked(model);
 } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown undeclared
      throw new IllegalStateException("building " + model.table() + " failed: " + e.getMessage(), e);
    }
  }

  private ModelResult buildUnchecked(Model model) {
    long start = System.nanoTime();
    TableContract contract = model.contract();
    ModelTables.ensure(spark, contract);
    Dataset<Row> rows = query(model);
    try {
      // every row replaced in one Iceberg commit: on the build's audit branch when spark.wap.branch is set (the table
      // is write.wap.enabled), else on main; the table's history is kept for time travel either way
      rows.writeTo(contract.table()).overwrite(functions.lit(true));
    } catch (Exception e) { // NoSuchTableException is checked, thrown from Scala
      throw new IllegalStateException("cannot write " + contract.table() + ": " + e.getMessage(), e);
    }
    long written = System.nanoTime();
    List<ContractViolation> violations = new ContractChecker(spark).check(contract);
    long count = spark.table(contract.table()).count();
    return new ModelResult(contract.table(), count, Duration.ofNanos(System.nanoTime() - start), Duration.ofNanos(written - start), violations);
  }

  /**
   * Rebuilds only the slice's periods of a period-keyed model: its sliced input is read for those periods alone, the
   * table's rows of those periods are replaced in one Iceberg commit (an overwrite by filter: every data file of the
   * slice's partitions is dropped and the new rows added; the table is partitioned by the slice columns so files never
   * straddle the boundary), and the contract is checked on the slice (on the whole table when the key does not
   * determine the slice). Falls back to a whole rebuild when the table's files do not line up with the slice (a table
   * written before it was partitioned by period).
   */
  public ModelResult buildSlice(Model model, PeriodSlice slice) {
    PeriodSlice.Slicing slicing = model.slicing();
    if (slicing == null) {
      throw new IllegalArgumentException(model.table() + " has no incremental section in its contract");
    }
    long start = System.nanoTime();
    TableContract contract = model.contract();
    ModelTables.ensure(spark, contract);
    if (!partitionedBySpec(contract.table())) {
      return build(model); // written before the table was partitioned by period: its files straddle the slice
    }
    String view = "__slice_" + slicing.input().replace('.', '_');
    try {
      spark.sql("CREATE OR REPLACE TEMPORARY VIEW " + view + " AS " + pins.apply("SELECT * FROM " + slicing.input()) + " WHERE " + slice.predicate());
      String sql = SnapshotPins.replaceTable(model.sql(), slicing.input(), view);
      Dataset<Row> rows = conform(contract, spark.sql(pins.apply(sql)));
      try {
        rows.writeTo(contract.table()).overwrite(functions.expr(slice.predicate()));
      } catch (Exception e) {
        if (causedBy(e, org.apache.iceberg.exceptions.ValidationException.class)) {
          return build(model); // files that straddle the slice (written before the period partitioning): rebuild whole
        }
        throw new IllegalStateException("cannot write " + slice.describe() + " of " + contract.table() + ": " + e.getMessage(), e);
      }
      long written = System.nanoTime();
      ContractChecker checker = new ContractChecker(spark);
      List<ContractViolation> violations = slicing.keyImpliesSlice()
          ? checker.check(contract, spark.table(contract.table()).where(slice.predicate()))
          : checker.check(contract);
      long count = spark.table(contract.table()).count();
      return new ModelResult(contract.table(), count, Duration.ofNanos(System.nanoTime() - start), Duration.ofNanos(written - start), violations,
          true, slice);
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) { // AnalysisException is checked in Java's eyes but thrown undeclared
      throw new IllegalStateException("building " + slice.describe() + " of " + model.table() + " failed: " + e.getMessage(), e);
    } finally {
      spark.catalog().dropTempView(view);
    }
  }

  /** Whether every data file of the table's main is laid out by its current partition spec. */
  private boolean partitionedBySpec(String table) {
    org.apache.iceberg.Table t = ModelTables.load(spark, table);
    t.refresh();
    org.apache.iceberg.Snapshot current = t.currentSnapshot();
    return current == null || current.dataManifests(t.io()).stream()
        .filter(m -> m.hasAddedFiles() || m.hasExistingFiles()) // a manifest of only deleted entries holds no live file
        .allMatch(m -> m.partitionSpecId() == t.spec().specId());
  }

  private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  public List<ModelResult> buildAll(Models models) {
    List<ModelResult> out = new ArrayList<>();
    for (Model m : models.all()) {
      out.add(build(m));
    }
    return out;
  }
}
