package org.carelake.schema;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Checks a table against its contract: key unique and not null, NOT NULL columns, accepted values and
 * invariants. Each check is one SQL query; the result lists every broken promise with an example row.
 */
public final class ContractChecker {

  private final SparkSession spark;

  public ContractChecker(SparkSession spark) {
    this.spark = spark;
  }

  public List<ContractViolation> check(TableContract contract) {
    return check(contract, spark.table(contract.table()));
  }

  public List<ContractViolation> check(TableContract contract, Dataset<Row> data) {
    String view = "__contract_" + contract.name();
    data.createOrReplaceTempView(view);
    List<ContractViolation> out = new ArrayList<>();
    try {
      if (!contract.key().isEmpty()) {
        String keyCols = contract.key().stream().map(k -> "`" + k + "`").collect(Collectors.joining(", "));
        failing(out, contract, "key (" + String.join(", ", contract.key()) + ") is unique",
            "SELECT " + keyCols + ", count(*) AS n FROM " + view + " GROUP BY " + keyCols + " HAVING count(*) > 1");
      }
      for (ColumnSpec c : contract.columns()) {
        boolean inKey = contract.key().contains(c.name());
        if (!c.nullable() || inKey) {
          failing(out, contract, c.name() + " is not null", "SELECT * FROM " + view + " WHERE `" + c.name() + "` IS NULL");
        }
        if (!c.acceptedValues().isEmpty()) {
          String list = c.acceptedValues().stream().map(v -> "'" + v.replace("'", "\\'") + "'").collect(Collectors.joining(", "));
          failing(out, contract, c.name() + " in (" + String.join(", ", c.acceptedValues()) + ")",
              "SELECT * FROM " + view + " WHERE `" + c.name() + "` IS NOT NULL AND CAST(`" + c.name() + "` AS STRING) NOT IN (" + list + ")");
        }
      }
      for (Invariant inv : contract.invariants()) {
        failing(out, contract, inv.name() + ": " + inv.expression(),
            "SELECT * FROM " + view + " WHERE NOT coalesce((" + inv.expression() + "), false)");
      }
    } finally {
      spark.catalog().dropTempView(view);
    }
    return out;
  }

  private void failing(List<ContractViolation> out, TableContract contract, String check, String sql) {
    Dataset<Row> bad;
    try {
      bad = spark.sql(sql);
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown undeclared
      throw new IllegalStateException(contract.table() + ": contract check '" + check + "' is not valid SQL: " + e.getMessage(), e);
    }
    List<Row> sample = bad.limit(1).collectAsList();
    if (!sample.isEmpty()) {
      out.add(new ContractViolation(contract.table(), check, bad.count(), sample.get(0).toString()));
    }
  }
}
