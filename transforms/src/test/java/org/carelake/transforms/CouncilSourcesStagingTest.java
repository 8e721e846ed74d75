package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.council.ContractActionIngestor;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.council.VisitIngestor;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Visits, concerns and contract actions landed by the real ingestors from two files each, the second re-sending one id
 * with changes: staging types every column and keeps the latest version of each id.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CouncilSourcesStagingTest {

  static final String LOC = "1-10024040008";
  static final String PROV = "1-101641521";
  static final Instant FIRST = Instant.parse("2025-03-01T08:00:00Z");
  static final Instant LATER = Instant.parse("2025-04-01T08:00:00Z");

  @TempDir
  static Path tmp;
  SparkSession spark;
  List<ModelRunner.ModelResult> results;
  Pseudonymiser pseudonymiser = new Pseudonymiser("staging-test-key-0123456789");

  @BeforeAll
  void landAndBuild() throws Exception {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    Lander lander = new Lander(spark);
    Clock first = Clock.fixed(FIRST, ZoneOffset.UTC);
    Clock later = Clock.fixed(LATER, ZoneOffset.UTC);
    String j = "Good,Good,Good,Good,Good,Good";
    String visitHeader = "visit_id,location_id,provider_id,visit_date,visit_type,announced,officer_id,safe,effective,caring,responsive,well_led,"
        + "overall_judgement,actions_raised,actions_closed,measures_verified,measures_discrepant,follow_up_due\n";
    new VisitIngestor(lander, first).ingest(write("v1.csv", visitHeader
        + "V1," + LOC + "," + PROV + ",2025-02-14,proactive,Y,OFF1," + j + ",2,0,10,0,2025-03-31\n"
        + "V2," + LOC + "," + PROV + ",2025-02-20,reactive,N,OFF2,Inadequate,Not assessed,Good,Not assessed,Requires improvement,Inadequate,5,,4,,\n"));
    new VisitIngestor(lander, later).ingest(write("v2.csv", visitHeader
        + "V1," + LOC + "," + PROV + ",2025-02-14,proactive,Y,OFF1," + j + ",2,2,10,3,2025-03-31\n"));

    String sgHeader = "concern_id,location_id,provider_id,received_date,source,abuse_type,person_ref,risk_level,s42_enquiry,enquiry_concluded,outcome,"
        + "large_scale_enquiry\n";
    new SafeguardingIngestor(lander, pseudonymiser, first).ingest(write("s1.csv", sgHeader
        + "SG1," + LOC + "," + PROV + ",2025-01-31,provider,neglect,P000001,high,Y,,,Y\n"
        + "SG2," + LOC + "," + PROV + ",2025-02-01,family,financial,P000002,low,N,,,N\n"));
    new SafeguardingIngestor(lander, pseudonymiser, later).ingest(write("s2.csv", sgHeader
        + "SG1," + LOC + "," + PROV + ",2025-01-31,provider,neglect,P000001,high,Y,2025-03-20,substantiated,Y\n"));

    String caHeader = "action_id,provider_id,location_id,action_type,start_date,end_date,reason\n";
    new ContractActionIngestor(lander, first).ingest(write("a1.csv", caHeader
        + "CA1," + PROV + "," + LOC + ",improvement_notice,2025-01-06,,CQC rated the service Inadequate\n"
        + "CA2," + PROV + ",,suspension_of_referrals,2025-01-08,,Improvement notice in force\n"));
    new ContractActionIngestor(lander, later).ingest(write("a2.csv", caHeader
        + "CA1," + PROV + "," + LOC + ",improvement_notice,2025-01-06,2025-03-28,CQC rated the service Inadequate\n"));

    ModelRunner runner = new ModelRunner(spark);
    Models models = Models.load();
    results = List.of(runner.build(models.get("staging.stg_visit")), runner.build(models.get("staging.stg_safeguarding_concern")),
        runner.build(models.get("staging.stg_contract_action")));
  }

  private static Path write(String name, String text) throws Exception {
    return Files.writeString(tmp.resolve(name), text, StandardCharsets.UTF_8);
  }

  private List<String> rows(String sql) {
    return SqlRows.of(spark, sql);
  }

  @Test
  void everyStagingModelKeepsItsContract() {
    assertThat(results).allSatisfy(r -> assertThat(r.violations()).as(r.table()).isEmpty());
    assertThat(results).extracting(ModelRunner.ModelResult::rows).containsExactly(2L, 2L, 2L);
  }

  @Test
  void visitsAreTypedAndTheLaterFileWins() {
    assertThat(rows("SELECT visit_id, visit_date, visit_month, visit_type, is_announced, safe, overall_judgement, actions_raised, actions_closed,"
        + " measures_verified, measures_discrepant, follow_up_due, source_file, ingested_at FROM staging.stg_visit ORDER BY visit_id"))
        .containsExactly(
            "[V1, 2025-02-14, 2025-02-01, proactive, true, Good, Good, 2, 2, 10, 3, 2025-03-31, " + tmp.resolve("v2.csv") + ", "
                + java.sql.Timestamp.from(LATER) + "]",
            "[V2, 2025-02-20, 2025-02-01, reactive, false, Inadequate, Inadequate, 5, null, 4, null, null, " + tmp.resolve("v1.csv") + ", "
                + java.sql.Timestamp.from(FIRST) + "]");
    assertThat(spark.table("staging.stg_visit").schema().apply("visit_date").dataType().typeName()).isEqualTo("date");
    assertThat(spark.table("staging.stg_visit").schema().apply("actions_raised").dataType().typeName()).isEqualTo("integer");
  }

  @Test
  void concernsAreTypedKnowThePersonOnlyByKeyAndTheLaterFileWins() {
    String p1 = pseudonymiser.personKey("P000001");
    String p2 = pseudonymiser.personKey("P000002");
    assertThat(rows("SELECT concern_id, received_date, received_month, source, abuse_type, person_key, risk_level, is_s42_enquiry, enquiry_concluded,"
        + " outcome, is_large_scale_enquiry FROM staging.stg_safeguarding_concern ORDER BY concern_id"))
        .containsExactly(
            "[SG1, 2025-01-31, 2025-01-01, provider, neglect, " + p1 + ", high, true, 2025-03-20, substantiated, true]",
            "[SG2, 2025-02-01, 2025-02-01, family, financial, " + p2 + ", low, false, null, null, false]");
    assertThat(spark.table("staging.stg_safeguarding_concern").columns()).doesNotContain("person_ref");
  }

  @Test
  void actionsAreTypedWithAWholeProviderActionHavingNoLocation() {
    assertThat(rows("SELECT action_id, provider_id, location_id, action_type, start_date, end_date, reason FROM staging.stg_contract_action"
        + " ORDER BY action_id"))
        .containsExactly(
            "[CA1, " + PROV + ", " + LOC + ", improvement_notice, 2025-01-06, 2025-03-28, CQC rated the service Inadequate]",
            "[CA2, " + PROV + ", null, suspension_of_referrals, 2025-01-08, null, Improvement notice in force]");
  }
}
