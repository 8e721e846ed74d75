package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TableContract;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.Test;

/**
 * A model table made by an earlier release (CREATE TABLE AS SELECT: required columns, a map, a column since dropped
 * from the contract, one since retyped) is brought to the contract before the model writes, and then takes its rows.
 */
class ModelTablesTest {

  private static final String CONTRACT = """
      table: core.model_tables_probe
      description: a probe
      grain: one row per id
      key: [id]
      columns:
        - {name: id, type: string, nullable: false}
        - {name: values_by_code, type: "map<string,decimal(18,4)>"}
        - {name: score, type: double}
        - {name: added, type: string}
      """;

  @Test
  void aTableFromAnEarlierReleaseIsConformedToItsContractAndTakesTheModelsRows() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    TableContract contract = TableContract.fromYaml(new ByteArrayInputStream(CONTRACT.getBytes(StandardCharsets.UTF_8)), "test");
    spark.sql("CREATE NAMESPACE IF NOT EXISTS core");
    // as CREATE TABLE AS SELECT made it, where the query's columns could not be null
    spark.sql("CREATE TABLE core.model_tables_probe (id STRING NOT NULL, values_by_code MAP<STRING, DECIMAL(18,4)>, score INT NOT NULL, "
        + "dropped STRING) USING iceberg");
    spark.sql("INSERT INTO core.model_tables_probe VALUES ('a', map('x', CAST(1 AS DECIMAL(18,4))), 3, 'gone')");
    Table before = ModelTables.load(spark, contract.table());
    assertThat(before.schema().findField("id").isRequired()).isTrue();

    ModelTables.ensure(spark, contract);
    ModelTables.ensure(spark, contract); // idempotent: nothing left to change

    Table after = ModelTables.load(spark, contract.table());
    assertThat(after.schema().columns()).extracting(Types.NestedField::name).containsExactlyInAnyOrder("id", "values_by_code", "score", "added");
    assertThat(after.schema().columns()).allMatch(Types.NestedField::isOptional);
    assertThat(after.schema().findType("score")).isEqualTo(Types.DoubleType.get());
    assertThat(after.properties()).containsEntry("write.wap.enabled", "true").containsEntry("write.parquet.compression-codec", "zstd");

    ModelRunner.conform(contract, spark.sql("SELECT CAST(NULL AS STRING) AS id, map('y', CAST(2 AS DECIMAL(18,4))) AS values_by_code, "
        + "0.5 AS score, 'new' AS added")).writeTo(contract.table()).overwrite(org.apache.spark.sql.functions.lit(true));
    List<Row> rows = spark.table(contract.table()).collectAsList();
    assertThat(rows).hasSize(1);
    assertThat(Arrays.asList(rows.get(0).getAs("score"), rows.get(0).getAs("added"))).containsExactly(0.5, "new");
  }

  @Test
  void aNewModelTableIsCreatedFromItsContractWithAllColumnsOptional() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    TableContract contract = TableContract.fromYaml(new ByteArrayInputStream(CONTRACT.getBytes(StandardCharsets.UTF_8)), "test");
    ModelTables.ensure(spark, contract);
    Table t = ModelTables.load(spark, contract.table());
    assertThat(t.schema().columns()).extracting(Types.NestedField::name).containsExactly("id", "values_by_code", "score", "added");
    assertThat(t.schema().columns()).allMatch(Types.NestedField::isOptional);
    assertThat(t.properties()).containsEntry("write.wap.enabled", "true");
    assertThat(t.currentSnapshot()).isNull();
  }
}
