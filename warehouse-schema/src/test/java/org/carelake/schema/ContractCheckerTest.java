package org.carelake.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

class ContractCheckerTest {

  static final String YAML = """
      table: marts.example
      description: a tiny table
      grain: one row per id
      key: [id]
      columns:
        - {name: id, type: string, nullable: false}
        - {name: kind, type: string, accepted_values: [a, b]}
        - {name: n, type: bigint, nullable: false}
        - {name: total, type: bigint}
      invariants:
        - name: n_within_total
          expression: "n <= total"
      """;

  static TableContract contract() {
    return TableContract.fromYaml(new ByteArrayInputStream(YAML.getBytes(StandardCharsets.UTF_8)), "test");
  }

  @Test
  void readsEveryPartOfTheContract() {
    TableContract c = contract();
    assertThat(c.namespace()).isEqualTo("marts");
    assertThat(c.name()).isEqualTo("example");
    assertThat(c.key()).containsExactly("id");
    assertThat(c.columnNames()).containsExactly("id", "kind", "n", "total");
    assertThat(c.columns().get(1).acceptedValues()).containsExactly("a", "b");
    assertThat(c.invariants()).extracting(Invariant::name).containsExactly("n_within_total");
    assertThat(c.createTableSql()).contains("CREATE TABLE IF NOT EXISTS marts.example").contains("`n` bigint").contains("'format-version'='2'");
  }

  @Test
  void aKeyThatIsNotAColumnIsRefused() {
    assertThatThrownBy(() -> TableContract.fromYaml(new ByteArrayInputStream(
        "table: a.b\nkey: [x]\ncolumns:\n  - {name: y, type: int}\n".getBytes(StandardCharsets.UTF_8)), "bad.yml"))
        .hasMessageContaining("bad.yml").hasMessageContaining("key column x");
  }

  @Test
  void cleanRowsPassAndEveryKindOfBrokenPromiseIsReported() {
    SparkSession spark = TestLakehouse.spark();
    TableContract c = contract();
    Dataset<Row> clean = spark.createDataFrame(List.of(RowFactory.create("1", "a", 1L, 2L), RowFactory.create("2", null, 2L, 2L)), c.sparkSchema());
    assertThat(new ContractChecker(spark).check(c, clean)).isEmpty();

    Dataset<Row> broken = spark.createDataFrame(List.of(
        RowFactory.create("1", "a", 1L, 2L),
        RowFactory.create("1", "c", 3L, 2L),
        RowFactory.create(null, "b", null, 1L)), c.sparkSchema());
    List<ContractViolation> v = new ContractChecker(spark).check(c, broken);
    assertThat(v).extracting(ContractViolation::check).containsExactlyInAnyOrder(
        "key (id) is unique", "id is not null", "kind in (a, b)", "n is not null", "n_within_total: n <= total");
    assertThat(v).filteredOn(x -> x.check().startsWith("n_within")).first()
        .satisfies(x -> assertThat(x.rows()).isEqualTo(2)); // 3 > 2, and null n is not a pass
  }

  @Test
  void migratorCreatesThenEvolvesIdempotently() {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    TableMigrator m = new TableMigrator(spark);
    m.ensure(contract());
    m.ensure(contract());
    assertThat(spark.table("marts.example").columns()).containsExactly("id", "kind", "n", "total");
    TableContract wider = TableContract.fromYaml(new ByteArrayInputStream((YAML.replace("invariants:", "  - {name: note, type: string}\ninvariants:"))
        .getBytes(StandardCharsets.UTF_8)), "wider");
    m.ensure(wider);
    assertThat(spark.table("marts.example").columns()).containsExactly("id", "kind", "n", "total", "note");
  }
}
