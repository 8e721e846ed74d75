package org.carelake.ingestion;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.commons.csv.DuplicateHeaderMode;

/** Reads a CSV source under the common rules of the data contracts: UTF-8, optional BOM, header on line one. */
public final class CsvText {

  /** One data record, with its 1-based data row number, or the text of a line the parser could not read. */
  public record Record(long row, CSVRecord record, String unparsedLine, String error) {}

  private final String name;
  private final List<String> header;
  private final List<Record> records;

  private CsvText(String name, List<String> header, List<Record> records) {
    this.name = name;
    this.header = header;
    this.records = records;
  }

  public static String decodeUtf8(SourceBytes src) {
    try {
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(src.bytes())).toString();
      return text.startsWith("\uFEFF") ? text.substring(1) : text;
    } catch (CharacterCodingException e) {
      throw new UnreadableSourceException(src.name() + ": not UTF-8 text (the data contract requires UTF-8)", e);
    }
  }

  /** The header line only, for layout detection. */
  public static List<String> header(SourceBytes src) {
    String text = decodeUtf8(src);
    if (text.isBlank()) {
      throw new UnreadableSourceException(src.name() + ": empty file, no header line");
    }
    try (CSVParser p = CSVParser.parse(new StringReader(firstLine(text)), CSVFormat.DEFAULT)) {
      Iterator<CSVRecord> it = p.iterator();
      if (!it.hasNext()) {
        throw new UnreadableSourceException(src.name() + ": no header line");
      }
      return it.next().toList();
    } catch (IOException | UncheckedIOException e) {
      throw new UnreadableSourceException(src.name() + ": header line is not valid CSV: " + e.getMessage(), e);
    }
  }

  private static String firstLine(String text) {
    int nl = text.indexOf('\n');
    return nl < 0 ? text : text.substring(0, nl).replace("\r", "");
  }

  public static CsvText parse(SourceBytes src) {
    String text = decodeUtf8(src);
    if (text.isBlank()) {
      throw new UnreadableSourceException(src.name() + ": empty file, no header line");
    }
    CSVFormat format = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true)
        .setDuplicateHeaderMode(DuplicateHeaderMode.ALLOW_ALL).setAllowMissingColumnNames(true)
        .setIgnoreEmptyLines(true).build();
    List<Record> out = new ArrayList<>();
    List<String> header;
    try (CSVParser p = CSVParser.parse(new StringReader(text), format)) {
      header = p.getHeaderNames();
      Iterator<CSVRecord> it = p.iterator();
      long row = 0;
      long lastGoodLine = 1;
      while (true) {
        CSVRecord r;
        try {
          if (!it.hasNext()) {
            break;
          }
          r = it.next();
        } catch (UncheckedIOException | IllegalStateException e) {
          // the parser cannot resynchronise after broken quoting: every remaining line is quarantined
          String[] lines = text.split("\r?\n", -1);
          for (int i = (int) lastGoodLine; i < lines.length; i++) {
            if (!lines[i].isEmpty()) {
              out.add(new Record(++row, null, lines[i], "CSV could not be parsed from line " + (lastGoodLine + 1) + ": " + rootMessage(e)));
            }
          }
          break;
        }
        lastGoodLine = p.getCurrentLineNumber();
        out.add(new Record(++row, r, null, null));
      }
    } catch (IOException e) {
      throw new UnreadableSourceException(src.name() + ": " + e.getMessage(), e);
    }
    return new CsvText(src.name(), header, out);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage();
  }

  public String name() {
    return name;
  }

  public List<String> headerNames() {
    return header;
  }

  public List<Record> records() {
    return records;
  }

  /**
   * This file, if it has at least one data row. A header alone lands nothing and says nothing; landed, a register
   * that supersedes the earlier one would empty it. So it is refused with the reason.
   */
  public CsvText requireRows() {
    if (records.isEmpty()) {
      throw new UnreadableSourceException(name + ": has a header but no data rows: nothing to land");
    }
    return this;
  }

  /** A record as CSV text again, quoting kept, for the quarantine. */
  public static String recordText(CSVRecord r) {
    return CSVFormat.DEFAULT.format((Object[]) r.values());
  }

  /** janitor::clean_names-style: lower case, runs of anything but letters and digits become one underscore. */
  public static String snakeCase(String header) {
    String s = header.replace("\uFEFF", "").trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    return s.replaceAll("^_+|_+$", "");
  }
}
