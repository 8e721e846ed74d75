package org.carelake.ingestion.contracts;

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

/** The council's contract register (data contract section 2): good rows land as text, bad rows are quarantined with a reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContractRegisterIngestorTest {

  private static final String HEADER = "contract_id,provider_id,location_id,service_type,capacity_beds,weekly_hours,start_date,end_date,fee_band";
  private static final String COLUMNS = "[contract_id, provider_id, location_id, service_type, capacity_beds, weekly_hours, start_date, end_date, fee_band]";

  private SparkSession spark;
  private ContractRegisterIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    ingestor = new ContractRegisterIngestor(new Lander(spark), IngestionTestSupport.fixedClock());
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : List.of("raw.contract_register", "raw.quarantine", "raw.ingest_manifest")) {
      out.put(t, spark.table(t).count());
    }
    return out;
  }

  private static final List<String> REGISTER = List.of(
      HEADER,
      /* 1 location level, open-ended, beds, fee band */ "C001,1-101641521,1-10024040008,care_home_older_people,40,,2024-04-01,,3",
      /* 2 provider level (blank location), ended, hours, no fee band */ "C002,1-101641521,,home_support,,350.5,2023-04-01,2025-03-31,",
      /* 3 one-day contract, spaces around values */ " C003 , 1-102345678 ,1-10099887766,supported_living,,120,2024-01-01,2024-01-01,2",
      /* 4 missing_key */ ",1-101641521,1-10024040008,extra_care,,10,2024-04-01,,",
      /* 5 duplicate_key */ "C001,1-101641521,1-10024040008,care_home_older_people,42,,2025-04-01,,3",
      /* 6 invalid_id provider */ "C006,PROV1,1-10024040008,extra_care,,10,2024-04-01,,",
      /* 7 invalid_id location */ "C007,1-101641521,LOC-9,extra_care,,10,2024-04-01,,",
      /* 8 invalid_service_type */ "C008,1-101641521,1-10024040008,residential,12,,2024-04-01,,",
      /* 9 invalid_date start */ "C009,1-101641521,1-10024040008,extra_care,,10,01/04/2024,,",
      /* 10 invalid_date end */ "C010,1-101641521,1-10024040008,extra_care,,10,2024-04-01,2024-13-01,",
      /* 11 end before start */ "C011,1-101641521,1-10024040008,extra_care,,10,2024-04-01,2024-03-31,",
      /* 12 non-integer beds */ "C012,1-101641521,1-10024040008,care_home_under_65,12.5,,2024-04-01,,",
      /* 13 negative hours */ "C013,1-101641521,,home_support,,-5,2024-04-01,,",
      /* 14 hours not a number */ "C014,1-101641521,,home_support,,ten,2024-04-01,,",
      /* 15 wrong field count */ "C015,1-101641521,,home_support,,10,2024-04-01");

  @Test
  void goodRowsLandAndEachBadRowIsQuarantinedWithItsRule() throws IOException {
    Path f = write("register/contracts.csv", String.join("\n", REGISTER) + "\n");
    String sha = IngestionTestSupport.sha256(f);

    IngestReport report = ingestor.ingest(f);

    assertThat(report.read()).isEqualTo(15);
    assertThat(report.landed()).isEqualTo(3);
    assertThat(report.quarantined()).isEqualTo(12);
    assertThat(report.layout()).isEqualTo("contract_register");

    assertThat(rows(spark, "SELECT _source_row, contract_id, provider_id, location_id, service_type, capacity_beds, weekly_hours,"
        + " start_date, end_date, fee_band FROM raw.contract_register WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row"))
        .extracting(r -> r.getLong(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4),
            r -> r.getString(5), r -> r.getString(6), r -> r.getString(7), r -> r.getString(8), r -> r.getString(9))
        .containsExactly(
            tuple(1L, "C001", "1-101641521", "1-10024040008", "care_home_older_people", "40", null, "2024-04-01", null, "3"),
            tuple(2L, "C002", "1-101641521", null, "home_support", null, "350.5", "2023-04-01", "2025-03-31", null),
            tuple(3L, "C003", "1-102345678", "1-10099887766", "supported_living", null, "120", "2024-01-01", "2024-01-01", "2"));
    assertThat(rows(spark, "SELECT DISTINCT _source_file, _batch_id, _ingested_at FROM raw.contract_register WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getTimestamp(2).toInstant())
        .containsExactly(tuple(f.toAbsolutePath().normalize().toString(), report.batchId(), IngestionTestSupport.NOW));

    List<Row> q = rows(spark, "SELECT _source_row, rule, reason, document, source, layout, record FROM raw.quarantine"
        + " WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row");
    assertThat(q).extracting(r -> r.getLong(0), r -> r.getString(1)).containsExactly(
        tuple(4L, "missing_key"),
        tuple(5L, "duplicate_key"),
        tuple(6L, "invalid_id"),
        tuple(7L, "invalid_id"),
        tuple(8L, "invalid_service_type"),
        tuple(9L, "invalid_date"),
        tuple(10L, "invalid_date"),
        tuple(11L, "invalid_date"),
        tuple(12L, "invalid_number"),
        tuple(13L, "invalid_number"),
        tuple(14L, "invalid_number"),
        tuple(15L, "wrong_field_count"));
    Map<Long, String> reason = new HashMap<>();
    q.forEach(r -> reason.put(r.getLong(0), r.getString(2)));
    assertThat(reason.get(4L)).contains("contract_id").contains("empty");
    assertThat(reason.get(5L)).contains("C001").contains("more than once");
    assertThat(reason.get(6L)).contains("provider_id 'PROV1'");
    assertThat(reason.get(7L)).contains("location_id 'LOC-9'");
    assertThat(reason.get(8L)).contains("'residential'").contains("home_support");
    assertThat(reason.get(9L)).contains("start_date '01/04/2024'");
    assertThat(reason.get(10L)).contains("end_date '2024-13-01'");
    assertThat(reason.get(11L)).contains("2024-03-31").contains("before").contains("2024-04-01");
    assertThat(reason.get(12L)).contains("capacity_beds '12.5'");
    assertThat(reason.get(13L)).contains("weekly_hours -5").contains("negative");
    assertThat(reason.get(14L)).contains("'ten'");
    assertThat(reason.get(15L)).contains("7 fields").contains("9");
    assertThat(q).allSatisfy(r -> {
      assertThat(r.getString(4)).isEqualTo("contracts");
      assertThat(r.getString(5)).isEqualTo("contract_register");
      assertThat(r.getString(6)).isNotBlank();
    });
    assertThat(q.get(1).getString(3)).as("document is the contract").isEqualTo("C001");
    assertThat(q.get(1).getString(6)).contains("2025-04-01");

    assertThat(rows(spark, "SELECT source, layout, rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest"
        + " WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getLong(2), r -> r.getLong(3), r -> r.getLong(4))
        .containsExactly(tuple("contracts", "contract_register", 15L, 3L, 12L));

    // the same bytes again, under another name: nothing lands
    Map<String, Long> before = counts();
    Path resent = write("resent/contracts (copy).csv", String.join("\n", REGISTER) + "\n");
    IngestReport again = ingestor.ingest(resent);
    assertThat(again.alreadyLanded()).isEqualTo(1);
    assertThat(again.landed()).isZero();
    assertThat(again.quarantined()).isZero();
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void registerWithoutTheOptionalFeeBandColumnAndColumnsInAnotherOrderLands() throws IOException {
    Path f = write("register/no_fee_band.csv", "\uFEFFStart Date,Contract ID,Provider ID,Location ID,Service Type,Capacity Beds,Weekly Hours,End Date\r\n"
        + "2025-01-01,C100,1-101641521,1-10024040008,care_home_under_65,8,,2026-12-31\r\n");
    IngestReport report = ingestor.ingest(f);
    assertThat(report.landed()).isEqualTo(1);
    assertThat(rows(spark, "SELECT contract_id, service_type, capacity_beds, start_date, end_date, fee_band FROM raw.contract_register"
        + " WHERE _source_sha256 = '" + IngestionTestSupport.sha256(f) + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4), r -> r.getString(5))
        .containsExactly(tuple("C100", "care_home_under_65", "8", "2025-01-01", "2026-12-31", null));
  }

  @Test
  void registerMissingRequiredColumnsIsRefusedWhole() throws IOException {
    Path f = write("register/partial.csv", "contract_id,provider_id,location_id,service_type,capacity_beds,weekly_hours\n"
        + "C200,1-101641521,1-10024040008,extra_care,,10\n");
    Map<String, Long> before = counts();
    assertThatThrownBy(() -> ingestor.ingest(f))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("partial.csv")
        .hasMessageContaining("not a contract register")
        .hasMessageContaining("[start_date, end_date]")
        .hasMessageContaining(COLUMNS);
    assertThat(counts()).isEqualTo(before);
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest WHERE _source_sha256 = '" + IngestionTestSupport.sha256(f) + "'")).isZero();
  }
}
