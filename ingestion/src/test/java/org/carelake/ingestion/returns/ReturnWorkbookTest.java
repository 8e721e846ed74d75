package org.carelake.ingestion.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The council's return workbook (data contract section 3) without Spark: the template written, and workbooks read. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReturnWorkbookTest {

  private static final ReturnWorkbook.Header MONTHLY = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, ReturnsTestData.LOCATION,
      "monthly", LocalDate.of(2025, 9, 1), LocalDate.of(2025, 9, 30));
  private static final ReturnWorkbook.Header QUARTERLY = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, ReturnsTestData.LOCATION,
      "quarterly", LocalDate.of(2025, 7, 1), LocalDate.of(2025, 9, 30));

  private MeasureCatalogue catalogue;

  @BeforeAll
  void setUp() {
    catalogue = ReturnsTestData.catalogue();
  }

  private static byte[] template(ReturnWorkbook.Header h, List<Measure> measures) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ReturnWorkbook.writeTemplate(h, measures, out);
    return out.toByteArray();
  }

  private static String cell(Sheet s, int row, int col) {
    Row r = s.getRow(row);
    Cell c = r == null ? null : r.getCell(col);
    return c == null ? null : c.getStringCellValue();
  }

  // ---- the template ----

  @Test
  void homeSupportMonthlyTemplateListsExactlyTheApplicableMeasuresInCatalogueOrder() throws IOException {
    List<Measure> applicable = catalogue.applicable("monthly", "home_support");

    // the expectation computed from seeds/ref/measures.csv directly: monthly, for all services or for home care
    List<String> expectedCodes = new ArrayList<>();
    ReturnsTestData.measuresCsv().forEach((code, f) -> {
      if (f[0].equals("monthly") && (f[5].equals("all") || f[5].equals("home_care"))) {
        expectedCodes.add(code);
      }
    });
    assertThat(applicable).extracting(Measure::code).containsExactlyElementsOf(expectedCodes)
        .contains("HC_CALLS_MISSED", "SP_ACTIVE_RESIDENTS")
        .doesNotContain("KPI_ROTA_HOURS_REQUIRED", "HR_SUPERVISIONS_HELD", "WD_STAFF_TOTAL");

    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(template(MONTHLY, applicable)))) {
      assertThat(wb.getNumberOfSheets()).isEqualTo(1);
      assertThat(wb.getSheetName(0)).isEqualTo("Return");
      Sheet s = wb.getSheet("Return");

      // labels A1:A5, values B1:B5
      List<String> labels = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        labels.add(cell(s, i, 0));
        values.add(cell(s, i, 1));
      }
      assertThat(labels).containsExactly("provider_id", "location_id", "return_type", "period_start", "period_end");
      assertThat(values).containsExactly("1-101641521", "1-10024040008", "monthly", "2025-09-01", "2025-09-30");
      assertThat(s.getRow(5)).as("row 6 is left for submitted_at, empty in a blank template").isNull();

      // the table header is row 7 (index 6)
      Row header = s.getRow(6);
      assertThat(List.of(cell(s, 6, 0), cell(s, 6, 1), cell(s, 6, 2), cell(s, 6, 3)))
          .containsExactly("measure_code", "description", "value", "comment");
      assertThat(header.getCell(4).getStringCellValue()).isEqualTo("unit");

      // one row per measure from row 8, in catalogue order, description and unit from the catalogue, value empty
      assertThat(s.getLastRowNum()).isEqualTo(6 + applicable.size());
      Map<String, String[]> csv = ReturnsTestData.measuresCsv();
      for (int i = 0; i < applicable.size(); i++) {
        Row r = s.getRow(7 + i);
        String code = r.getCell(0).getStringCellValue();
        String[] f = csv.get(code);
        assertThat(code).isEqualTo(expectedCodes.get(i));
        String description = r.getCell(1).getStringCellValue();
        assertThat(description).startsWith(f[2]);
        assertThat(description.endsWith("(optional)")).as(code + " optional marker").isEqualTo(f[4].equals("N"));
        assertThat(r.getCell(4).getStringCellValue()).as(code + " unit").isEqualTo(f[3]);
        Cell value = r.getCell(2);
        assertThat(value == null || value.getCellType() == CellType.BLANK).as(code + " value left blank").isTrue();
      }
    }

    // an optional measure is marked as such
    assertThat(applicable).filteredOn(m -> !m.mandatory()).extracting(Measure::code).contains("WF_AGENCY_HOURS");
  }

  @Test
  void quarterlyFireInspectionDateIsAskedOfCareHomesOnly() throws IOException {
    List<Measure> careHome = catalogue.applicable("quarterly", "care_home_older_people");
    List<Measure> homeSupport = catalogue.applicable("quarterly", "home_support");

    assertThat(codesInTemplate(template(QUARTERLY, careHome))).contains("HS_LAST_FIRE_INSPECTION", "HR_SUPERVISIONS_HELD")
        .doesNotContain("HC_PACKAGES_REVIEWED", "SP_ACTIVE_RESIDENTS");
    assertThat(codesInTemplate(template(QUARTERLY, homeSupport))).doesNotContain("HS_LAST_FIRE_INSPECTION")
        .contains("HC_PACKAGES_REVIEWED", "HR_SUPERVISIONS_HELD");
    assertThat(catalogue.find("HS_LAST_FIRE_INSPECTION")).get().extracting(Measure::unit).isEqualTo("date");
    assertThatThrownBy(() -> catalogue.applicable("quarterly", "nursing_home"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nursing_home").hasMessageContaining("home_support");
  }

  private static List<String> codesInTemplate(byte[] bytes) {
    return ReturnWorkbook.read(SourceBytes.of("t.xlsx", bytes)).rows().stream().map(ReturnWorkbook.MeasureRow::measureCode).toList();
  }

  @Test
  void blankTemplateReadsBackAsItsHeaderAndMeasureRowsWithEmptyValues() throws IOException {
    List<Measure> applicable = catalogue.applicable("monthly", "home_support");
    ReturnWorkbook.Contents c = ReturnWorkbook.read(SourceBytes.of("blank.xlsx", template(MONTHLY, applicable)));
    assertThat(c.header()).containsEntry("provider_id", "1-101641521").containsEntry("location_id", "1-10024040008")
        .containsEntry("return_type", "monthly").containsEntry("period_start", "2025-09-01").containsEntry("period_end", "2025-09-30")
        .doesNotContainKey("submitted_at");
    assertThat(c.rows()).hasSize(applicable.size());
    assertThat(c.rows().get(0)).isEqualTo(new ReturnWorkbook.MeasureRow(8, applicable.get(0).code(), "", ""));
    assertThat(c.rows()).allSatisfy(r -> assertThat(r.value()).isEmpty());
  }

  // ---- reading what is not the template ----

  private static byte[] workbook(java.util.function.Consumer<XSSFWorkbook> fill) throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook()) {
      fill.accept(wb);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      wb.write(out);
      return out.toByteArray();
    }
  }

  @Test
  void workbookWithoutAReturnSheetIsRefused() throws IOException {
    byte[] bytes = workbook(wb -> wb.createSheet("Sheet1").createRow(0).createCell(0).setCellValue("provider_id"));
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("budget.xlsx", bytes)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("budget.xlsx")
        .hasMessageContaining("no sheet named 'Return'");
  }

  @Test
  void randomBytesAreRefused() {
    byte[] junk = new byte[4096];
    new Random(42).nextBytes(junk);
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("junk.xlsx", junk)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("junk.xlsx")
        .hasMessageContaining("not a readable XLSX workbook");
    // a zip archive that is not an Office document
    byte[] zip = zipWith("readme.txt", "hello");
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("archive.xlsx", zip)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("archive.xlsx")
        .hasMessageContaining("not a readable XLSX workbook");
  }

  static byte[] zipWith(String entry, String text) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(out)) {
        z.putNextEntry(new java.util.zip.ZipEntry(entry));
        z.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        z.closeEntry();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void oversizedWorkbookIsRefusedBeforeParsing() {
    byte[] big = new byte[(int) ReturnWorkbook.MAX_BYTES + 1];
    big[0] = 'P';
    big[1] = 'K';
    big[2] = 3;
    big[3] = 4;
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("huge.xlsx", big)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("huge.xlsx")
        .hasMessageContaining("larger than 20 MB");
  }

  @Test
  void workbookWhoseRow7LacksMeasureCodeOrValueIsRefused() throws IOException {
    byte[] noCode = workbook(wb -> {
      Sheet s = wb.createSheet("Return");
      Row h = s.createRow(6);
      h.createCell(0).setCellValue("code");
      h.createCell(1).setCellValue("value");
      s.createRow(7).createCell(0).setCellValue("SP_ACTIVE_RESIDENTS");
    });
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("nocode.xlsx", noCode)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("nocode.xlsx")
        .hasMessageContaining("no 'measure_code' column")
        .hasMessageContaining("measure_code | description | value | comment");

    byte[] noValue = workbook(wb -> {
      Sheet s = wb.createSheet("Return");
      Row h = s.createRow(6);
      h.createCell(0).setCellValue("measure_code");
      h.createCell(1).setCellValue("description");
      h.createCell(2).setCellValue("amount");
    });
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("novalue.xlsx", noValue)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("no 'value' column");

    // the table one row too low is not the template either
    byte[] shifted = workbook(wb -> {
      Sheet s = wb.createSheet("Return");
      Row h = s.createRow(7);
      h.createCell(0).setCellValue("measure_code");
      h.createCell(2).setCellValue("value");
    });
    assertThatThrownBy(() -> ReturnWorkbook.read(SourceBytes.of("shifted.xlsx", shifted)))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("row 7");
  }

  // ---- cells typed by a provider in Excel ----

  @Test
  void numbersDatesAndFormulasTypedInExcelReadAsPlainText() throws IOException {
    List<Measure> measures = catalogue.applicable("quarterly", "care_home_older_people");
    byte[] typed;
    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(template(QUARTERLY, measures)))) {
      Sheet s = wb.getSheet("Return");
      CellStyle dateStyle = wb.createCellStyle();
      dateStyle.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("dd/mm/yyyy"));
      // period_start typed as an Excel date, shown dd/mm/yyyy
      Cell start = s.getRow(3).createCell(1);
      start.setCellValue(LocalDate.of(2025, 7, 1));
      start.setCellStyle(dateStyle);
      int fire = -1;
      for (int i = 7; i <= s.getLastRowNum(); i++) {
        Row r = s.getRow(i);
        switch (r.getCell(0).getStringCellValue()) {
          case "HR_SUPERVISIONS_PLANNED" -> r.createCell(2).setCellValue(12d);
          case "HR_SUPERVISIONS_HELD" -> r.createCell(2).setCellValue(37.5d);
          case "HR_APPRAISALS_PLANNED" -> r.createCell(2).setCellValue(1_000_000d);
          case "HR_APPRAISALS_HELD" -> r.createCell(2).setCellFormula("5+7");
          case "HR_SPOT_CHECKS" -> {
            r.createCell(2).setCellValue(0d);
            r.createCell(3).setCellValue("  none this quarter  ");
          }
          case "HS_LAST_FIRE_INSPECTION" -> {
            Cell c = r.createCell(2);
            c.setCellValue(LocalDate.of(2025, 3, 4));
            c.setCellStyle(dateStyle);
            fire = i + 1;
          }
          default -> { }
        }
      }
      assertThat(fire).as("care home quarterly template has the fire inspection row").isPositive();
      wb.getCreationHelper().createFormulaEvaluator().evaluateAll();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      wb.write(out);
      typed = out.toByteArray();
    }

    ReturnWorkbook.Contents c = ReturnWorkbook.read(SourceBytes.of("typed.xlsx", typed));
    assertThat(c.header()).containsEntry("period_start", "2025-07-01").containsEntry("period_end", "2025-09-30");
    Map<String, ReturnWorkbook.MeasureRow> byCode = new java.util.HashMap<>();
    c.rows().forEach(r -> byCode.put(r.measureCode(), r));
    assertThat(List.of("HR_SUPERVISIONS_PLANNED", "HR_SUPERVISIONS_HELD", "HR_APPRAISALS_PLANNED", "HR_APPRAISALS_HELD", "HR_SPOT_CHECKS",
        "HS_LAST_FIRE_INSPECTION"))
        .extracting(code -> byCode.get(code).value())
        .containsExactly("12", "37.5", "1000000", "12", "0", "2025-03-04");
    assertThat(byCode.get("HR_SPOT_CHECKS").comment()).isEqualTo("none this quarter");
    // sheet rows are 1-based, the first measure on row 8
    assertThat(c.rows()).extracting(ReturnWorkbook.MeasureRow::sheetRow).startsWith(8, 9).doesNotHaveDuplicates();
  }

  @Test
  void blankRowsAreSkippedAndFilledValuesComeBackWithTheirSheetRows() throws IOException {
    List<Measure> measures = catalogue.applicable("monthly", "home_support");
    Map<String, String> values = Map.of(measures.get(0).code(), "7", measures.get(2).code(), "");
    byte[] bytes;
    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(
        ReturnsTestData.filledWorkbook(MONTHLY, measures, values, "2025-10-05T10:00:00+01:00")))) {
      Sheet s = wb.getSheet("Return");
      // a provider clears a whole row in the middle and leaves a stray value below the table
      s.removeRow(s.getRow(8));
      s.createRow(s.getLastRowNum() + 3).createCell(2).setCellValue("stray");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      wb.write(out);
      bytes = out.toByteArray();
    }
    ReturnWorkbook.Contents c = ReturnWorkbook.read(SourceBytes.of("filled.xlsx", bytes));
    assertThat(c.header()).containsEntry("submitted_at", "2025-10-05T10:00:00+01:00");
    assertThat(c.rows()).hasSize(measures.size()); // one row removed, one stray row added
    assertThat(c.rows().get(0)).isEqualTo(new ReturnWorkbook.MeasureRow(8, measures.get(0).code(), "7", ""));
    assertThat(c.rows().get(1)).extracting(ReturnWorkbook.MeasureRow::sheetRow, ReturnWorkbook.MeasureRow::measureCode)
        .containsExactly(10, measures.get(2).code());
    assertThat(c.rows()).extracting(ReturnWorkbook.MeasureRow::measureCode).doesNotContain(measures.get(1).code());
    assertThat(c.rows().get(c.rows().size() - 1)).extracting(ReturnWorkbook.MeasureRow::measureCode, ReturnWorkbook.MeasureRow::value)
        .containsExactly("", "stray");
    assertThat(c.rows()).filteredOn(r -> !r.value().isEmpty()).extracting(ReturnWorkbook.MeasureRow::measureCode, ReturnWorkbook.MeasureRow::value)
        .containsExactly(tuple(measures.get(0).code(), "7"), tuple("", "stray"));
  }
}
