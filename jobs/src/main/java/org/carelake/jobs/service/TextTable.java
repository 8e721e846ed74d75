package org.carelake.jobs.service;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/** A plain aligned text table for the terminal. */
public final class TextTable {

  private TextTable() {}

  public static String render(List<String> header, List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(header.toArray(String[]::new));
    for (Row r : rows) {
      String[] c = new String[r.size()];
      for (int i = 0; i < r.size(); i++) {
        Object v = r.get(i);
        c[i] = v == null ? "" : v instanceof java.math.BigDecimal d ? d.toPlainString() : v.toString();
      }
      cells.add(c);
    }
    int[] width = new int[header.size()];
    for (String[] c : cells) {
      for (int i = 0; i < c.length; i++) {
        width[i] = Math.max(width[i], c[i].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (int row = 0; row < cells.size(); row++) {
      String[] c = cells.get(row);
      for (int i = 0; i < c.length; i++) {
        boolean numeric = row > 0 && c[i].matches("-?[0-9.]+");
        String cell = numeric ? " ".repeat(width[i] - c[i].length()) + c[i] : c[i] + " ".repeat(width[i] - c[i].length());
        b.append(i == 0 ? "" : "  ").append(cell);
      }
      b.append('\n');
      if (row == 0) {
        for (int i = 0; i < width.length; i++) {
          b.append(i == 0 ? "" : "  ").append("-".repeat(width[i]));
        }
        b.append('\n');
      }
    }
    return b.toString();
  }
}
