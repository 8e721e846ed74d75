package org.carelake.jobs.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The benchmark's peer: every model rebuilt by an in-process DuckDB over the same Parquet data files Spark reads.
 * Views {@code raw.x} / {@code ref.x} over {@code read_parquet([...])} of the given files, the macros in
 * {@code bench/macros.sql}, then {@code CREATE OR REPLACE TABLE <layer>.<name> AS <sql>} for each model in order,
 * each timed. A model DuckDB cannot run is recorded with its error, and the run goes on. When the caller hands over
 * Spark's table for it, DuckDB reads that table (a view over Spark's Parquet) in its place, so the models after it are
 * still timed on both sides; without one, they fail too and say so. Nothing is hidden: such a model is counted as
 * failed, and its stand-in is never compared with Spark. The database is a file under the work directory, kept after
 * the run so {@link MartComparison} can read the tables.
 */
public final class DuckDbRebuild {

  /** One model as DuckDB SQL: {@code table} is {@code <layer>.<name>}, {@code sql} a SELECT. */
  public record DuckDbModel(String table, String sql) {
    public DuckDbModel {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(sql, "sql");
    }
  }

  /**
   * One model's outcome: rows and seconds when it ran, else DuckDB's error (seconds then is how long it tried);
   * {@code fromSpark} when Spark's table stood in for it afterwards.
   */
  public record ModelRun(String table, double seconds, long rows, Optional<String> error, boolean fromSpark) {
    public ModelRun(String table, double seconds, long rows, Optional<String> error) {
      this(table, seconds, rows, error, false);
    }

    public boolean ok() {
      return error.isEmpty();
    }
  }

  /** The whole rebuild: models in build order; {@code totalSeconds} includes the views and macros. */
  public record Result(Path database, List<ModelRun> models, double totalSeconds) {
    public Result {
      models = List.copyOf(models);
    }

    public List<ModelRun> failed() {
      return models.stream().filter(m -> !m.ok()).toList();
    }

    public List<ModelRun> built() {
      return models.stream().filter(ModelRun::ok).toList();
    }

    public boolean allOk() {
      return failed().isEmpty();
    }
  }

  static final List<String> SCHEMAS = List.of("raw", "ref", "staging", "core", "dq", "marts");
  private static final Pattern TABLE_NAME = Pattern.compile("(raw|ref|staging|core|dq|marts)\\.[a-z_][a-z0-9_]*");

  private final Path workDir;
  private final int threads;
  private final String memoryLimit;

