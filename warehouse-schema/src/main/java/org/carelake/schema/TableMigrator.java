package org.carelake.schema;

import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Creates a table from its contract, or evolves it by adding the contract's new columns. Idempotent. */
public final class TableMigrator {

  private final SparkSession spark;

  public TableMigrator(SparkSession spark) {
    this.spark = spark;
  }

  public void ensure(TableContract contract) {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + contract.namespace());
    if (!spark.catalog().tableExists(contract.table())) {
      spark.sql(contract.createTableSql());
      return;
    }
    StructType existing = spark.table(contract.table()).schema();
    Set<String> have = Arrays.stream(existing.fieldNames()).collect(Collectors.toSet());
    for (ColumnSpec c : contract.columns()) {
      if (!have.contains(c.name())) {
        spark.sql("ALTER TABLE " + contract.table() + " ADD COLUMN `" + c.name() + "` " + c.type());
      }
    }
  }
}
