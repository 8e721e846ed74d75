package org.carelake.schema;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;
import org.apache.iceberg.jdbc.JdbcCatalog;

/**
 * Iceberg's JDBC catalog with commit failures on demand, as Iceberg's own tests inject them: a commit to a chosen table
 * fails once, either before the catalog takes it (data files are written, the table does not change) or after (the
 * table changed, but the writer is told the outcome is unknown). Registered with Spark as {@code catalog-impl}.
 */
public class FaultInjectingCatalog extends JdbcCatalog {

  /** Where the next commit to a table fails. */
  public enum Fault {
    /** the data files are written, the catalog refuses the commit */
    BEFORE_COMMIT,
    /** the catalog takes the commit, then the connection drops: the writer cannot know it landed */
    AFTER_COMMIT
  }

  private static final Map<String, Fault> PLANNED = new ConcurrentHashMap<>();
  private static final Map<String, Integer> INJECTED = new ConcurrentHashMap<>();

  /** Fails the next commit to {@code table} ({@code namespace.name}), once. */
  public static void failNextCommit(String table, Fault fault) {
    PLANNED.put(table, fault);
  }

  /** Clears planned faults that did not fire. */
  public static void reset() {
    PLANNED.clear();
  }

  /** How many faults fired on a table so far (a test checks its fault really happened). */
  public static int injected(String table) {
    return INJECTED.getOrDefault(table, 0);
  }

  /** Spark conf that registers this catalog under {@code name} over the same store as {@code settings}. */
  public static Map<String, String> sparkConf(String name, CatalogSettings settings) {
    String prefix = "spark.sql.catalog." + name;
    Map<String, String> conf = new java.util.LinkedHashMap<>();
    conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    conf.put(prefix + ".catalog-impl", FaultInjectingCatalog.class.getName());
    conf.put(prefix + ".uri", settings.uri());
    conf.put(prefix + ".warehouse", settings.warehouse());
    settings.properties().forEach((k, v) -> conf.put(prefix + "." + k, v));
    return conf;
  }

  @Override
  protected TableOperations newTableOps(TableIdentifier id) {
    return new Faulty(super.newTableOps(id), id.toString());
  }

  private static final class Faulty implements TableOperations {
    private final TableOperations ops;
    private final String table;

    Faulty(TableOperations ops, String table) {
      this.ops = ops;
      this.table = table;
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata) {
      Fault fault = PLANNED.remove(table);
      if (fault == Fault.BEFORE_COMMIT) {
        INJECTED.merge(table, 1, Integer::sum);
        throw new IllegalStateException("injected fault: the catalog refused the commit to " + table);
      }
      ops.commit(base, metadata);
      if (fault == Fault.AFTER_COMMIT) {
        INJECTED.merge(table, 1, Integer::sum);
        throw new CommitStateUnknownException(new RuntimeException("injected fault: connection lost after the commit to " + table));
      }
    }

    @Override
    public TableMetadata current() {
      return ops.current();
    }

    @Override
    public TableMetadata refresh() {
      return ops.refresh();
    }

    @Override
    public FileIO io() {
      return ops.io();
    }

    @Override
    public EncryptionManager encryption() {
      return ops.encryption();
    }

    @Override
    public String metadataFileLocation(String fileName) {
      return ops.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider() {
      return ops.locationProvider();
    }

    @Override
    public TableOperations temp(TableMetadata uncommittedMetadata) {
      return ops.temp(uncommittedMetadata);
    }

    @Override
    public long newSnapshotId() {
      return ops.newSnapshotId();
    }

    @Override
    public boolean requireStrictCleanup() {
      return ops.requireStrictCleanup();
    }
  }
}
