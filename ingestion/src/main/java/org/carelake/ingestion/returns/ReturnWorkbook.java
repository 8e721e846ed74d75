package org.carelake.ingestion.returns;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;
import org.apache.poi.openxml4j.util.ZipSecureFile;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;

/**
 * The council's monitoring return workbook (data contract section 3): sheet {@code Return}, labels in A1:A5 and values
 * in B1:B5 (provider_id, location_id, return_type, period_start, period_end; an optional submitted_at in row 6 for
 * back-loads), and from row 7 a table {@code measure_code | description | value | comment} (plus a unit column).
 */
public final class ReturnWorkbook {

  public static final String SHEET = "Return";
  static final List<String> HEADER_LABELS = List.of("provider_id", "location_id", "return_type", "period_start", "period_end");
  static final int TABLE_HEADER_ROW = 6; // zero-based: row 7
  static final long MAX_BYTES = 20L * 1024 * 1024;
  static final double MIN_INFLATE_RATIO = 0.01;
  static final long MAX_ENTRY_BYTES = 100L * 1024 * 1024;
  /** Parts smaller than this are not judged by their ratio: a small sheet of blank cells packs very tightly. */
  static final long BOMB_GRACE_BYTES = 1024 * 1024;

  static {
    // zip-bomb guards: refuse entries that inflate more than 100x or past 100 MB
    ZipSecureFile.setMinInflateRatio(MIN_INFLATE_RATIO);
    ZipSecureFile.setMaxEntrySize(MAX_ENTRY_BYTES);
  }

  /** The five header values of a return. */
  public record Header(String providerId, String locationId, String returnType, LocalDate periodStart, LocalDate periodEnd) {}

  /** One measure row as read: the sheet row (1-based) and the cells as text. */
  public record MeasureRow(int sheetRow, String measureCode, String value, String comment) {}

  /** A workbook as read: header cells as text (keyed by label), and the measure rows. */
  public record Contents(Map<String, String> header, List<MeasureRow> rows) {}

  private ReturnWorkbook() {}

