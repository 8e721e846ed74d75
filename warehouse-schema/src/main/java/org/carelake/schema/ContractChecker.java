package org.carelake.schema;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Checks a table against its contract: key unique and not null, NOT NULL columns, accepted values and invariants.
 * Every row-level check is counted in one pass over the table (one Spark job), the key in a second; an example row
 * is fetched only for a check that fails.
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
      // check name -> predicate that is true for a failing row
      Map<String, String> rowChecks = new LinkedHashMap<>();
      for (ColumnSpec c : contract.columns()) {
        if (!c.nullable() || contract.key().contains(c.name())) {
          rowChecks.put(c.name() + " is not null", "`" + c.name() + "` IS NULL");
        }
        if (!c.acceptedValues().isEmpty()) {
          String list = c.acceptedValues().stream().map(v -> "'" + v.replace("'", "\\'") + "'").collect(Collectors.joining(", "));
          rowChecks.put(c.name() + " in (" + String.join(", ", c.acceptedValues()) + ")",
              "`" + c.name() + "` IS NOT NULL AND CAST(`" + c.name() + "` AS STRING) NOT IN (" + list + ")");
        }
      }
      for (Invariant inv : contract.invariants()) {
        rowChecks.put(inv.name() + ": " + inv.expression(), "NOT coalesce((" + inv.expression() + "), false)");
      }
      if (!rowChecks.isEmpty()) {
        List<String> checks = new ArrayList<>(rowChecks.keySet());
        StringBuilder sql = new StringBuilder("SELECT ");
        for (int i = 0; i < checks.size(); i++) {
          sql.append(i == 0 ? "" : ", ").append("count_if(").append(rowChecks.get(checks.get(i))).append(") AS c").append(i);
        }
        Row counts = query(contract, "row checks", sql.append(" FROM ").append(view).toString()).first();
        for (int i = 0; i < checks.size(); i++) {
          long failing = counts.getLong(i);
          if (failing > 0) {
            String check = checks.get(i);
            out.add(new ContractViolation(contract.table(), check, failing,
                example(contract, check, "SELECT * FROM " + view + " WHERE " + rowChecks.get(check))));
          }
        }
      }
      if (!contract.key().isEmpty()) {
        String keyCols = contract.key().stream().map(k -> "`" + k + "`").collect(Collectors.joining(", "));
        String duplicates = "SELECT " + keyCols + ", count(*) AS n FROM " + view + " GROUP BY " + keyCols + " HAVING count(*) > 1";
        String check = "key (" + String.join(", ", contract.key()) + ") is unique";
        long groups = query(contract, check, "SELECT count(*) FROM (" + duplicates + ") d").first().getLong(0);
        if (groups > 0) {
          out.add(new ContractViolation(contract.table(), check, groups, example(contract, check, duplicates)));
        }
      }
    } finally {
      spark.catalog().dropTempView(view);
    }
    return out;
  }

  private String example(TableContract contract, String check, String sql) {
    List<Row> rows = query(contract, check, sql).limit(1).collectAsList();
    return rows.isEmpty() ? null : rows.get(0).toString();
  }

  private Dataset<Row> query(TableContract contract, String check, String sql) {
    try {
      return spark.sql(sql);
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes but thrown undeclared
      throw new IllegalStateException(contract.table() + ": contract check '" + check + "' is not valid SQL: " + e.getMessage(), e);
    }
  }
}
