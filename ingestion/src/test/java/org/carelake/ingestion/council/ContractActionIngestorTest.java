package org.carelake.ingestion.council;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
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

/** The council's contract actions (data contract section 6): good rows land, bad rows are quarantined with their rule. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractActionIngestorTest {

  static final String HEADER = "action_id,provider_id,location_id,action_type,start_date,end_date,reason";

  private SparkSession spark;
  private ContractActionIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    ingestor = new ContractActionIngestor(new Lander(spark), IngestionTestSupport.fixedClock());
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : List.of("raw.contract_action", "raw.quarantine", "raw.ingest_manifest")) {
      out.put(t, spark.table(t).count());
    }
    return out;
  }

  static final List<String> ACTIONS = List.of(
      HEADER,
      /* 1 location level, ended, reason with a comma */ "CA1,1-101641521,1-10024040008,improvement_notice,2025-01-06,2025-04-30,\"Staffing, governance\"",
      /* 2 whole provider, still active, loose spelling */ "CA2,1-101641521,,Suspension of referrals,2025-02-03,,",
      /* 3 missing_key */ ",1-101641521,,termination,2025-02-03,,",
      /* 4 duplicate_key */ "CA1,1-101641521,,termination,2025-02-03,,",
      /* 5 invalid provider */ "CA5,PROV,,termination,2025-02-03,,",
      /* 6 invalid location */ "CA6,1-101641521,LOC,termination,2025-02-03,,",
      /* 7 invalid_action_type */ "CA7,1-101641521,,warning_letter,2025-02-03,,",
      /* 8 missing start */ "CA8,1-101641521,,termination,,,",
      /* 9 end not a date */ "CA9,1-101641521,,termination,2025-02-03,soon,",
      /* 10 end before start */ "CA10,1-101641521,,termination,2025-02-03,2025-02-02,",
      /* 11 wrong field count */ "CA11,1-101641521");

  @Test
  void goodRowsLandAndEachBadRowIsQuarantinedWithItsRule() throws IOException {
    Path f = write("actions/contract_actions.csv", String.join("\n", ACTIONS) + "\n");
    String sha = IngestionTestSupport.sha256(f);

    IngestReport report = ingestor.ingest(f);

    assertThat(report.layout()).isEqualTo("contract_action");
    assertThat(report.read()).isEqualTo(11);
    assertThat(report.landed()).isEqualTo(2);
    assertThat(report.quarantined()).isEqualTo(9);
    assertThat(rows(spark, "SELECT _source_row, action_id, provider_id, location_id, action_type, start_date, end_date, reason FROM raw.contract_action"
        + " WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row"))
        .extracting(r -> r.getLong(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4), r -> r.getString(5),
            r -> r.getString(6), r -> r.getString(7))
        .containsExactly(
            tuple(1L, "CA1", "1-101641521", "1-10024040008", "improvement_notice", "2025-01-06", "2025-04-30", "Staffing, governance"),
            tuple(2L, "CA2", "1-101641521", null, "suspension_of_referrals", "2025-02-03", null, null));

    List<Row> q = rows(spark, "SELECT _source_row, rule, reason, source, layout FROM raw.quarantine WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row");
    assertThat(q).extracting(r -> r.getLong(0), r -> r.getString(1)).containsExactly(
        tuple(3L, "missing_key"), tuple(4L, "duplicate_key"), tuple(5L, "invalid_id"), tuple(6L, "invalid_id"), tuple(7L, "invalid_action_type"),
        tuple(8L, "missing_value"), tuple(9L, "invalid_date"), tuple(10L, "invalid_date"), tuple(11L, "wrong_field_count"));
    Map<Long, String> reason = new HashMap<>();
    q.forEach(r -> reason.put(r.getLong(0), r.getString(2)));
    assertThat(reason.get(5L)).contains("provider_id 'PROV'");
    assertThat(reason.get(6L)).contains("location_id 'LOC'");
    assertThat(reason.get(7L)).contains("'warning_letter'").contains("suspension_of_referrals");
    assertThat(reason.get(8L)).isEqualTo("start_date is empty");
    assertThat(reason.get(9L)).contains("end_date 'soon'");
    assertThat(reason.get(10L)).contains("end_date 2025-02-02 is before start_date 2025-02-03");
    assertThat(q).allSatisfy(r -> assertThat(r.getString(3) + "/" + r.getString(4)).isEqualTo("contract_actions/contract_action"));
    assertThat(rows(spark, "SELECT rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getLong(0), r -> r.getLong(1), r -> r.getLong(2)).containsExactly(tuple(11L, 2L, 9L));

    Map<String, Long> before = counts();
    assertThat(ingestor.ingest(write("again/contract_actions.csv", String.join("\n", ACTIONS) + "\n")).alreadyLanded()).isEqualTo(1);
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aFileWithoutTheOptionalReasonLandsAndOneWithoutDatesIsRefused() throws IOException {
    Path f = write("actions/no_reason.csv", "action_id,provider_id,location_id,action_type,start_date,end_date\nCA20,1-101641521,,termination,2025-02-03,\n");
    assertThat(ingestor.ingest(f).landed()).isEqualTo(1);
    Path bad = write("actions/no_dates.csv", "action_id,provider_id,location_id,action_type\nCA21,1-101641521,,termination\n");
    Map<String, Long> before = counts();
    assertThatThrownBy(() -> ingestor.ingest(bad)).isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("not a contract actions file").hasMessageContaining("[start_date, end_date]");
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aFileThatIsNotUtf8OrIsEmptyIsRefusedWhole() throws IOException {
    Path latin1 = tmp.resolve("actions/latin1.csv");
    Files.createDirectories(latin1.getParent());
    Files.write(latin1, (HEADER + "\nCA30,1-101641521,,termination,2025-02-03,,Caf\u00e9 closed\n").getBytes(StandardCharsets.ISO_8859_1));
    Path empty = write("actions/empty.csv", "");
    Map<String, Long> before = counts();
    assertThatThrownBy(() -> ingestor.ingest(latin1)).isInstanceOf(UnreadableSourceException.class).hasMessageContaining("not UTF-8");
    assertThatThrownBy(() -> ingestor.ingest(empty)).isInstanceOf(UnreadableSourceException.class).hasMessageContaining("empty.csv");
    assertThat(counts()).isEqualTo(before);
  }
}
