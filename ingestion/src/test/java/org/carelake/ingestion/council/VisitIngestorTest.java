package org.carelake.ingestion.council;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.carelake.ingestion.IngestionTestSupport.count;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

/** Officers' visit records (data contract section 4): good rows land as canonical text, each bad row is quarantined with its rule. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VisitIngestorTest {

  static final String HEADER = "visit_id,location_id,provider_id,visit_date,visit_type,announced,officer_id,safe,effective,caring,responsive,"
      + "well_led,overall_judgement,actions_raised,actions_closed,measures_verified,measures_discrepant,follow_up_due";
  private static final String J = "Good,Good,Good,Good,Good,Good";

  private SparkSession spark;
  private VisitIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    ingestor = new VisitIngestor(new Lander(spark), IngestionTestSupport.fixedClock());
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : List.of("raw.visit_record", "raw.quarantine", "raw.ingest_manifest")) {
      out.put(t, spark.table(t).count());
    }
    return out;
  }

  static final List<String> VISITS = List.of(
      HEADER,
      /* 1 everything given */ "V001,1-10024040008,1-101641521,2025-03-04,proactive,Y,OFF01,Good,Good,Good,Good,Requires improvement,Good,2,1,10,1,2025-04-30",
      /* 2 loose spellings, blank counts and follow-up */
      " V002 ,1-10024040008,1-101641521,2025-03-05,Reactive,n,OFF02,requires improvement,Not assessed,good,NOT ASSESSED,Inadequate,Inadequate,,,,,",
      /* 3 missing_key */ ",1-10024040008,1-101641521,2025-03-06,proactive,Y,OFF01," + J + ",0,0,8,0,",
      /* 4 duplicate_key */ "V001,1-10024040008,1-101641521,2025-03-07,proactive,Y,OFF01," + J + ",0,0,8,0,",
      /* 5 invalid_id */ "V005,LOC-5,1-101641521,2025-03-06,proactive,Y,OFF01," + J + ",0,0,8,0,",
      /* 6 missing_value provider */ "V006,1-10024040008,,2025-03-06,proactive,Y,OFF01," + J + ",0,0,8,0,",
      /* 7 invalid_date */ "V007,1-10024040008,1-101641521,04/03/2025,proactive,Y,OFF01," + J + ",0,0,8,0,",
      /* 8 invalid_visit_type */ "V008,1-10024040008,1-101641521,2025-03-06,inspection,Y,OFF01," + J + ",0,0,8,0,",
      /* 9 invalid_flag */ "V009,1-10024040008,1-101641521,2025-03-06,proactive,yes,OFF01," + J + ",0,0,8,0,",
      /* 10 reactive but announced */ "V010,1-10024040008,1-101641521,2025-03-06,reactive,Y,OFF01," + J + ",0,0,8,0,",
      /* 11 missing officer */ "V011,1-10024040008,1-101641521,2025-03-06,proactive,Y,," + J + ",0,0,8,0,",
      /* 12 invalid_judgement */ "V012,1-10024040008,1-101641521,2025-03-06,proactive,Y,OFF01,Very good,Good,Good,Good,Good,Good,0,0,8,0,",
      /* 13 negative count */ "V013,1-10024040008,1-101641521,2025-03-06,proactive,Y,OFF01," + J + ",-1,0,8,0,",
      /* 14 fractional count */ "V014,1-10024040008,1-101641521,2025-03-06,proactive,Y,OFF01," + J + ",0,0,2.5,0,",
      /* 15 discrepant > verified */ "V015,1-10024040008,1-101641521,2025-03-06,proactive,Y,OFF01," + J + ",0,0,3,5,",
      /* 16 follow-up before the visit */ "V016,1-10024040008,1-101641521,2025-03-06,proactive,Y,OFF01," + J + ",1,0,8,0,2025-03-01",
      /* 17 wrong field count */ "V017,1-10024040008,1-101641521,2025-03-06,proactive,Y",
      /* 18 broken quoting, last line */ "V018,\"1-10024040008,1-101641521,2025-03-06");

  @Test
  void goodRowsLandAndEachBadRowIsQuarantinedWithItsRule() throws IOException {
    Path f = write("visits/visits.csv", String.join("\n", VISITS) + "\n");
    String sha = IngestionTestSupport.sha256(f);

    IngestReport report = ingestor.ingest(f);

    assertThat(report.layout()).isEqualTo("visit_record");
    assertThat(report.read()).isEqualTo(18);
    assertThat(report.landed()).isEqualTo(2);
    assertThat(report.quarantined()).isEqualTo(16);

    assertThat(rows(spark, "SELECT _source_row, visit_id, visit_type, announced, officer_id, safe, effective, caring, responsive, well_led,"
        + " overall_judgement, actions_raised, actions_closed, measures_verified, measures_discrepant, follow_up_due FROM raw.visit_record"
        + " WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row"))
        .extracting(r -> { Object[] o = new Object[r.size()]; for (int i = 0; i < r.size(); i++) { o[i] = r.get(i); } return java.util.Arrays.asList(o).toString(); })
        .containsExactly(
            "[1, V001, proactive, Y, OFF01, Good, Good, Good, Good, Requires improvement, Good, 2, 1, 10, 1, 2025-04-30]",
            "[2, V002, reactive, N, OFF02, Requires improvement, Not assessed, Good, Not assessed, Inadequate, Inadequate, null, null, null, null, null]");
    assertThat(rows(spark, "SELECT DISTINCT _source_file, _batch_id, _ingested_at FROM raw.visit_record WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getTimestamp(2).toInstant())
        .containsExactly(tuple(f.toAbsolutePath().normalize().toString(), report.batchId(), IngestionTestSupport.NOW));

    List<Row> q = rows(spark, "SELECT _source_row, rule, reason, document, source, layout, record FROM raw.quarantine"
        + " WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row");
    assertThat(q).extracting(r -> r.getLong(0), r -> r.getString(1)).containsExactly(
        tuple(3L, "missing_key"),
        tuple(4L, "duplicate_key"),
        tuple(5L, "invalid_id"),
        tuple(6L, "missing_value"),
        tuple(7L, "invalid_date"),
        tuple(8L, "invalid_visit_type"),
        tuple(9L, "invalid_flag"),
        tuple(10L, "inconsistent_visit"),
        tuple(11L, "missing_value"),
        tuple(12L, "invalid_judgement"),
        tuple(13L, "invalid_number"),
        tuple(14L, "invalid_number"),
        tuple(15L, "inconsistent_counts"),
        tuple(16L, "invalid_date"),
        tuple(17L, "wrong_field_count"),
        tuple(18L, "malformed_csv"));
    Map<Long, String> reason = new HashMap<>();
    q.forEach(r -> reason.put(r.getLong(0), r.getString(2)));
    assertThat(reason.get(3L)).isEqualTo("visit_id is empty");
    assertThat(reason.get(4L)).contains("V001").contains("more than once");
    assertThat(reason.get(5L)).contains("location_id 'LOC-5'").contains("CQC location ID");
    assertThat(reason.get(6L)).isEqualTo("provider_id is empty");
    assertThat(reason.get(7L)).contains("visit_date '04/03/2025'").contains("YYYY-MM-DD");
    assertThat(reason.get(8L)).contains("'inspection'").contains("enhanced_monitoring");
    assertThat(reason.get(9L)).contains("announced 'yes'").contains("Y or N");
    assertThat(reason.get(10L)).contains("reactive").contains("unannounced");
    assertThat(reason.get(11L)).isEqualTo("officer_id is empty");
    assertThat(reason.get(12L)).contains("safe 'Very good'").contains("Requires improvement");
    assertThat(reason.get(13L)).contains("actions_raised -1 is negative");
    assertThat(reason.get(14L)).contains("measures_verified '2.5'").contains("whole number");
    assertThat(reason.get(15L)).contains("measures_discrepant 5").contains("measures_verified 3");
    assertThat(reason.get(16L)).contains("follow_up_due 2025-03-01").contains("before visit_date 2025-03-06");
    assertThat(reason.get(17L)).contains("6 fields").contains("18");
    assertThat(q).allSatisfy(r -> {
      assertThat(r.getString(4)).isEqualTo("visits");
      assertThat(r.getString(5)).isEqualTo("visit_record");
      assertThat(r.getString(6)).isNotBlank();
    });
    assertThat(q.get(1).getString(3)).as("document is the visit").isEqualTo("V001");
    assertThat(q.get(1).getString(6)).contains("2025-03-07");

    assertThat(rows(spark, "SELECT source, layout, rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest"
        + " WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getLong(2), r -> r.getLong(3), r -> r.getLong(4))
        .containsExactly(tuple("visits", "visit_record", 18L, 2L, 16L));

    // the same bytes again, under another name: nothing lands
    Map<String, Long> before = counts();
    IngestReport again = ingestor.ingest(write("resent/visits (copy).csv", String.join("\n", VISITS) + "\n"));
    assertThat(again.alreadyLanded()).isEqualTo(1);
    assertThat(again.landed()).isZero();
    assertThat(again.quarantined()).isZero();
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void columnsInAnotherOrderWithABomAndWithoutTheOptionalFollowUpLand() throws IOException {
    Path f = write("visits/reordered.csv", "\uFEFFVisit ID,Provider ID,Location ID,Visit Date,Visit Type,Announced,Officer ID,Safe,Effective,Caring,"
        + "Responsive,Well-led,Overall Judgement,Actions Raised,Actions Closed,Measures Verified,Measures Discrepant\r\n"
        + "V100,1-101641521,1-10024040008,2025-05-01,joint_cqc,Y,OFF09,Good,Good,Good,Good,Good,Good,0,0,0,0\r\n");
    IngestReport report = ingestor.ingest(f);
    assertThat(report.landed()).isEqualTo(1);
    assertThat(rows(spark, "SELECT visit_id, location_id, provider_id, visit_type, follow_up_due FROM raw.visit_record"
        + " WHERE _source_sha256 = '" + IngestionTestSupport.sha256(f) + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4))
        .containsExactly(tuple("V100", "1-10024040008", "1-101641521", "joint_cqc", null));
  }

  @Test
  void aFileMissingRequiredColumnsIsRefusedWhole() throws IOException {
    Path f = write("visits/partial.csv", "visit_id,location_id,provider_id,visit_date\nV200,1-10024040008,1-101641521,2025-03-04\n");
    Map<String, Long> before = counts();
    assertThatThrownBy(() -> ingestor.ingest(f))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("partial.csv")
        .hasMessageContaining("not a visits file")
        .hasMessageContaining("[visit_type, announced, officer_id,");
    assertThat(counts()).isEqualTo(before);
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest WHERE _source_sha256 = '" + IngestionTestSupport.sha256(f) + "'")).isZero();
  }
}
