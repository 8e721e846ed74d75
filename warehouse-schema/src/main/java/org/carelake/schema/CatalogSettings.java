package org.carelake.schema;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where the Iceberg catalog lives. The embedded default is Iceberg's JDBC catalog on an SQLite file in the
 * data home (safe for concurrent writers on a local filesystem, unlike the Hadoop catalog); REST, JDBC on
 * PostgreSQL and Hive catalogs are the same class with other properties.
 */
public record CatalogSettings(String name, String type, String uri, String warehouse, Map<String, String> properties) {

  public static final String DEFAULT_NAME = "carelake";

  public CatalogSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    properties = Map.copyOf(properties == null ? Map.of() : properties);
  }

  /** Iceberg JDBC catalog on {@code <home>/catalog.db}, data files under {@code <home>/warehouse}. */
  public static CatalogSettings embedded(Path home) {
    Path abs = home.toAbsolutePath().normalize();
    return new CatalogSettings(DEFAULT_NAME, "jdbc", "jdbc:sqlite:" + abs.resolve("catalog.db"),
        abs.resolve("warehouse").toUri().toString(),
        Map.of("jdbc.schema-version", "V1", "jdbc.busy_timeout", "60000"));
  }

  /** Iceberg Hadoop catalog in a folder: only for single-writer tests. */
  public static CatalogSettings hadoop(String name, Path warehouse) {
    return new CatalogSettings(name, "hadoop", null, warehouse.toAbsolutePath().toUri().toString(), Map.of());
  }

  /** The {@code spark.sql.catalog.<name>.*} entries that register this catalog with Spark. */
  public Map<String, String> sparkConf() {
    String prefix = "spark.sql.catalog." + name;
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    conf.put(prefix + ".type", type);
    if (uri != null && !uri.isBlank()) {
      conf.put(prefix + ".uri", uri);
    }
    if (warehouse != null && !warehouse.isBlank()) {
      conf.put(prefix + ".warehouse", warehouse);
    }
    properties.forEach((k, v) -> conf.put(prefix + "." + k, v));
    return conf;
  }
}
