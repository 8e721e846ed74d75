package org.carelake.transforms;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.SparkSession;

/**
 * Write-audit-publish for a build: while open, the session's writes to model tables (write.wap.enabled) go to the
 * Iceberg branch {@link #name()} and its reads of them see that branch, so models, contract checks and dataset checks
 * all work on what this build wrote; main, which every reader is served from, does not move. {@link #publish}
 * fast-forwards main to the branch table by table and removes the branch; a build that fails its gates keeps the branch
 * for inspection ({@code SELECT ... FROM t VERSION AS OF '<name>'}) until a later build drops it after {@link #KEEP}.
 * Publishing is done once the branch is closed, so that the session reads main again.
 */
public final class AuditBranch implements AutoCloseable {

  public static final String PREFIX = "audit_";
  /** How long the branch of a build that failed its gates is kept for inspection. */
  public static final Duration KEEP = Duration.ofDays(7);
  static final String WAP_BRANCH = "spark.wap.branch";

  /** One table's publication: main moved from one snapshot to another (from is null for a table new to main). */
  public record Published(String table, Long fromSnapshot, long toSnapshot) {}

  private final SparkSession spark;
  private final String name;
  private final String previous;

  private AuditBranch(SparkSession spark, String name) {
    this.spark = spark;
    this.name = name;
    this.previous = spark.conf().getOption(WAP_BRANCH).getOrElse(() -> null);
    spark.conf().set(WAP_BRANCH, name);
  }

  /** Opens the branch for a build run: its name is {@code audit_} and the run id (letters, digits and underscores). */
  public static AuditBranch open(SparkSession spark, String runId) {
    return new AuditBranch(spark, PREFIX + runId.replaceAll("[^A-Za-z0-9]", "_"));
  }

  public String name() {
    return name;
  }

  /** The snapshot this build committed to a table on its branch; null when it wrote nothing there. */
  public Long head(String table) {
    Table t = ModelTables.load(spark, table);
    SnapshotRef ref = t.refs().get(name);
    return ref == null ? null : ref.snapshotId();
  }

  /** Stops writing to the branch: the session reads and writes main again. */
  @Override
  public void close() {
    if (previous == null) {
      spark.conf().unset(WAP_BRANCH);
    } else {
      spark.conf().set(WAP_BRANCH, previous);
    }
  }

  /**
   * Moves each table's main to this branch's head and removes the branch, one atomic commit per table. Refuses, before
   * touching any table, when main has moved on some table since the branch was taken (another build published in the
   * meantime): a fast-forward would otherwise discard that build's rows.
   */
  public static List<Published> publish(SparkSession spark, String name, List<String> tables) {
    List<Table> loaded = new ArrayList<>();
    List<String> diverged = new ArrayList<>();
    for (String table : tables) {
      Table t = ModelTables.load(spark, table);
      t.refresh();
      SnapshotRef ref = t.refs().get(name);
      if (ref == null) {
        throw new IllegalStateException("cannot publish: " + table + " has no branch " + name);
      }
      Snapshot main = t.currentSnapshot();
      if (main != null && !SnapshotUtil.isAncestorOf(t, ref.snapshotId(), main.snapshotId())) {
        diverged.add(table);
      }
      loaded.add(t);
    }
    if (!diverged.isEmpty()) {
      throw new IllegalStateException("cannot publish: main moved on since this build began (another build published?) on "
          + diverged + "; nothing was published, the build's rows stay on branch " + name);
    }
    List<Published> out = new ArrayList<>();
    for (int i = 0; i < loaded.size(); i++) {
      Table t = loaded.get(i);
      long head = t.refs().get(name).snapshotId();
      Long from = t.currentSnapshot() == null ? null : t.currentSnapshot().snapshotId();
      if (from == null) {
        t.manageSnapshots().setCurrentSnapshot(head).removeBranch(name).commit();
      } else {
        t.manageSnapshots().fastForwardBranch(SnapshotRef.MAIN_BRANCH, name).removeBranch(name).commit();
      }
      out.add(new Published(tables.get(i), from, head));
    }
    return List.copyOf(out);
  }

  /**
   * Removes audit branches older than {@link #KEEP} (by their head's commit time) from the tables: kept that long, a
   * failed build's rows can be inspected; a build running now has a younger head and is left alone.
   *
   * @return the branches removed, as {@code table@branch}
   */
  public static List<String> dropExpired(SparkSession spark, List<String> tables, Instant now) {
    List<String> dropped = new ArrayList<>();
    for (String table : tables) {
      if (!spark.catalog().tableExists(table)) {
        continue;
      }
      Table t = ModelTables.load(spark, table);
      var manage = t.manageSnapshots();
      boolean any = false;
      for (Map.Entry<String, SnapshotRef> ref : t.refs().entrySet()) {
        if (ref.getKey().startsWith(PREFIX) && ref.getValue().isBranch()
            && t.snapshot(ref.getValue().snapshotId()).timestampMillis() < now.minus(KEEP).toEpochMilli()) {
          manage.removeBranch(ref.getKey());
          dropped.add(table + "@" + ref.getKey());
          any = true;
        }
      }
      if (any) {
        manage.commit();
      }
    }
    return dropped;
  }
}
