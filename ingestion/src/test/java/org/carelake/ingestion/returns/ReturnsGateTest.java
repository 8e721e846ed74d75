package org.carelake.ingestion.returns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The gate on monitoring returns: each rule of data contract section 3 quarantines the row that breaks it, with a reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReturnsGateTest {

  private static final String P = ReturnsTestData.PROVIDER;
  private static final String L = ReturnsTestData.LOCATION;
  private static final String L2 = "1-10024040009";
  private static final String S = "2025-10-05T10:00:00+01:00";
  private static final String SEPT = "monthly,2025-09-01,2025-09-30";
  private static final String UNCLOSED = "SP_HOSPITAL_ADMISSIONS,\"0," + P + "," + L + "," + SEPT + "," + S + ",";

  private SparkSession spark;
  private ReturnsIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    ingestor = new ReturnsIngestor(new Lander(spark), ReturnsTestData.catalogue(), IngestionTestSupport.fixedClock());
  }

  /** One row per rule; the header in a different column order than the contract's table, with a byte-order mark. */
  private static final List<String> LINES = List.of(
      "\uFEFFmeasure_code,value,provider_id,location_id,return_type,period_start,period_end,submitted_at,comment",
      /* 1 lands */ "SP_ACTIVE_RESIDENTS,12," + P + "," + L + "," + SEPT + "," + S + ",",
      /* 2 lands, empty value */ "SP_ACTIVE_COUNCIL_FUNDED,," + P + "," + L + "," + SEPT + "," + S + ",not yet known",
      /* 3 lands */ "WF_AGENCY_HOURS, 37.5 ," + P + "," + L + "," + SEPT + "," + S + ",\"bank holiday cover, two shifts\"",
      /* 4 lands: same instant, other offset; code and type in other case */
      "sp_new_referrals,3," + P + "," + L + ",Monthly,2025-09-01,2025-09-30,2025-10-05T09:00:00Z,",
      /* 5 duplicate_measure */ "SP_ACTIVE_RESIDENTS,13," + P + "," + L + "," + SEPT + "," + S + ",",
      /* 6 inconsistent_submission */ "SP_REVIEWS_COMPLETED,2," + P + "," + L + "," + SEPT + ",2025-10-06T10:00:00+01:00,",
      /* 7 measure_not_in_return */ "HR_SUPERVISIONS_HELD,4," + P + "," + L + "," + SEPT + "," + S + ",",
      /* 8 unknown_measure */ "XX_NOT_A_MEASURE,1," + P + "," + L + "," + SEPT + "," + S + ",",
      /* 9 invalid_timestamp */ "SP_REFERRALS_ACCEPTED,1," + P + "," + L + "," + SEPT + ",05/10/2025 10:00,",
      /* 10 invalid_id provider */ "SP_ACTIVE_RESIDENTS,5,PROV-123," + L + "," + SEPT + "," + S + ",",
      /* 11 invalid_id location */ "SP_ACTIVE_RESIDENTS,5," + P + ",1-ABC," + SEPT + "," + S + ",",
      /* 12 invalid_return_type */ "SP_ACTIVE_RESIDENTS,5," + P + "," + L + ",weekly,2025-09-01,2025-09-07," + S + ",",
      /* 13 invalid_date */ "SP_ACTIVE_RESIDENTS,5," + P + "," + L + ",monthly,01/09/2025,30/09/2025," + S + ",",
      /* 14 invalid_period monthly */ "SP_ACTIVE_RESIDENTS,5," + P + "," + L + ",monthly,2025-09-01,2025-09-15," + S + ",",
      /* 15 invalid_period quarterly */ "HR_SUPERVISIONS_HELD,4," + P + "," + L2 + ",quarterly,2025-08-01,2025-10-31," + S + ",",
      /* 16 invalid_period annual */ "WD_STAFF_TOTAL,40," + P + "," + L2 + ",annual,2025-01-01,2025-12-31," + S + ",",
      /* 17 lands, no submitted_at */ "HR_SUPERVISIONS_HELD,4," + P + "," + L2 + ",quarterly,2025-07-01,2025-09-30,,",
      /* 18 lands */ "WD_STAFF_TOTAL,40," + P + "," + L2 + ",annual,2024-04-01,2025-03-31," + S + ",",
      /* 19 too few fields */ "SP_ACTIVE_RESIDENTS,5," + P + "," + L,
      /* 20 too many fields */ "SP_PLACEMENTS_COMMENCED,1," + P + "," + L + "," + SEPT + "," + S + ",,extra",
      /* 21 quote never closed */ UNCLOSED);

  @Test
  void everyRuleQuarantinesItsRowAndTheGoodRowsLand() {
    Path f = ReturnsTestData.write(tmp.resolve("gate/returns_sept.csv"), String.join("\r\n", LINES) + "\r\n");
    String sha = IngestionTestSupport.sha256(f);
    Instant uploadedAt = Instant.parse("2025-10-10T12:00:00Z");

    IngestReport report = ingestor.ingest(f, Optional.of(uploadedAt));

    assertThat(report.read()).isEqualTo(21);
    assertThat(report.landed()).isEqualTo(6);
    assertThat(report.quarantined()).isEqualTo(15);
    assertThat(report.landed() + report.quarantined()).isEqualTo(report.read());
    assertThat(report.files()).singleElement().satisfies(o -> {
      assertThat(o.layout()).isEqualTo("returns_csv");
      assertThat(o.alreadyLanded()).isFalse();
    });

    // ---- quarantine: rule, reason naming the value, row, source ----
    List<Row> q = rows(spark, "SELECT _source_row, rule, reason, source, layout, document, record, _source_file, _batch_id, _ingested_at"
        + " FROM raw.quarantine WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row");
    assertThat(q).extracting(r -> r.getLong(0), r -> r.getString(1)).containsExactly(
        tuple(5L, "duplicate_measure"),
        tuple(6L, "inconsistent_submission"),
        tuple(7L, "measure_not_in_return"),
        tuple(8L, "unknown_measure"),
        tuple(9L, "invalid_timestamp"),
        tuple(10L, "invalid_id"),
        tuple(11L, "invalid_id"),
        tuple(12L, "invalid_return_type"),
        tuple(13L, "invalid_date"),
        tuple(14L, "invalid_period"),
        tuple(15L, "invalid_period"),
        tuple(16L, "invalid_period"),
        // a row with the wrong number of fields; note: CQC and contract register call this rule wrong_field_count
        tuple(19L, "wrong_field_count"),
        tuple(20L, "wrong_field_count"),
        tuple(21L, "malformed_csv"));
    Map<Long, String> reason = new java.util.HashMap<>();
    q.forEach(r -> reason.put(r.getLong(0), r.getString(2)));
    assertThat(reason.get(5L)).contains("SP_ACTIVE_RESIDENTS").contains("more than once");
    assertThat(reason.get(6L)).contains("submitted_at").contains("2025-10-05T09:00:00Z");
    assertThat(reason.get(7L)).contains("HR_SUPERVISIONS_HELD").contains("quarterly").contains("monthly");
    assertThat(reason.get(8L)).contains("XX_NOT_A_MEASURE").contains("catalogue");
    assertThat(reason.get(9L)).contains("'05/10/2025 10:00'").contains("ISO 8601");
    assertThat(reason.get(10L)).contains("provider_id 'PROV-123'");
    assertThat(reason.get(11L)).contains("location_id '1-ABC'");
    assertThat(reason.get(12L)).contains("'weekly'").contains("monthly, quarterly, annual");
    assertThat(reason.get(13L)).contains("'01/09/2025'").contains("YYYY-MM-DD");
    assertThat(reason.get(14L)).contains("calendar month").contains("2025-09-01 to 2025-09-15");
    assertThat(reason.get(15L)).contains("calendar quarter").contains("2025-08-01 to 2025-10-31");
    assertThat(reason.get(16L)).contains("1 April to 31 March").contains("2025-01-01 to 2025-12-31");
    assertThat(reason.get(19L)).contains("4 fields").contains("9");
    assertThat(reason.get(20L)).contains("10 fields").contains("9");
    assertThat(reason.get(21L)).isNotBlank();
    Map<Long, Row> byRow = new java.util.HashMap<>();
    q.forEach(r -> byRow.put(r.getLong(0), r));
    assertThat(byRow.get(11L).getString(5)).as("document is the location").isEqualTo("1-ABC");
    assertThat(byRow.get(5L).getString(5)).isEqualTo(L);
    assertThat(byRow.get(5L).getString(6)).as("the rejected record is kept").contains("SP_ACTIVE_RESIDENTS,13," + P);
    assertThat(byRow.get(21L).getString(6)).isEqualTo(UNCLOSED);
    assertThat(q).allSatisfy(r -> {
      assertThat(r.getString(3)).isEqualTo("returns");
      assertThat(r.getString(4)).isEqualTo("returns_csv");
      assertThat(r.getString(7)).isEqualTo(f.toAbsolutePath().normalize().toString());
      assertThat(r.getString(8)).isEqualTo(report.batchId());
      assertThat(r.getTimestamp(9).toInstant()).isEqualTo(IngestionTestSupport.NOW);
    });

    // ---- the good rows, typed ----
    Timestamp s = Timestamp.from(Instant.parse("2025-10-05T09:00:00Z"));
    List<Row> landed = rows(spark, "SELECT _source_row, provider_id, location_id, return_type, cast(period_start AS string),"
        + " cast(period_end AS string), submitted_at, measure_code, value, comment, source_format, _batch_id"
        + " FROM raw.return_measure WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row");
    assertThat(landed).extracting(r -> r.getLong(0), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4), r -> r.getString(5),
            r -> r.getTimestamp(6), r -> r.getString(7), r -> r.getString(8), r -> r.getString(9))
        .containsExactly(
            tuple(1L, L, "monthly", "2025-09-01", "2025-09-30", s, "SP_ACTIVE_RESIDENTS", "12", null),
            tuple(2L, L, "monthly", "2025-09-01", "2025-09-30", s, "SP_ACTIVE_COUNCIL_FUNDED", null, "not yet known"),
            tuple(3L, L, "monthly", "2025-09-01", "2025-09-30", s, "WF_AGENCY_HOURS", "37.5", "bank holiday cover, two shifts"),
            tuple(4L, L, "monthly", "2025-09-01", "2025-09-30", s, "SP_NEW_REFERRALS", "3", null),
            tuple(17L, L2, "quarterly", "2025-07-01", "2025-09-30", Timestamp.from(uploadedAt), "HR_SUPERVISIONS_HELD", "4", null),
            tuple(18L, L2, "annual", "2024-04-01", "2025-03-31", s, "WD_STAFF_TOTAL", "40", null));
    assertThat(landed).allSatisfy(r -> {
      assertThat(r.getString(1)).isEqualTo(P);
      assertThat(r.getString(10)).isEqualTo("csv");
      assertThat(r.getString(11)).isEqualTo(report.batchId());
    });
    // empty is missing, never zero
    assertThat(landed.get(1).isNullAt(8)).isTrue();

    // ---- the manifest balances ----
    assertThat(rows(spark, "SELECT source, layout, rows_read, rows_landed, rows_quarantined, _batch_id FROM raw.ingest_manifest"
        + " WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getLong(2), r -> r.getLong(3), r -> r.getLong(4), r -> r.getString(5))
        .containsExactly(tuple("returns", "returns_csv", 21L, 6L, 15L, report.batchId()));
  }

  @Test
  void fileThatIsNotAReturnIsRefusedWholeAndLandsNothing() {
    Path lacking = ReturnsTestData.write(tmp.resolve("refused/lacking.csv"),
        "provider_id,location_id,measure_code,value\n" + P + "," + L + ",SP_ACTIVE_RESIDENTS,12\n");
    Path letter = ReturnsTestData.write(tmp.resolve("refused/letter.csv"),
        "Dear commissioner,\nplease find our September figures attached.\nRegards\n");
    byte[] junk = new byte[2048];
    new Random(7).nextBytes(junk);
    junk[0] = (byte) 0xC3; // not a zip, not UTF-8
    junk[1] = (byte) 0x28;
    Path binary = ReturnsTestData.write(tmp.resolve("refused/scan.csv"), junk);
    Path zip = ReturnsTestData.write(tmp.resolve("refused/archive.xlsx"), ReturnWorkbookTest.zipWith("return.csv", "provider_id\n"));
    Path empty = ReturnsTestData.write(tmp.resolve("refused/empty.csv"), new byte[0]);

    Map<String, Long> before = ReturnsTestData.counts(spark);

    assertThatThrownBy(() -> ingestor.ingest(lacking, Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("lacking.csv")
        .hasMessageContaining("[return_type, period_start, period_end]")
        .hasMessageContaining("[provider_id, location_id, return_type, period_start, period_end, measure_code, value]")
        .hasMessageContaining("XLSX");
    assertThatThrownBy(() -> ingestor.ingest(letter, Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("letter.csv")
        .hasMessageContaining("not a monitoring return")
        .hasMessageContaining("[provider_id, location_id, return_type, period_start, period_end, measure_code, value]");
    assertThatThrownBy(() -> ingestor.ingest(empty, Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("empty.csv")
        .hasMessageContaining("empty file");
    assertThatThrownBy(() -> ingestor.ingest(binary, Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("scan.csv")
        .hasMessageContaining("UTF-8");
    assertThatThrownBy(() -> ingestor.ingest(zip, Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("archive.xlsx")
        .hasMessageContaining("XLSX");
    assertThat(ReturnsTestData.counts(spark)).isEqualTo(before);
    for (Path p : List.of(lacking, letter, binary, zip, empty)) {
      String sha = IngestionTestSupport.sha256(p);
      assertThat(IngestionTestSupport.count(spark, "SELECT count(*) FROM raw.ingest_manifest WHERE _source_sha256 = '" + sha + "'"))
          .as(p + " is not recorded as landed").isZero();
    }
  }

  @Test
  void inAFolderAnUnreadableFileIsQuarantinedWholeAndTheOthersLand() {
    Path mixed = tmp.resolve("mixed");
    ReturnsTestData.write(mixed.resolve("a_good.csv"), "provider_id,location_id,return_type,period_start,period_end,measure_code,value\n"
        + P + "," + L + ",monthly,2025-08-01,2025-08-31,SP_ACTIVE_RESIDENTS,11\n");
    ReturnsTestData.write(mixed.resolve("b_letter.csv"), "Dear commissioner\n");
    var report = ingestor.ingest(mixed, Optional.empty());
    assertThat(report.landed()).isEqualTo(1);
    assertThat(report.quarantined()).isEqualTo(1);
    String letterSha = IngestionTestSupport.sha256(mixed.resolve("b_letter.csv"));
    assertThat(IngestionTestSupport.count(spark, "SELECT count(*) FROM raw.quarantine WHERE rule = 'unreadable_file' "
        + "AND _source_sha256 = '" + letterSha + "' AND reason LIKE '%not a monitoring return%'")).isEqualTo(1);
    // the same bytes again are not quarantined twice
    assertThat(ingestor.ingest(mixed, Optional.empty()).alreadyLanded()).isEqualTo(2);
    assertThat(IngestionTestSupport.count(spark, "SELECT count(*) FROM raw.quarantine WHERE _source_sha256 = '" + letterSha + "'")).isEqualTo(1);
  }

  @Test
  void missingPathAndFolderWithoutReturnsAreRefused() {
    assertThatThrownBy(() -> ingestor.ingest(tmp.resolve("nowhere.csv"), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class).hasMessageContaining("no such file");
    Path notes = tmp.resolve("notes");
    ReturnsTestData.write(notes.resolve("readme.txt"), "returns go here");
    assertThatThrownBy(() -> ingestor.ingest(notes, Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class).hasMessageContaining("no .csv or .xlsx");
  }
}
