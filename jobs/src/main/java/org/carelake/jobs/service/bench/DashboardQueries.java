package org.carelake.jobs.service.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.yaml.snakeyaml.Yaml;

/**
 * The dashboards' queries, as Superset sends them to the SQL endpoint: every dataset of the bundle read as a table
 * chart does (first 10,000 rows) and counted as a big-number chart does, over JDBC, timed at the client.
 */
final class DashboardQueries {

  record Query(String name, String sql) {}

  /** Timings in seconds of every timed run, and the slowest query's median. */
  record Timings(int queries, int runs, double p50, double p95, double max, String slowest, double slowestMedian) {}

  private DashboardQueries() {}

  static List<Query> fromBundle(Path bundle) {
    Path datasets = bundle.resolve("datasets");
    List<Query> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(datasets)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
        Map<String, Object> y;
        try (InputStream in = Files.newInputStream(f)) {
          y = new Yaml().load(in);
        }
        String name = String.valueOf(y.get("table_name"));
        Object sql = y.get("sql");
        String from = sql == null || sql.toString().isBlank() ? y.get("schema") + "." + name : "(" + sql.toString().strip().replaceAll(";\\s*$", "") + ")";
        out.add(new Query(name + " (table)", "SELECT * FROM " + from + " AS virtual_table LIMIT 10000"));
        out.add(new Query(name + " (count)", "SELECT count(*) AS count FROM " + from + " AS virtual_table"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the dashboard bundle " + datasets + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalStateException("no datasets in " + datasets);
    }
    return out;
  }

  static Timings run(String jdbcUrl, List<Query> queries, int repeats) throws SQLException {
    List<Double> all = new ArrayList<>();
    String slowest = null;
    double slowestMedian = -1;
    try (Connection c = DriverManager.getConnection(jdbcUrl, "", ""); Statement st = c.createStatement()) {
      for (Query q : queries) {
        once(st, q); // warm-up: the first run of a query plans it and reads file footers
      }
      for (Query q : queries) {
        double[] t = new double[repeats];
        for (int i = 0; i < repeats; i++) {
          t[i] = once(st, q);
          all.add(t[i]);
        }
        Arrays.sort(t);
        double median = t[t.length / 2];
        if (median > slowestMedian) {
          slowestMedian = median;
          slowest = q.name();
        }
      }
    }
    double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return new Timings(queries.size(), sorted.length, percentile(sorted, 0.50), percentile(sorted, 0.95), sorted[sorted.length - 1], slowest,
        slowestMedian);
  }

  private static double once(Statement st, Query q) throws SQLException {
    long t0 = System.nanoTime();
    try (ResultSet rs = st.executeQuery(q.sql())) {
      int cols = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        for (int i = 1; i <= cols; i++) {
          rs.getObject(i);
        }
      }
    } catch (SQLException e) {
      throw new SQLException("dashboard query " + q.name() + " failed: " + e.getMessage(), e);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
