package org.carelake.transforms;

import java.time.LocalDate;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * The rows of a period-keyed model that new input can change: for each group (a return type), every period from the
 * earliest one the new rows touch onwards. A new month is one period per return type; a late resubmission of an old
 * period reaches back to it. "From the earliest onwards" rather than a set of periods keeps a slice correct for what a
 * period's rows may take from the periods after it, and costs nothing extra for the usual new month.
 *
 * <p>Which models can be sliced, and by what, their contract says ({@code incremental:} in the model's YAML, see
 * {@link Slicing}).
 */
public record PeriodSlice(String groupColumn, String periodColumn, Map<String, LocalDate> earliestByGroup) {

  /**
   * How a model is sliced: the one input whose appended rows define the slice, read back only for the slice (the model's
   * rows of one group and period depend only on that input's rows of the same group and period), and the two columns
   * the input and the model share. {@code keyImpliesSlice}: the model's key determines the group and period (it holds
   * them, or a hash of them), so a key is unique in the table when it is unique within each slice.
   */
  public record Slicing(String input, String groupColumn, String periodColumn, boolean keyImpliesSlice) {}

  public PeriodSlice {
    earliestByGroup = Map.copyOf(new TreeMap<>(earliestByGroup));
  }

  public boolean isEmpty() {
    return earliestByGroup.isEmpty();
  }

  /** A Spark SQL predicate true for the rows of the slice (false for none when the slice is empty). */
  public String predicate() {
    if (isEmpty()) {
      return "false";
    }
    return new TreeMap<>(earliestByGroup).entrySet().stream()
        .map(e -> "(`" + groupColumn + "` = '" + e.getKey().replace("'", "\\'") + "' AND `" + periodColumn + "` >= DATE'" + e.getValue() + "')")
        .collect(Collectors.joining(" OR "));
  }

  /** For people: {@code monthly from 2025-09-01, quarterly from 2025-07-01}. */
  public String describe() {
    return isEmpty() ? "no periods" : new TreeMap<>(earliestByGroup).entrySet().stream()
        .map(e -> e.getKey() + " from " + e.getValue()).collect(Collectors.joining(", "));
  }

  /**
   * The slice of the rows appended to {@code table} after snapshot {@code from} up to {@code to}, read with an Iceberg
   * incremental append scan. Empty (so: rebuild the model whole) when any snapshot between them is neither an append nor
   * a compaction (an undone batch, an erasure removed rows) or {@code from} is not an ancestor of {@code to}: then rows may
   * have gone from any period.
   */
  public static Optional<PeriodSlice> appendedBetween(SparkSession spark, String table, Long from, Long to, Slicing slicing) {
    if (from == null || to == null) {
      return Optional.empty();
    }
    if (from.equals(to)) {
      return Optional.of(new PeriodSlice(slicing.groupColumn(), slicing.periodColumn(), Map.of()));
    }
    Table t = ModelTables.load(spark, table);
    t.refresh();
    Long at = to;
    while (!from.equals(at)) {
      Snapshot s = at == null ? null : t.snapshot(at);
      // a compaction (replace) rewrites files without changing rows; anything else may have removed rows
      if (s == null || !(DataOperations.APPEND.equals(s.operation()) || DataOperations.REPLACE.equals(s.operation()))) {
        return Optional.empty();
      }
      at = s.parentId();
    }
    Map<String, LocalDate> earliest = new TreeMap<>();
    for (Row r : spark.read().format("iceberg")
        .option("start-snapshot-id", String.valueOf(from))
        .option("end-snapshot-id", String.valueOf(to))
        .load(spark.conf().get("spark.sql.defaultCatalog") + "." + table)
        .groupBy(functions.col(slicing.groupColumn()))
        .agg(functions.min(functions.col(slicing.periodColumn())))
        .collectAsList()) {
      if (r.isNullAt(0) || r.isNullAt(1)) {
        return Optional.empty(); // a row the slice columns cannot place: only a whole rebuild is sure to be right
      }
      Object period = r.get(1);
      earliest.put(r.getString(0), period instanceof LocalDate d ? d : ((java.sql.Date) period).toLocalDate());
    }
    return Optional.of(new PeriodSlice(slicing.groupColumn(), slicing.periodColumn(), earliest));
  }
}
