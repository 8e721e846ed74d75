package org.carelake.schema;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the one SparkSession a process uses, wired to the Iceberg catalog as the default catalog. */
public final class LakehouseSession {

  private final Map<String, String> conf = new LinkedHashMap<>();
  private String master = "local[2]";
  private String appName = "carelake";

  private LakehouseSession() {
    conf.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    // no Hive metastore: the Iceberg catalog is the only catalog tables live in
    conf.put("spark.sql.catalogImplementation", "in-memory");
    conf.put("spark.sql.shuffle.partitions", "2");
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.driver.host", "127.0.0.1");
    conf.put("spark.driver.bindAddress", "127.0.0.1");
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.sql.adaptive.enabled", "true");
    conf.put("spark.sql.sources.partitionOverwriteMode", "dynamic");
  }

  public static LakehouseSession builder() {
    return new LakehouseSession();
  }

  public LakehouseSession catalog(CatalogSettings catalog) {
    conf.putAll(catalog.sparkConf());
    conf.put("spark.sql.defaultCatalog", catalog.name());
    return this;
  }

  public LakehouseSession master(String value) {
    this.master = value;
    return this;
  }

  public LakehouseSession appName(String value) {
    this.appName = value;
    return this;
  }

  public LakehouseSession shufflePartitions(int n) {
    conf.put("spark.sql.shuffle.partitions", Integer.toString(n));
    return this;
  }

  public LakehouseSession conf(String key, String value) {
    conf.put(key, value);
    return this;
  }

  public LakehouseSession conf(Map<String, String> values) {
    conf.putAll(values);
    return this;
  }

  public SparkSession getOrCreate() {
    SparkSession.Builder b = SparkSession.builder().master(master).appName(appName);
    conf.forEach(b::config);
    return b.getOrCreate();
  }
}
