package org.carelake.jobs.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Where the lakehouse lives and how Spark runs: bound from application.yml, the environment and --carelake.x=y. */
@ConfigurationProperties("carelake")
public class CarelakeProperties {

  /** Data home: catalog, warehouse files, logs. */
  private Path home = Path.of("lakehouse");
  /** The project's seeds folder (ref data and demo samples). */
  private Path seedsDir = Path.of("seeds");
  private final Catalog catalog = new Catalog();
  private final Spark spark = new Spark();

  public Path getHome() {
    return home;
  }

  public void setHome(Path home) {
    this.home = home;
  }

  public Path getSeedsDir() {
    return seedsDir;
  }

  public void setSeedsDir(Path seedsDir) {
    this.seedsDir = seedsDir;
  }

  public Catalog getCatalog() {
    return catalog;
  }

  public Spark getSpark() {
    return spark;
  }

  /** The Iceberg catalog; an empty uri means the embedded JDBC catalog on SQLite in the home. */
  public static class Catalog {
    private String name = "carelake";
    private String type = "jdbc";
    private String uri = "";
    private String warehouse = "";
    private Map<String, String> properties = new LinkedHashMap<>();

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public String getType() {
      return type;
    }

    public void setType(String type) {
      this.type = type;
    }

    public String getUri() {
      return uri;
    }

    public void setUri(String uri) {
      this.uri = uri;
    }

    public String getWarehouse() {
      return warehouse;
    }

    public void setWarehouse(String warehouse) {
      this.warehouse = warehouse;
    }

    public Map<String, String> getProperties() {
      return properties;
    }

    public void setProperties(Map<String, String> properties) {
      this.properties = properties;
    }
  }

  /** Spark settings; anything else goes in conf. */
  public static class Spark {
    private String master = "local[*]";
    private int shufflePartitions = 4;
    private Map<String, String> conf = new LinkedHashMap<>();

    public String getMaster() {
      return master;
    }

    public void setMaster(String master) {
      this.master = master;
    }

    public int getShufflePartitions() {
      return shufflePartitions;
    }

    public void setShufflePartitions(int shufflePartitions) {
      this.shufflePartitions = shufflePartitions;
    }

    public Map<String, String> getConf() {
      return conf;
    }

    public void setConf(Map<String, String> conf) {
      this.conf = conf;
    }
  }
}
