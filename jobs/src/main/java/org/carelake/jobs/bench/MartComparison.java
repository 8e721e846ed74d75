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
 *
 * <p>Each side is first reduced to a fingerprint that needs no memory beyond a row at a time: its row count and the sum
 * of every row's hash. Equal fingerprints are taken as the same rows; only when they differ are the rows set against
 * each other, to count them (at national scale EXCEPT ALL over 100 million rows outgrew DuckDB's memory, and the
 * error invalidated the database for every later table). A table whose comparison fails says why, and the next
 * one gets a new connection.
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
    return compare(duckdb, sparkFiles, ignoredColumns, null);
  }

  /** @param memoryLimit DuckDB's memory limit for the comparison (e.g. {@code 4GB}); null for DuckDB's default */
  public static List<TableComparison> compare(Path duckdb, Map<String, List<String>> sparkFiles, Set<String> ignoredColumns,
      String memoryLimit) {
    List<TableComparison> out = new ArrayList<>();
    Connection c = null;
    try {
      c = connect(duckdb, memoryLimit);
      for (Map.Entry<String, List<String>> e : sparkFiles.entrySet()) {
        String table = DuckDbRebuild.checkedName(e.getKey());
        String spark = "(" + DuckDbRebuild.readParquet(table, e.getValue()) + ")";
        try (Statement s = c.createStatement()) {
          out.add(compareOne(s, table, spark, ignoredColumns));
        } catch (SQLException ex) {
          out.add(new TableComparison(table, -1, -1, -1, -1, List.of(), List.of(), ex.getMessage()));
          // an out-of-memory error can invalidate the database: the next table gets a new connection
          c.close();
          c = connect(duckdb, memoryLimit);
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot open " + duckdb + ": " + e.getMessage(), e);
    } finally {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // the comparisons are recorded
        }
      }
    }
    return out;
  }

  private static Connection connect(Path duckdb, String memoryLimit) throws SQLException {
    Connection c = DuckDbRebuild.open(duckdb);
    try (Statement s = c.createStatement()) {
      s.execute("SET preserve_insertion_order = false");
      if (memoryLimit != null) {
        s.execute("SET memory_limit = '" + DuckDbRebuild.literal(memoryLimit) + "'");
      }
    }
    return c;
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
    String a = "SELECT " + String.join(", ", sparkSel) + " FROM " + spark;
    String b = "SELECT " + String.join(", ", duckSel) + " FROM " + table;
    long[] sparkPrint = fingerprint(s, a);
    long[] duckPrint = fingerprint(s, b);
    long sparkRows = sparkPrint[0];
    long duckRows = duckPrint[0];
    if (java.util.Arrays.equals(sparkPrint, duckPrint)) {
      return new TableComparison(table, sparkRows, duckRows, 0, 0, missing, ignoredHere, null);
    }
    long onlySpark = count(s, "SELECT count(*) FROM (" + a + " EXCEPT ALL " + b + ")");
    long onlyDuck = count(s, "SELECT count(*) FROM (" + b + " EXCEPT ALL " + a + ")");
    return new TableComparison(table, sparkRows, duckRows, onlySpark, onlyDuck, missing, ignoredHere, null);
  }

  /** Row count and the sum of the rows' hashes (as two longs: high and low bits of the HUGEINT sum): order-free. */
  private static long[] fingerprint(Statement s, String select) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT count(*), coalesce(sum(hash(row_of_table)::HUGEINT), 0)::VARCHAR FROM (" + select + ") row_of_table")) {
      rs.next();
      java.math.BigInteger sum = new java.math.BigInteger(rs.getString(2));
      return new long[] {rs.getLong(1), sum.shiftRight(64).longValue(), sum.longValue()};
    }
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