  /** Writes the blank workbook for one service and period: the applicable measures in catalogue order. */
  public static void writeTemplate(Header header, List<Measure> measures, OutputStream out) throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook()) {
      Sheet sheet = wb.createSheet(SHEET);
      CellStyle bold = wb.createCellStyle();
      Font f = wb.createFont();
      f.setBold(true);
      bold.setFont(f);
      String[] values = {header.providerId(), header.locationId(), header.returnType(), header.periodStart().toString(), header.periodEnd().toString()};
      for (int i = 0; i < HEADER_LABELS.size(); i++) {
        Row r = sheet.createRow(i);
        Cell label = r.createCell(0);
        label.setCellValue(HEADER_LABELS.get(i));
        label.setCellStyle(bold);
        r.createCell(1).setCellValue(values[i]);
      }
      Row h = sheet.createRow(TABLE_HEADER_ROW);
      String[] cols = {"measure_code", "description", "value", "comment", "unit"};
      for (int i = 0; i < cols.length; i++) {
        Cell c = h.createCell(i);
        c.setCellValue(cols[i]);
        c.setCellStyle(bold);
      }
      int row = TABLE_HEADER_ROW + 1;
      for (Measure m : measures) {
        Row r = sheet.createRow(row++);
        r.createCell(0).setCellValue(m.code());
        r.createCell(1).setCellValue(m.description() + (m.mandatory() ? "" : " (optional)"));
        r.createCell(4).setCellValue(m.unit());
      }
      sheet.setColumnWidth(0, 36 * 256);
      sheet.setColumnWidth(1, 90 * 256);
      sheet.setColumnWidth(2, 16 * 256);
      sheet.setColumnWidth(3, 40 * 256);
      wb.write(out);
    }
  }

  /** Writes a filled-in workbook: the template with values (code → value) and an optional submitted_at in row 6. */
  public static void writeFilled(Header header, List<Measure> measures, Map<String, String> values, String submittedAt,
      OutputStream out) throws IOException {
    java.io.ByteArrayOutputStream blank = new java.io.ByteArrayOutputStream();
    writeTemplate(header, measures, blank);
    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(blank.toByteArray()))) {
      Sheet sheet = wb.getSheet(SHEET);
      if (submittedAt != null) {
        Row r = sheet.createRow(5);
        r.createCell(0).setCellValue("submitted_at");
        r.createCell(1).setCellValue(submittedAt);
      }
      for (int i = TABLE_HEADER_ROW + 1; i <= sheet.getLastRowNum(); i++) {
        Row r = sheet.getRow(i);
        String v = values.get(r.getCell(0).getStringCellValue());
        if (v != null) {
          r.createCell(2).setCellValue(v);
        }
      }
      wb.write(out);
    }
  }

  /** Reads a workbook; anything that is not the council's template is refused whole with the reason. */
  public static Contents read(SourceBytes src) {
    if (src.bytes().length > MAX_BYTES) {
      throw new UnreadableSourceException(src.name() + ": workbook larger than " + MAX_BYTES / (1024 * 1024) + " MB");
    }
    refuseZipBomb(src);
    try (Workbook wb = new XSSFWorkbook(new ByteArrayInputStream(src.bytes()))) {
      Sheet sheet = wb.getSheet(SHEET);
      if (sheet == null) {
        throw new UnreadableSourceException(src.name() + ": no sheet named '" + SHEET + "' (the council's return template has one)");
      }
      Map<String, String> header = new HashMap<>();
      for (int i = 0; i <= 5; i++) {
        Row r = sheet.getRow(i);
        if (r != null) {
          String label = text(r.getCell(0)).toLowerCase(Locale.ROOT);
          if (!label.isEmpty()) {
            header.put(label, text(r.getCell(1)));
          }
        }
      }
      Row th = sheet.getRow(TABLE_HEADER_ROW);
      Map<String, Integer> col = new HashMap<>();
      if (th != null) {
        for (Cell c : th) {
          col.put(text(c).toLowerCase(Locale.ROOT), c.getColumnIndex());
        }
      }
      for (String needed : List.of("measure_code", "value")) {
        if (!col.containsKey(needed)) {
          throw new UnreadableSourceException(src.name() + ": row 7 of sheet Return has no '" + needed
              + "' column (expected measure_code | description | value | comment)");
        }
      }
      List<MeasureRow> rows = new ArrayList<>();
      for (int i = TABLE_HEADER_ROW + 1; i <= sheet.getLastRowNum(); i++) {
        Row r = sheet.getRow(i);
        if (r == null) {
          continue;
        }
        String code = text(r.getCell(col.get("measure_code")));
        String value = text(r.getCell(col.get("value")));
        String comment = col.containsKey("comment") ? text(r.getCell(col.get("comment"))) : "";
        if (code.isEmpty() && value.isEmpty() && comment.isEmpty()) {
          continue;
        }
        rows.add(new MeasureRow(i + 1, code, value, comment));
      }
      return new Contents(header, rows);
    } catch (IOException | RuntimeException e) {
      if (e instanceof UnreadableSourceException u) {
        throw u;
      }
      throw new UnreadableSourceException(src.name() + ": not a readable XLSX workbook: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses a workbook whose parts would inflate past the guards above, from the sizes its zip directory declares and
   * before anything is inflated, with a reason a council officer can act on. (POI's own guards stay as the backstop for
   * a zip that lies about its sizes; their messages are written for programmers.)
   */
  private static void refuseZipBomb(SourceBytes src) {
    try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(new SeekableInMemoryByteChannel(src.bytes())).get()) {
      for (var it = zip.getEntries(); it.hasMoreElements(); ) {
        ZipArchiveEntry e = it.nextElement();
        long size = e.getSize();
        long packed = e.getCompressedSize();
        boolean tooBig = size > MAX_ENTRY_BYTES;
        boolean tooDense = size > BOMB_GRACE_BYTES && packed >= 0 && packed < size * MIN_INFLATE_RATIO;
        if (tooBig || tooDense) {
          throw new UnreadableSourceException(src.name() + ": not a readable XLSX workbook: a zip bomb: its part " + e.getName() + " would inflate from "
              + packed + " to " + size + " bytes (the council's workbook is a few kilobytes; refused before inflating)");
        }
      }
    } catch (IOException e) {
      // not a zip that can be listed: POI says why below
    }
  }

  private static final DataFormatter FORMAT = new DataFormatter(Locale.UK);

  /** A cell as text: dates as ISO, whole numbers without ".0", formulas by their cached value. */
  static String text(Cell c) {
    if (c == null) {
      return "";
    }
    CellType type = c.getCellType() == CellType.FORMULA ? c.getCachedFormulaResultType() : c.getCellType();
    return switch (type) {
      case NUMERIC -> DateUtil.isCellDateFormatted(c)
          ? c.getLocalDateTimeCellValue().toLocalDate().format(DateTimeFormatter.ISO_LOCAL_DATE)
          : new java.math.BigDecimal(Double.toString(c.getNumericCellValue())).stripTrailingZeros().toPlainString();
      case STRING -> c.getStringCellValue().trim();
      case BOOLEAN -> Boolean.toString(c.getBooleanCellValue());
      default -> FORMAT.formatCellValue(c).trim();
    };
  }
}
