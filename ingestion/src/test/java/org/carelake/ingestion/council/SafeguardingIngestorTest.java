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
import java.util.Locale;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safeguarding log (data contract section 5): the person reference is replaced on read by its keyed hash, so no
 * landed row, quarantine record or reason holds it; good rows land, bad rows are quarantined with their rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SafeguardingIngestorTest {

  static final String KEY = "test-key-0123456789abcdef";
  static final String HEADER = "concern_id,location_id,provider_id,received_date,source,abuse_type,person_ref,risk_level,s42_enquiry,"
      + "enquiry_concluded,outcome,large_scale_enquiry";
  private static final String L = "1-10024040008,1-101641521";

  private SparkSession spark;
  private SafeguardingIngestor ingestor;

  @TempDir
  Path tmp;

  @BeforeAll
  void setUp() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    ingestor = new SafeguardingIngestor(new Lander(spark), new Pseudonymiser(KEY), IngestionTestSupport.fixedClock());
  }

  /** HMAC-SHA256 hex computed here, not with the code under test. */
  static String hmac(String key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      StringBuilder b = new StringBuilder();
      for (byte x : mac.doFinal(message.getBytes(StandardCharsets.UTF_8))) {
        b.append(String.format("%02x", x));
      }
      return b.toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Path write(String name, String text) throws IOException {
    Path p = tmp.resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  private Map<String, Long> counts() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (String t : List.of("raw.safeguarding_concern", "raw.quarantine", "raw.ingest_manifest")) {
      out.put(t, spark.table(t).count());
    }
    return out;
  }

  static final List<String> LOG = List.of(
      HEADER,
      /* 1 open concern */ "SG1," + L + ",2025-02-03,provider,neglect,P000123,high,Y,,,N",
      /* 2 same person written loosely; concluded */ "SG2," + L + ",2025-02-10,Family,Self Neglect, p000123 ,Medium,y,2025-03-01,Partially substantiated,n",
      /* 3 duplicate_key */ "SG1," + L + ",2025-02-11,provider,neglect,P000777,low,N,,,N",
      /* 4 missing person */ "SG4," + L + ",2025-02-11,provider,neglect,,low,N,,,N",
      /* 5 invalid_source */ "SG5," + L + ",2025-02-11,neighbour,neglect,P000505,low,N,,,N",
      /* 6 invalid_abuse_type */ "SG6," + L + ",2025-02-11,provider,theft,P000606,low,N,,,N",
      /* 7 invalid_risk_level */ "SG7," + L + ",2025-02-11,provider,neglect,P000707,critical,N,,,N",
      /* 8 invalid_flag */ "SG8," + L + ",2025-02-11,provider,neglect,P000808,low,maybe,,,N",
      /* 9 concluded without s42 */ "SG9," + L + ",2025-02-11,provider,neglect,P000909,low,N,2025-03-01,inconclusive,N",
      /* 10 concluded before received */ "SG10," + L + ",2025-02-11,provider,neglect,P001010,high,Y,2025-01-01,inconclusive,N",
      /* 11 outcome while open */ "SG11," + L + ",2025-02-11,provider,neglect,P001111,high,Y,,substantiated,N",
      /* 12 concluded without outcome */ "SG12," + L + ",2025-02-11,provider,neglect,P001212,high,Y,2025-03-01,,N",
      /* 13 invalid_outcome */ "SG13," + L + ",2025-02-11,provider,neglect,P001313,high,Y,2025-03-01,upheld,N",
      /* 14 the reference typed into location_id too */ "SG14,P001414,1-101641521,2025-02-11,provider,neglect,P001414,low,N,,,N",
      /* 15 invalid_date */ "SG15," + L + ",11/02/2025,provider,neglect,P001515,low,N,,,N",
      /* 16 wrong field count */ "SG16," + L + ",2025-02-11,provider,neglect,P001616",
      /* 17 broken quoting */ "SG17," + L + ",2025-02-11,\"provider,neglect,P001717,low,N,,,N");

  @Test
  void personReferencesAreReplacedByTheirKeyedHashEverywhere() throws IOException {
    Path f = write("sg/safeguarding.csv", String.join("\n", LOG) + "\n");
    String sha = IngestionTestSupport.sha256(f);

    IngestReport report = ingestor.ingest(f);

    assertThat(report.layout()).isEqualTo("safeguarding_concern");
    assertThat(report.read()).isEqualTo(17);
    assertThat(report.landed()).isEqualTo(2);
    assertThat(report.quarantined()).isEqualTo(15);
    assertThat(spark.table("raw.safeguarding_concern").columns()).contains("person_key").doesNotContain("person_ref");

    String person = hmac(KEY, "P000123");
    assertThat(rows(spark, "SELECT _source_row, concern_id, source, abuse_type, person_key, risk_level, s42_enquiry, enquiry_concluded, outcome,"
        + " large_scale_enquiry FROM raw.safeguarding_concern WHERE _source_sha256 = '" + sha + "' ORDER BY _source_row"))
        .extracting(r -> r.getLong(0), r -> r.getString(1), r -> r.getString(2), r -> r.getString(3), r -> r.getString(4), r -> r.getString(5),
            r -> r.getString(6), r -> r.getString(7), r -> r.getString(8), r -> r.getString(9))
        .containsExactly(
            tuple(1L, "SG1", "provider", "neglect", person, "high", "Y", null, null, "N"),
            tuple(2L, "SG2", "family", "self_neglect", person, "medium", "Y", "2025-03-01", "partially_substantiated", "N"));

    List<Row> q = rows(spark, "SELECT _source_row, rule, reason, document, record FROM raw.quarantine WHERE _source_sha256 = '" + sha
        + "' ORDER BY _source_row");
    assertThat(q).extracting(r -> r.getLong(0), r -> r.getString(1)).containsExactly(
        tuple(3L, "duplicate_key"),
        tuple(4L, "missing_value"),
        tuple(5L, "invalid_source"),
        tuple(6L, "invalid_abuse_type"),
        tuple(7L, "invalid_risk_level"),
        tuple(8L, "invalid_flag"),
        tuple(9L, "inconsistent_enquiry"),
        tuple(10L, "invalid_date"),
        tuple(11L, "inconsistent_enquiry"),
        tuple(12L, "inconsistent_enquiry"),
        tuple(13L, "invalid_outcome"),
        tuple(14L, "invalid_id"),
        tuple(15L, "invalid_date"),
        tuple(16L, "wrong_field_count"),
        tuple(17L, "malformed_csv"));
    Map<Long, Row> byRow = new HashMap<>();
    q.forEach(r -> byRow.put(r.getLong(0), r));
    assertThat(byRow.get(3L).getString(2)).contains("concern_id SG1").contains("more than once");
    assertThat(byRow.get(3L).getString(4)).as("quarantined with the hashed reference in its place")
        .isEqualTo("SG1,1-10024040008,1-101641521,2025-02-11,provider,neglect," + hmac(KEY, "P000777") + ",low,N,,,N");
    assertThat(byRow.get(4L).getString(2)).isEqualTo("person_ref is empty");
    assertThat(byRow.get(5L).getString(2)).contains("source 'neighbour'").contains("whistleblowing");
    assertThat(byRow.get(9L).getString(2)).contains("s42_enquiry is N");
    assertThat(byRow.get(10L).getString(2)).contains("enquiry_concluded 2025-01-01 is before received_date 2025-02-11");
    assertThat(byRow.get(11L).getString(2)).contains("enquiry_concluded is blank");
    assertThat(byRow.get(12L).getString(2)).contains("outcome is blank");
    assertThat(byRow.get(13L).getString(2)).contains("outcome 'upheld'");
    assertThat(byRow.get(14L).getString(2)).as("a reference typed into another column is hashed there too")
        .isEqualTo("location_id '" + hmac(KEY, "P001414") + "' is not a CQC location ID (like 1-10024040008)");
    assertThat(byRow.get(16L).getString(2)).contains("7 fields").contains("not kept");
    assertThat(byRow.get(16L).isNullAt(4)).as("a line that cannot be split is not kept").isTrue();
    assertThat(byRow.get(17L).isNullAt(4)).isTrue();
    assertThat(q).allSatisfy(r -> {
      for (int i = 1; i < r.size(); i++) {
        if (!r.isNullAt(i)) {
          assertThat(r.getString(i).toUpperCase(Locale.ROOT)).doesNotContainPattern("P0\\d{5}");
        }
      }
    });
    assertThat(byRow.values()).filteredOn(r -> r.getLong(0) < 16 && r.getLong(0) != 4).allSatisfy(r -> assertThat(r.getString(4)).matches(".*[0-9a-f]{64}.*"));

    assertThat(rows(spark, "SELECT source, layout, rows_read, rows_landed, rows_quarantined FROM raw.ingest_manifest WHERE _source_sha256 = '" + sha + "'"))
        .extracting(r -> r.getString(0), r -> r.getString(1), r -> r.getLong(2), r -> r.getLong(3), r -> r.getLong(4))
        .containsExactly(tuple("safeguarding", "safeguarding_concern", 17L, 2L, 15L));

    Map<String, Long> before = counts();
    IngestReport again = ingestor.ingest(write("resent/safeguarding.csv", String.join("\n", LOG) + "\n"));
    assertThat(again.alreadyLanded()).isEqualTo(1);
    assertThat(counts()).isEqualTo(before);
  }

  @Test
  void aFileWithoutItsHeaderIsRefusedWithoutRepeatingItsFirstRow() throws IOException {
    // the first data row is read as the header: the message must not quote it
    Path f = write("sg/no_header.csv", "SG1," + L + ",2025-02-03,provider,neglect,P004242,high,Y,,,N\n");
    Map<String, Long> before = counts();
    assertThatThrownBy(() -> ingestor.ingest(f))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("not a safeguarding log")
        .hasMessageContaining("person_ref")
        .message().doesNotContain("P004242").doesNotContain("SG1");
    assertThat(counts()).isEqualTo(before);
  }
}
