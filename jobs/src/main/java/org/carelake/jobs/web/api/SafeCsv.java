package org.carelake.jobs.web.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.carelake.jobs.service.api.TableQuery;

/**
 * CSV for spreadsheets: a text value that a spreadsheet would run as a formula (starting with =, +, -, @, tab or
 * carriage return) is written with a leading apostrophe, so an export opened in Excel shows what a provider sent
 * instead of executing it. Numbers are written as numbers.
 */
public final class SafeCsv {

  private SafeCsv() {}

  public static String write(TableQuery.Page page) {
    StringWriter out = new StringWriter();
    try (CSVPrinter csv = new CSVPrinter(out, CSVFormat.RFC4180.builder().setRecordSeparator("\n").build())) {
      csv.printRecord(page.columns().stream().map(TableQuery.Column::name).toList());
      for (JsonNode row : page.rows()) {
        List<String> cells = page.columns().stream().map(c -> cell(row.get(c.name()))).toList();
        csv.printRecord(cells);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  static String cell(JsonNode v) {
    if (v == null || v.isNull()) {
      return "";
    }
    if (v.isNumber() || v.isBoolean()) {
      return v.asText();
    }
    return neutralise(v.isTextual() ? v.textValue() : v.toString());
  }

  /** The text as a spreadsheet will display it, never evaluate it. */
  public static String neutralise(String text) {
    if (text.isEmpty()) {
      return text;
    }
    char first = text.charAt(0);
    boolean formula = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r';
    return formula ? "'" + text : text;
  }
}
