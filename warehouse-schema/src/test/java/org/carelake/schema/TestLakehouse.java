package org.carelake.schema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM ({@code local[2]}, one shuffle partition, UI off, loopback), and a fresh,
 * empty Iceberg catalog per test class so tests never see each other's tables.
 */
public final class TestLakehouse {

  private static final AtomicInteger CATALOGS = new AtomicInteger();
  private static volatile SparkSession session;
  private static Path root;

  private TestLakehouse() {}

  public static synchronized SparkSession spark() {
    if (session == null) {
      try {
        root = Files.createTempDirectory("carelake-test-");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      session = LakehouseSession.builder()
          .master("local[2]")
          .appName("carelake-test")
          .shufflePartitions(1)
          .conf("spark.sql.adaptive.coalescePartitions.enabled", "true")
          .conf("spark.default.parallelism", "2")
          .conf("spark.sql.warehouse.dir", root.resolve("spark-warehouse").toString())
          .getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /** A new empty catalog (embedded JDBC on SQLite, as in production), made the session's default catalog. */
  public static synchronized CatalogSettings freshCatalog() {
    CatalogSettings settings = newCatalog();
    return use(settings, settings.sparkConf());
  }

  /**
   * A new empty catalog like {@link #freshCatalog()}, whose commits a test can make fail
   * ({@link FaultInjectingCatalog#failNextCommit}).
   */
  public static synchronized CatalogSettings freshFaultInjectingCatalog() {
    CatalogSettings settings = newCatalog();
    return use(settings, FaultInjectingCatalog.sparkConf(settings.name(), settings));
  }

  private static CatalogSettings newCatalog() {
    spark();
    int n = CATALOGS.incrementAndGet();
    Path home = root.resolve("home" + n);
    try {
      Files.createDirectories(home);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CatalogSettings embedded = CatalogSettings.embedded(home);
    return new CatalogSettings("t" + n, embedded.type(), embedded.uri(), embedded.warehouse(), embedded.properties());
  }

  private static CatalogSettings use(CatalogSettings settings, java.util.Map<String, String> conf) {
    SparkSession spark = spark();
    conf.forEach((k, v) -> spark.conf().set(k, v));
    spark.conf().set("spark.sql.defaultCatalog", settings.name());
    spark.sql("USE " + settings.name());
    return settings;
  }

  public static Path home(CatalogSettings settings) {
    return Path.of(java.net.URI.create(settings.warehouse())).getParent();
  }
}
