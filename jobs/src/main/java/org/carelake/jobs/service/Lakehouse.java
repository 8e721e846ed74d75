package org.carelake.jobs.service;

import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
          .conf(s.getConf())
          .getOrCreate();
    }
    return spark;
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
