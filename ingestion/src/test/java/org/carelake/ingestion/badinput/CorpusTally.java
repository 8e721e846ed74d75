package org.carelake.ingestion.badinput;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a run of the corpus found, for the summary line the tests print and {@code RELIABILITY.md} quotes: cases by
 * category and outcome, and rows read, landed and quarantined as counted in the tables.
 */
final class CorpusTally {

  private static final class Line {
    int rejected;
    int quarantined;
    long read;
    long landed;
    long quarantinedRows;
  }

  private final Map<String, Line> byCategory = new TreeMap<>();

  synchronized void rejected(BadInputCase c) {
    byCategory.computeIfAbsent(c.category(), k -> new Line()).rejected++;
  }

  /** A case whose rows were read: the counts are those found in the tables, not those the case expects. */
  synchronized void quarantined(BadInputCase c, long read, long landed, long quarantined) {
    Line l = byCategory.computeIfAbsent(c.category(), k -> new Line());
    l.quarantined++;
    l.read += read;
    l.landed += landed;
    l.quarantinedRows += quarantined;
  }

  synchronized String summary(String what) {
    Line total = new Line();
    StringBuilder b = new StringBuilder();
    byCategory.forEach((category, l) -> {
      b.append(String.format(Locale.ROOT, "%n  %-20s %3d cases: %3d rejected, %3d quarantined; rows read %4d = landed %4d + quarantined %4d",
          category, l.rejected + l.quarantined, l.rejected, l.quarantined, l.read, l.landed, l.quarantinedRows));
      total.rejected += l.rejected;
      total.quarantined += l.quarantined;
      total.read += l.read;
      total.landed += l.landed;
      total.quarantinedRows += l.quarantinedRows;
    });
    return String.format(Locale.ROOT, "bad-input corpus (%s): %d cases, %d rejected whole, %d with rows quarantined; rows read %d = landed %d + quarantined %d; lost %d",
        what, total.rejected + total.quarantined, total.rejected, total.quarantined, total.read, total.landed, total.quarantinedRows,
        total.read - total.landed - total.quarantinedRows) + b;
  }
}
