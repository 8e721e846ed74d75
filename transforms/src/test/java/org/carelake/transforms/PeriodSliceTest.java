package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TableContract;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A period-keyed model rebuilt for the periods new rows touch gives the same table as rebuilding it whole, leaves the
 * files of every other period as they were, and is not tried when rows were removed from its input.
 */
class PeriodSliceTest {

  private static final PeriodSlice.Slicing SLICING = new PeriodSlice.Slicing("raw.slice_probe", "return_type", "period_start", true);
  private static final String SQL = "SELECT return_type, period_start, location_id, sum(value) AS total, count(*) AS rows_in "
      + "FROM raw.slice_probe GROUP BY return_type, period_start, location_id";

  private SparkSession spark;

  @BeforeEach
  void freshCatalog() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS raw");
    spark.sql("CREATE TABLE raw.slice_probe (return_type STRING, period_start DATE, location_id STRING, value INT) USING iceberg");
    insert("('monthly', DATE'2025-07-01', 'L1', 1), ('monthly', DATE'2025-08-01', 'L1', 2), ('monthly', DATE'2025-08-01', 'L2', 3), "
        + "('quarterly', DATE'2025-04-01', 'L1', 4), ('annual', DATE'2025-04-01', 'L1', 5)");
  }

  @Test
  void theSliceIsEachGroupsEarliestAppendedPeriodOnwards() {
    long before = snapshot("raw.slice_probe");
    insert("('monthly', DATE'2025-09-01', 'L1', 6), ('monthly', DATE'2025-09-01', 'L2', 7)");
    insert("('quarterly', DATE'2025-07-01', 'L1', 8), ('monthly', DATE'2025-08-01', 'L3', 9)"); // and a late August return
    spark.sql("CALL " + spark.conf().get("spark.sql.defaultCatalog") + ".system.rewrite_data_files(table => 'raw.slice_probe', "
        + "options => map('min-input-files', '2'))"); // a compaction between appends changes no rows
    long after = snapshot("raw.slice_probe");
    assertThat(ModelTables.load(spark, "raw.slice_probe").currentSnapshot().operation()).isEqualTo("replace");

    PeriodSlice slice = PeriodSlice.appendedBetween(spark, "raw.slice_probe", before, after, SLICING).orElseThrow();

    assertThat(slice.earliestByGroup()).containsExactlyInAnyOrderEntriesOf(
        Map.of("monthly", LocalDate.of(2025, 8, 1), "quarterly", LocalDate.of(2025, 7, 1)));
    assertThat(slice.describe()).isEqualTo("monthly from 2025-08-01, quarterly from 2025-07-01");
    assertThat(spark.sql("SELECT count(*) FROM raw.slice_probe WHERE " + slice.predicate()).first().getLong(0)).isEqualTo(6);
    assertThat(PeriodSlice.appendedBetween(spark, "raw.slice_probe", after, after, SLICING).orElseThrow().isEmpty()).isTrue();
  }

  @Test
  void rowsRemovedFromTheInputMeanNoSlice() {
    long before = snapshot("raw.slice_probe");
    insert("('monthly', DATE'2025-09-01', 'L1', 6)");
    spark.sql("DELETE FROM raw.slice_probe WHERE location_id = 'L2'");
    assertThat(PeriodSlice.appendedBetween(spark, "raw.slice_probe", before, snapshot("raw.slice_probe"), SLICING)).isEmpty();
    assertThat(PeriodSlice.appendedBetween(spark, "raw.slice_probe", null, snapshot("raw.slice_probe"), SLICING)).isEmpty();
    // rolled back past the last build's snapshot: that snapshot is no ancestor of the current one
    long rolledBack = snapshot("raw.slice_probe");
    spark.sql("CALL " + spark.conf().get("spark.sql.defaultCatalog") + ".system.rollback_to_snapshot('raw.slice_probe', " + before + ")");
    insert("('monthly', DATE'2025-10-01', 'L1', 7)");
    assertThat(PeriodSlice.appendedBetween(spark, "raw.slice_probe", rolledBack, snapshot("raw.slice_probe"), SLICING)).isEmpty();
  }

  @Test
  void aSlicedRebuildEqualsAWholeOneAndLeavesOtherPeriodsFilesAlone() throws Exception {
    Model model = model("[return_type, period_start]");
    ModelRunner runner = new ModelRunner(spark);
    runner.build(model);
    Set<String> july = files(model.table(), "2025-07-01");

    PeriodSlice slice = sliceOfInsert("('monthly', DATE'2025-08-01', 'L1', 10), ('monthly', DATE'2025-09-01', 'L1', 11)");
    ModelRunner.ModelResult result = runner.buildSlice(model, slice);

    assertThat(result.sliced()).isTrue();
    assertThat(result.passed()).as(result.violations().toString()).isTrue();
    assertThat(result.rows()).isEqualTo(6);
    assertThat(rows(model.table())).containsExactlyInAnyOrderElementsOf(rows("(" + SQL + ")"));
    assertThat(files(model.table(), "2025-07-01")).isEqualTo(july).isNotEmpty();
    assertThat(spark.sql("SELECT total FROM " + model.table() + " WHERE period_start = DATE'2025-08-01' AND location_id = 'L1'").first().getLong(0))
        .isEqualTo(12);
  }

  @Test
  void aTableWhoseFilesStraddleTheSliceIsRebuiltWhole() throws Exception {
    // written before the table was partitioned by period: one file per return type holds every month
    Model old = model("[return_type]");
    ModelRunner runner = new ModelRunner(spark);
    runner.build(old);
    PeriodSlice slice = sliceOfInsert("('monthly', DATE'2025-08-01', 'L1', 10)");

    Model now = model("[return_type, period_start]");
    ModelRunner.ModelResult result = runner.buildSlice(now, slice);

    assertThat(result.sliced()).isFalse();
    assertThat(rows(now.table())).containsExactlyInAnyOrderElementsOf(rows("(" + SQL + ")"));
    assertThat(ModelTables.load(spark, now.table()).spec().fields()).extracting(f -> f.name()).containsExactly("return_type", "period_start");
  }

  private Model model(String partitionBy) {
    String yaml = """
        table: core.slice_probe_totals
        description: a probe
        grain: one row per return type, period and location
        key: [return_type, period_start, location_id]
        partition_by: %s
        columns:
          - {name: return_type, type: string, nullable: false, accepted_values: [monthly, quarterly, annual]}
          - {name: period_start, type: date, nullable: false}
          - {name: location_id, type: string, nullable: false}
          - {name: total, type: bigint, nullable: false}
          - {name: rows_in, type: bigint, nullable: false}
        invariants:
          - {name: counted, expression: "rows_in >= 1"}
        """.formatted(partitionBy);
    TableContract contract = TableContract.fromYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test");
    return new Model(contract.table(), SQL, contract, Set.of("raw.slice_probe"), SLICING);
  }

  /** The slice of the rows these values add to the input. */
  private PeriodSlice sliceOfInsert(String values) {
    long before = snapshot("raw.slice_probe");
    insert(values);
    return PeriodSlice.appendedBetween(spark, "raw.slice_probe", before, snapshot("raw.slice_probe"), SLICING).orElseThrow();
  }

  private void insert(String values) {
    spark.sql("INSERT INTO raw.slice_probe VALUES " + values);
  }

  private long snapshot(String table) {
    Table t = ModelTables.load(spark, table);
    t.refresh();
    return t.currentSnapshot().snapshotId();
  }

  private List<Row> rows(String from) {
    return spark.sql("SELECT return_type, period_start, location_id, total, rows_in FROM " + from).collectAsList();
  }

  private Set<String> files(String table, String period) throws Exception {
    Table t = ModelTables.load(spark, table);
    t.refresh();
    Set<String> out = new HashSet<>();
    try (CloseableIterable<FileScanTask> tasks = t.newScan().filter(org.apache.iceberg.expressions.Expressions.equal("period_start", period)).planFiles()) {
      for (FileScanTask task : tasks) {
        DataFile f = task.file();
        out.add(f.location());
      }
    }
    return out;
  }
}
