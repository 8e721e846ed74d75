package org.carelake.jobs.service;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.carelake.jobs.config.CarelakeProperties;
import org.carelake.schema.CatalogSettings;
import org.carelake.schema.LakehouseSession;
import org.springframework.stereotype.Service;

/**
 * The process's one SparkSession over the configured catalog, created on first use so that command-line options
 * (such as --home) are applied first.
 */
@Service
public class Lakehouse {

  private final CarelakeProperties properties;
  private SparkSession spark;

  public Lakehouse(CarelakeProperties properties) {
    this.properties = properties;
  }

  public CarelakeProperties properties() {
    return properties;
  }

  public Path home() {
    return properties.getHome().toAbsolutePath().normalize();
  }

  public CatalogSettings catalog() {
    CarelakeProperties.Catalog c = properties.getCatalog();
    if ("jdbc".equals(c.getType()) && (c.getUri() == null || c.getUri().isBlank())) {
      CatalogSettings embedded = CatalogSettings.embedded(home());
      return new CatalogSettings(c.getName(), embedded.type(), embedded.uri(), embedded.warehouse(), embedded.properties());
    }
    return new CatalogSettings(c.getName(), c.getType(), c.getUri(), c.getWarehouse(), c.getProperties());
  }

  public synchronized SparkSession spark() {
    if (spark == null) {
      try {
        Files.createDirectories(home());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the data home " + home() + ": " + e.getMessage(), e);
      }
      CarelakeProperties.Spark s = properties.getSpark();
      spark = LakehouseSession.builder()
          .master(s.getMaster())
          .catalog(catalog())
          .shufflePartitions(s.getShufflePartitions())
          .conf("spark.sql.warehouse.dir", home().resolve("spark-warehouse").toString())
          .conf(clusterConf(s.getMaster(), s.getConf(), ownJar()))
          .conf(s.getConf())
          .getOrCreate();
    }
    return spark;
  }

  /** The JVM flags Spark needs on Java 17 (the launcher's list): executors started by a cluster need them too. */
  static final String EXECUTOR_JAVA_OPTIONS = String.join(" ",
      "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
      "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
      "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
      "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
      "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
      "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
      "--add-opens=java.base/sun.security.action=ALL-UNNAMED", "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
      "--add-opens=java.security.jgss/sun.security.krb5=ALL-UNNAMED", "-Djdk.reflect.useDirectMethodHandle=false");

  /**
   * What executors on a cluster need that a local master does not: the application's classes ({@code spark.jars}: this
   * jar, which the driver serves to every executor) and the Java 17 flags. A setting the user gave wins (an empty
   * {@code spark.jars} turns the copy off when the workers already have the jar on their class path).
   */
  static Map<String, String> clusterConf(String master, Map<String, String> userConf, Optional<Path> ownJar) {
    Map<String, String> conf = new LinkedHashMap<>();
    if (master == null || master.startsWith("local")) {
      return conf;
    }
    if (!userConf.containsKey("spark.jars") && System.getProperty("spark.jars") == null) {
      ownJar.ifPresent(jar -> conf.put("spark.jars", jar.toString()));
    }
    if (!userConf.containsKey("spark.executor.extraJavaOptions")) {
      conf.put("spark.executor.extraJavaOptions", EXECUTOR_JAVA_OPTIONS);
    }
    return conf;
  }

  /** The jar this class was loaded from (the shaded carelake.jar), empty when run from classes (tests, IDE). */
  static Optional<Path> ownJar() {
    try {
      var source = Lakehouse.class.getProtectionDomain().getCodeSource();
      if (source == null || source.getLocation() == null) {
        return Optional.empty();
      }
      Path p = Path.of(source.getLocation().toURI());
      return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException e) {
      return Optional.empty();
    }
  }

  public synchronized boolean started() {
    return spark != null;
  }

  @PreDestroy
  public synchronized void stop() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }
}
