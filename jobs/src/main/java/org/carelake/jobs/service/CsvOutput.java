package org.carelake.jobs.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Writes query results as CSV with a header (RFC 4180 quoting, LF line ends, empty cell for null). */
public final class CsvOutput {

  private CsvOutput() {}

  public static void write(Dataset<Row> rows, Appendable out) {
    CSVFormat format = CSVFormat.DEFAULT.builder().setRecordSeparator('\n').setNullString("").build();
    try {
      CSVPrinter printer = new CSVPrinter(out, format);
      printer.printRecord((Object[]) rows.columns());
      Iterator<Row> it = rows.toLocalIterator();
      while (it.hasNext()) {
        Row r = it.next();
        Object[] values = new Object[r.size()];
        for (int i = 0; i < r.size(); i++) {
          Object v = r.get(i);
          values[i] = v instanceof java.math.BigDecimal d ? d.toPlainString() : v;
        }
        printer.printRecord(values);
      }
      printer.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
