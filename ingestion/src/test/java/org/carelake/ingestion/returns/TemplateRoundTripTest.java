package org.carelake.ingestion.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.carelake.ingestion.IngestionTestSupport.count;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The two forms of a return (data contract section 3) land as the same typed rows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TemplateRoundTripTest {

  private static final String SUBMITTED = "2025-10-09T16:45:00+01:00";

  private SparkSession spark;
  private MeasureCatalogue catalogue;
  private ReturnsIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    catalogue = ReturnsTestData.catalogue();
    ingestor = new ReturnsIngestor(new Lander(spark), catalogue, IngestionTestSupport.fixedClock());
  }

  /** The filled workbook as a provider's Excel would save it: numbers as numeric cells, dates as date cells. */
  private static byte[] typedInExcel(byte[] filled, Map<String, String> comments) throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(filled))) {
      Sheet s = wb.getSheet("Return");
      CellStyle dateStyle = wb.createCellStyle();
      dateStyle.setDataFormat(wb.getCreationHelper().createDataFormat().getFormat("dd/mm/yyyy"));
      for (int i : new int[] {3, 4}) {
        Cell c = s.getRow(i).getCell(1);
        LocalDate d = LocalDate.parse(c.getStringCellValue());
        c.setCellValue(d);
        c.setCellStyle(dateStyle);
      }
      for (int i = 7; i <= s.getLastRowNum(); i++) {
        Row r = s.getRow(i);
        Cell v = r.getCell(2);
        String text = v.getStringCellValue();
        if (text.matches("\\d{4}-\\d{2}-\\d{2}")) {
          v.setCellValue(LocalDate.parse(text));
          v.setCellStyle(dateStyle);
        } else {
          v.setCellValue(Double.parseDouble(text));
        }
        String comment = comments.get(r.getCell(0).getStringCellValue());
        if (comment != null) {
          r.createCell(3).setCellValue(comment);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      wb.write(out);
      return out.toByteArray();
    }
  }

  /** Comments added in column D of a workbook written by writeFilled (which writes values only). */
  private static byte[] withComments(byte[] filled, Map<String, String> comments) throws IOException {
    try (XSSFWorkbook wb = new XSSFWorkbook(new ByteArrayInputStream(filled))) {
      Sheet s = wb.getSheet("Return");
      for (int i = 7; i <= s.getLastRowNum(); i++) {
        Row r = s.getRow(i);
        String comment = comments.get(r.getCell(0).getStringCellValue());
        if (comment != null) {
          r.createCell(3).setCellValue(comment);
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      wb.write(out);
      return out.toByteArray();
    }
  }

  @Test
  void longCsvAndWorkbookOfTheSameReturnLandTheSameTypedRows() throws IOException {
    // a care home's quarterly return: count measures and one date measure (last fire inspection)
    ReturnWorkbook.Header h = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, ReturnsTestData.LOCATION, "quarterly",
        LocalDate.of(2025, 7, 1), LocalDate.of(2025, 9, 30));
    List<Measure> measures = catalogue.applicable("quarterly", "care_home_older_people");
    Map<String, String> values = ReturnsTestData.valuesFor(measures);
    assertThat(values).containsKey("HS_LAST_FIRE_INSPECTION");
    Map<String, String> comments = new LinkedHashMap<>();
    comments.put("HS_HSE_BREACHES", "none, HSE visit closed");
    comments.put("HS_LAST_FIRE_INSPECTION", "report \"satisfactory\"");

    // the CSV lists measures in reverse order: order must not matter
    Map<String, String> reversed = new LinkedHashMap<>();
    List<String> codes = new ArrayList<>(values.keySet());
    java.util.Collections.reverse(codes);
    codes.forEach(k -> reversed.put(k, values.get(k)));
    Path dir = tmp.resolve("round_trip");
    Path csv = ReturnsTestData.write(dir.resolve("return_long.csv"), ReturnsTestData.longCsv(h, SUBMITTED, reversed, comments));
    byte[] filled = ReturnsTestData.filledWorkbook(h, measures, values, SUBMITTED);
    Path xlsx = ReturnsTestData.write(dir.resolve("return_template.xlsx"), withComments(filled, comments));
    Path typed = ReturnsTestData.write(dir.resolve("return_typed_in_excel.xlsx"), typedInExcel(filled, comments));

    IngestReport report = ingestor.ingest(dir, Optional.empty());

    int n = measures.size();
    assertThat(report.alreadyLanded()).isZero();
    assertThat(report.read()).isEqualTo(3L * n);
    assertThat(report.landed()).isEqualTo(3L * n);
    assertThat(report.quarantined()).isZero();
    assertThat(report.files()).extracting(f -> Path.of(f.source()).getFileName().toString(), f -> f.layout())
        .containsExactlyInAnyOrder(tuple("return_long.csv", "returns_csv"), tuple("return_template.xlsx", "returns_xlsx"),
            tuple("return_typed_in_excel.xlsx", "returns_xlsx"));
    assertThat(count(spark, "SELECT count(*) FROM raw.quarantine WHERE _batch_id = '" + report.batchId() + "'")).isZero();

    List<List<Object>> fromCsv = ReturnsTestData.typedRows(spark, IngestionTestSupport.sha256(csv));
    List<List<Object>> fromXlsx = ReturnsTestData.typedRows(spark, IngestionTestSupport.sha256(xlsx));
    List<List<Object>> fromTyped = ReturnsTestData.typedRows(spark, IngestionTestSupport.sha256(typed));
    assertThat(fromCsv).hasSize(n);
    assertThat(fromXlsx).isEqualTo(fromCsv);
    assertThat(fromTyped).isEqualTo(fromCsv);

    // and they are the return as written, not merely equal to each other
    Timestamp submitted = Timestamp.from(Instant.parse("2025-10-09T15:45:00Z"));
    List<List<Object>> expected = new ArrayList<>();
    values.keySet().stream().sorted().forEach(code -> expected.add(java.util.Arrays.asList(ReturnsTestData.PROVIDER, ReturnsTestData.LOCATION,
        "quarterly", Date.valueOf("2025-07-01"), Date.valueOf("2025-09-30"), submitted, code, values.get(code), comments.get(code))));
    assertThat(fromCsv).isEqualTo(expected);
    assertThat(values.get("HS_LAST_FIRE_INSPECTION")).matches("2025-\\d\\d-\\d\\d");

    assertThat(rows(spark, "SELECT source_format, count(*) FROM raw.return_measure WHERE _batch_id = '" + report.batchId()
        + "' GROUP BY source_format ORDER BY source_format"))
        .extracting(r -> r.getString(0), r -> r.getLong(1))
        .containsExactly(tuple("csv", (long) n), tuple("xlsx", 2L * n));
    // a workbook row's lineage is its sheet row: the first measure is on row 8
    assertThat(rows(spark, "SELECT min(_source_row), max(_source_row) FROM raw.return_measure WHERE _source_sha256 = '"
        + IngestionTestSupport.sha256(xlsx) + "'"))
        .extracting(r -> r.getLong(0), r -> r.getLong(1)).containsExactly(tuple(8L, 7L + n));
    assertThat(rows(spark, "SELECT min(_source_row), max(_source_row) FROM raw.return_measure WHERE _source_sha256 = '"
        + IngestionTestSupport.sha256(csv) + "'"))
        .extracting(r -> r.getLong(0), r -> r.getLong(1)).containsExactly(tuple(1L, (long) n));
    assertThat(rows(spark, "SELECT layout, rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest WHERE _batch_id = '"
        + report.batchId() + "' ORDER BY layout"))
        .extracting(r -> r.getString(0), r -> r.getLong(1), r -> r.getLong(2), r -> r.getLong(3))
        .containsExactly(tuple("returns_csv", (long) n, (long) n, 0L), tuple("returns_xlsx", (long) n, (long) n, 0L),
            tuple("returns_xlsx", (long) n, (long) n, 0L));
  }

  @Test
  void workbookWithoutSubmittedAtTakesTheUploadTimeOrElseTheClock() {
    ReturnWorkbook.Header h = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, "1-10024040010", "monthly",
        LocalDate.of(2025, 8, 1), LocalDate.of(2025, 8, 31));
    List<Measure> measures = catalogue.applicable("monthly", "home_support");
    Map<String, String> values = ReturnsTestData.valuesFor(measures);
    Path portal = ReturnsTestData.write(tmp.resolve("portal/upload.xlsx"), ReturnsTestData.filledWorkbook(h, measures, values, null));
    Instant uploadedAt = Instant.parse("2025-09-08T11:12:13Z");

    IngestReport uploaded = ingestor.ingest(portal, Optional.of(uploadedAt));

    assertThat(uploaded.landed()).isEqualTo(measures.size());
    assertThat(rows(spark, "SELECT DISTINCT submitted_at, source_format FROM raw.return_measure WHERE _batch_id = '" + uploaded.batchId() + "'"))
        .extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getString(1))
        .containsExactly(tuple(uploadedAt, "xlsx"));

    // another period, no upload time given: the run's clock
    ReturnWorkbook.Header september = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, "1-10024040010", "monthly",
        LocalDate.of(2025, 9, 1), LocalDate.of(2025, 9, 30));
    Path noTime = ReturnsTestData.write(tmp.resolve("portal/september.xlsx"),
        ReturnsTestData.filledWorkbook(september, measures, values, null));
    IngestReport clocked = ingestor.ingest(noTime, Optional.empty());
    assertThat(rows(spark, "SELECT DISTINCT submitted_at, _ingested_at FROM raw.return_measure WHERE _batch_id = '" + clocked.batchId() + "'"))
        .extracting(r -> r.getTimestamp(0).toInstant(), r -> r.getTimestamp(1).toInstant())
        .containsExactly(tuple(IngestionTestSupport.NOW, IngestionTestSupport.NOW));
    // a submitted_at written in the workbook wins over the upload time (back-loads)
    ReturnWorkbook.Header july = new ReturnWorkbook.Header(ReturnsTestData.PROVIDER, "1-10024040010", "monthly",
        LocalDate.of(2025, 7, 1), LocalDate.of(2025, 7, 31));
    Path backLoad = ReturnsTestData.write(tmp.resolve("portal/july.xlsx"),
        ReturnsTestData.filledWorkbook(july, measures, values, "2025-08-07T08:00:00+01:00"));
    IngestReport backLoaded = ingestor.ingest(backLoad, Optional.of(uploadedAt));
    assertThat(rows(spark, "SELECT DISTINCT submitted_at FROM raw.return_measure WHERE _batch_id = '" + backLoaded.batchId() + "'"))
        .extracting(r -> r.getTimestamp(0).toInstant())
        .containsExactly(Instant.parse("2025-08-07T07:00:00Z"));
  }
}
