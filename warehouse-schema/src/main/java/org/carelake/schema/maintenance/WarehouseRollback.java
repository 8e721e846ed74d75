package org.carelake.schema.maintenance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TableSnapshots;

/**
 * Puts the warehouse back as it was at a moment: every table's current snapshot becomes the one that was current then
 * (Iceberg's {@code set_current_snapshot}; nothing is deleted, so the rollback can itself be undone). Used after a bad
 * load: the raw tables lose its rows and its manifest entries (so the corrected file can be sent), and the models give
 * the marts as they were. The {@code ops} tables (build runs, portal uploads) are history and keep it.
 *
 * <p>A table from which a person's records were erased after the moment ({@code erase}) has no snapshot from before the
 * erasure any more: it is kept as it is, and its action says so and names the erasure; the other tables are rolled back.
 */
public final class WarehouseRollback {

  /** What rolling one table back does: from its current snapshot to the one current at the moment (null: none then). */
  public record Change(String table, Long fromSnapshot, Long toSnapshot, String action) {}

  private final SparkSession spark;
  private final TableSnapshots snapshots;
  private final ErasureLog erasures;

  /** The start of the action of a table whose history before the moment was erased (a person's records erased). */
  public static final String ERASED = "its history was erased";

  public WarehouseRollback(SparkSession spark) {
    this.spark = spark;
    this.snapshots = new TableSnapshots(spark);
    this.erasures = new ErasureLog(spark);
  }

  /** What {@link #rollBackTo} would change, without changing anything. */
  public List<Change> plan(Instant moment) {
    List<Change> out = new ArrayList<>();
    for (String table : TableMaintenance.allTables(spark)) {
      if (table.startsWith("ops.")) {
        continue;
      }
      Optional<TableSnapshots.TableSnapshot> now = snapshots.current(table);
      Optional<TableSnapshots.TableSnapshot> then = snapshots.asOf(table, moment);
      Long from = now.map(TableSnapshots.TableSnapshot::snapshotId).orElse(null);
      Long to = then.map(TableSnapshots.TableSnapshot::snapshotId).orElse(null);
      String action;
      if (to == null) {
        Optional<ErasureLog.Entry> erased = now.isEmpty() ? Optional.empty() : erasures.latestAfter(table, moment);
        if (now.isEmpty()) {
          action = "unchanged (never written)";
        } else if (erased.isPresent()) {
          action = "kept: " + ERASED + " at " + erased.get().erasedAt() + " (erasure " + erased.get().erasureId() + "); it cannot go back before that";
        } else {
          action = "kept: no snapshot as old as the moment (created or expired since)";
        }
      } else if (to.equals(from)) {
        action = "unchanged";
      } else {
        action = "rolled back";
      }
      out.add(new Change(table, from, to, action));
    }
    return out;
  }

  /** Rolls every table back to the snapshot current at the moment; returns what changed, table by table. */
  public List<Change> rollBackTo(Instant moment) {
    List<Change> plan = plan(moment);
    String catalog = spark.conf().get("spark.sql.defaultCatalog");
    for (Change c : plan) {
      if (c.action().equals("rolled back")) {
        spark.sql("CALL " + catalog + ".system.set_current_snapshot(table => '" + c.table() + "', snapshot_id => " + c.toSnapshot() + ")");
      }
    }
    return plan;
  }
}