  /**
   * @param workDir where the DuckDB database file ({@code rebuild.duckdb}) and its spill files go
   * @param threads DuckDB's worker threads (the bench uses the same count as Spark's local[n])
   * @param memoryLimit DuckDB's memory limit, e.g. {@code "4GB"}
   */
  public DuckDbRebuild(Path workDir, int threads, String memoryLimit) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1");
    }
    if (!memoryLimit.matches("\\d+(\\.\\d+)?\\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)")) {
      throw new IllegalArgumentException("memory limit like 4GB expected, got " + memoryLimit);
    }
    this.workDir = workDir;
    this.threads = threads;
    this.memoryLimit = memoryLimit;
  }

  public Path database() {
    return workDir.resolve("rebuild.duckdb");
  }

  /**
   * @param inputs the data files of each raw.* and ref.* table ({@code table -> Parquet paths}); the caller
   *     lists them from the Iceberg snapshot Spark reads and must not pass tables with delete files
   *     ({@link IcebergDataFiles} checks)
   * @param models the models in build order, as DuckDB SQL
   */
  public Result run(Map<String, List<String>> inputs, List<DuckDbModel> models) {
    return run(inputs, models, Map.of());
  }

  /**
   * @param standIns Spark's data files of the models' own tables ({@code table -> Parquet paths}): what DuckDB reads
   *     in place of a model it could not build
   */
  public Result run(Map<String, List<String>> inputs, List<DuckDbModel> models, Map<String, List<String>> standIns) {
    try {
      Files.createDirectories(workDir);
      Files.deleteIfExists(database());
      Files.deleteIfExists(workDir.resolve("rebuild.duckdb.wal"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long start = System.nanoTime();
    List<ModelRun> runs = new ArrayList<>();
    Connection c = null;
    try {
      c = connect();
      try (Statement s = c.createStatement()) {
        for (String schema : SCHEMAS) {
          s.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        }
        for (Map.Entry<String, List<String>> in : new LinkedHashMap<>(inputs).entrySet()) {
          s.execute("CREATE OR REPLACE VIEW " + checkedName(in.getKey()) + " AS " + readParquet(in.getKey(), in.getValue()));
        }
      }
      for (DuckDbModel m : models) {
        String table = checkedName(m.table());
        long t0 = System.nanoTime();
        try (Statement s = c.createStatement()) {
          s.execute("CREATE OR REPLACE TABLE " + table + " AS " + m.sql());
          double seconds = (System.nanoTime() - t0) / 1e9;
          long rows;
          try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            rows = rs.getLong(1);
          }
          runs.add(new ModelRun(m.table(), seconds, rows, Optional.empty()));
        } catch (SQLException e) {
          double seconds = (System.nanoTime() - t0) / 1e9;
          // after an out-of-memory error DuckDB may invalidate the database: every later statement on this
          // connection fails. What was committed is in the file, so a new connection carries on from there.
          if (!usable(c)) {
            c.close();
            c = connect();
          }
          List<String> spark = standIns.get(m.table());
          boolean standIn = spark != null && !spark.isEmpty();
          if (standIn) {
            try (Statement s = c.createStatement()) {
              s.execute("DROP TABLE IF EXISTS " + table);
              s.execute("CREATE OR REPLACE VIEW " + table + " AS " + readParquet(table, spark));
            }
          }
          runs.add(new ModelRun(m.table(), seconds, 0, Optional.of(e.getMessage()), standIn));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("DuckDB rebuild could not set up: " + e.getMessage(), e);
    } finally {
      if (c != null) {
        try {
          c.close();
        } catch (SQLException ignored) {
          // the results are recorded; a failing close loses nothing
        }
      }
    }
    return new Result(database(), runs, (System.nanoTime() - start) / 1e9);
  }

  /** A connection to the rebuild's database with the run's settings and macros (settings are per connection). */
  private Connection connect() throws SQLException {
    Connection c = open(database());
    try (Statement s = c.createStatement()) {
      s.execute("SET threads = " + threads);
      s.execute("SET memory_limit = '" + memoryLimit + "'");
      s.execute("SET temp_directory = '" + literal(workDir.resolve("tmp").toString()) + "'");
      // tables are compared with Spark's as multisets, so row order need not be kept (DuckDB then buffers less)
      s.execute("SET preserve_insertion_order = false");
      s.execute("SET TimeZone = 'UTC'"); // Spark's session time zone (LakehouseSession)
      s.execute(resource("bench/macros.sql"));
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    return c;
  }

  private static boolean usable(Connection c) {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
      return rs.next();
    } catch (SQLException e) {
      return false;
    }
  }

  static Connection open(Path database) throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
  }

  static String readParquet(String table, List<String> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException(table + " has no data files: DuckDB cannot read an empty Parquet list");
    }
    StringBuilder sb = new StringBuilder("SELECT * FROM read_parquet([");
    for (int i = 0; i < files.size(); i++) {
      String f = files.get(i);
      if (f.startsWith("file:")) {
        f = f.substring("file:".length());
      }
      sb.append(i == 0 ? "" : ", ").append('\'').append(literal(f)).append('\'');
    }
    return sb.append("])").toString();
  }

  static String checkedName(String table) {
    if (!TABLE_NAME.matcher(table).matches()) {
      throw new IllegalArgumentException("not a <layer>.<name> table name: " + table);
    }
    return table;
  }

  static String literal(String s) {
    return s.replace("'", "''");
  }

  static String resource(String path) {
    try (InputStream in = DuckDbRebuild.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
