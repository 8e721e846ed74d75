package org.carelake.transforms;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Input tables a build reads at fixed Iceberg snapshots, taken once when the build starts: every model then sees the
 * same state of its inputs, whatever lands meanwhile, and the run history records exactly what was read. A load that
 * lands during the build is not half-seen; the next build reads it (serializable, in the order the snapshots say).
 */
public final class SnapshotPins {

  private static final SnapshotPins NONE = new SnapshotPins(Map.of());

  private final Map<String, Long> snapshots;

  private SnapshotPins(Map<String, Long> snapshots) {
    this.snapshots = Map.copyOf(snapshots);
  }

  public static SnapshotPins none() {
    return NONE;
  }

  /** @param snapshots table ({@code namespace.name}) to snapshot id; tables without a snapshot are left out */
  public static SnapshotPins of(Map<String, Long> snapshots) {
    return new SnapshotPins(new TreeMap<>(snapshots));
  }

  public Map<String, Long> snapshots() {
    return snapshots;
  }

  /** The snapshot a table is read at, or null when it is read as it is. */
  public Long snapshotOf(String table) {
    return snapshots.get(table);
  }

  /** The SQL with each pinned table read {@code VERSION AS OF} its snapshot. */
  public String apply(String sql) {
    String out = sql;
    for (Map.Entry<String, Long> e : snapshots.entrySet()) {
      out = replaceTable(out, e.getKey(), e.getKey() + " VERSION AS OF " + e.getValue());
    }
    return out;
  }

  /** The SQL with every reference to the table replaced: the name as a whole, not part of a longer name, not a column qualifier (raw.t.col). */
  static String replaceTable(String sql, String table, String replacement) {
    Pattern name = Pattern.compile("(?<![\\w.`])" + Pattern.quote(table) + "(?![\\w.`])");
    return name.matcher(sql).replaceAll(Matcher.quoteReplacement(replacement));
  }
}
