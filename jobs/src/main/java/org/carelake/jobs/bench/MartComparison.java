package org.carelake.jobs.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Are DuckDB's tables the same as Spark's? For each table, inside DuckDB: Spark's current data files (read with
 * read_parquet) against DuckDB's table, as multisets of rows (EXCEPT ALL both ways: order-independent, duplicates
 * counted). DuckDB's columns are cast to Spark's column types first (DuckDB sums to HUGEINT where Spark keeps
 * BIGINT, divides to DOUBLE where Spark has DECIMAL(p,s): the values are compared, not the types). A MAP column
 * is compared as its entries sorted by key (a map built from collect_list has no defined entry order in either
 * engine). Columns that differ by nature (e.g. current_timestamp()) are left out by name and reported.
 */
public final class MartComparison {

  /** One table: rows each side, rows only one side has, Spark columns DuckDB lacks, columns left out. */
  public record TableComparison(String table, long sparkRows, long duckdbRows, long onlyInSpark, long onlyInDuckdb,
      List<String> missingColumns, List<String> ignoredColumns, String error) {
    public boolean matches() {
      return error == null && missingColumns.isEmpty() && sparkRows == duckdbRows && onlyInSpark == 0 && onlyInDuckdb == 0;
    }
  }

  private MartComparison() {}

  /**
   * @param duckdb the database a {@link DuckDbRebuild} left
   * @param sparkFiles Spark's data files of each table to compare ({@code table -> Parquet paths})
   * @param ignoredColumns column names left out everywhere (e.g. {@code detected_at})
   */
  public static List<TableComparison> compare(Path duckdb, Map<String, List<String>> sparkFiles, Set<String> ignoredColumns) {
    List<TableComparison> out = new ArrayList<>();
    try (Connection c = DuckDbRebuild.open(duckdb); Statement s = c.createStatement()) {
      for (Map.Entry<String, List<String>> e : sparkFiles.entrySet()) {
        String table = DuckDbRebuild.checkedName(e.getKey());
        String spark = "(" + DuckDbRebuild.readParquet(table, e.getValue()) + ")";
        try {
          out.add(compareOne(s, table, spark, ignoredColumns));
        } catch (SQLException ex) {
          out.add(new TableComparison(table, -1, -1, -1, -1, List.of(), List.of(), ex.getMessage()));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open " + duckdb + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static TableComparison compareOne(Statement s, String table, String spark, Set<String> ignored) throws SQLException {
    Map<String, String> sparkCols = columns(s, "DESCRIBE SELECT * FROM " + spark);
    Map<String, String> duckCols = new LinkedHashMap<>();
    columns(s, "DESCRIBE " + table).forEach((k, v) -> duckCols.put(k.toLowerCase(), v));
    List<String> missing = new ArrayList<>();
    List<String> ignoredHere = new ArrayList<>();
    List<String> sparkSel = new ArrayList<>();
    List<String> duckSel = new ArrayList<>();
    for (Map.Entry<String, String> col : sparkCols.entrySet()) {
      String name = col.getKey();
      if (ignored.contains(name)) {
        ignoredHere.add(name);
        continue;
      }
      if (!duckCols.containsKey(name.toLowerCase())) {
        missing.add(name);
        continue;
      }
      String q = "\"" + name.replace("\"", "\"\"") + "\"";
      String type = col.getValue();
      String duck = "CAST(" + q + " AS " + type + ")";
      if (type.startsWith("MAP(")) {
        sparkSel.add("list_sort(map_entries(" + q + ")) AS " + q);
        duckSel.add("list_sort(map_entries(" + duck + ")) AS " + q);
      } else {
        sparkSel.add(q);
        duckSel.add(duck + " AS " + q);
      }
    }
    long sparkRows = count(s, "SELECT count(*) FROM " + spark);
    long duckRows = count(s, "SELECT count(*) FROM " + table);
    String a = "SELECT " + String.join(", ", sparkSel) + " FROM " + spark;
    String b = "SELECT " + String.join(", ", duckSel) + " FROM " + table;
    long onlySpark = count(s, "SELECT count(*) FROM (" + a + " EXCEPT ALL " + b + ")");
    long onlyDuck = count(s, "SELECT count(*) FROM (" + b + " EXCEPT ALL " + a + ")");
    return new TableComparison(table, sparkRows, duckRows, onlySpark, onlyDuck, missing, ignoredHere, null);
  }

  private static Map<String, String> columns(Statement s, String describe) throws SQLException {
    Map<String, String> cols = new LinkedHashMap<>();
    try (ResultSet rs = s.executeQuery(describe)) {
      while (rs.next()) {
        cols.put(rs.getString(1), rs.getString(2));
      }
    }
    return cols;
  }

  private static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
