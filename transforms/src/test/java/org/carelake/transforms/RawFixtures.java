package org.carelake.transforms;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.seeds.SeedLoader;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;

/** Given rows for the raw tables, written as ingestion would write them, plus the real seeds. */
final class RawFixtures {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AtomicLong ROW = new AtomicLong();
  private final SparkSession spark;
  private final List<Row> api = new ArrayList<>();
  private final List<Row> longRows = new ArrayList<>();
  private final List<Row> wide = new ArrayList<>();
  private final List<Row> contracts = new ArrayList<>();
  private final List<Row> returns = new ArrayList<>();
  private final List<Row> visits = new ArrayList<>();
  private final List<Row> concerns = new ArrayList<>();
  private final List<Row> actions = new ArrayList<>();

  RawFixtures(SparkSession spark) {
    this.spark = spark;
  }

  static Path repoRoot() {
    return Path.of(System.getProperty("carelake.repo.root", ".."));
  }

  /** A CQC API location document. {@code kq} maps key question name to rating; all share the overall report date. */
  RawFixtures apiDoc(LocalDate snapshot, String id, String status, String directorate, boolean careHome, Integer beds,
      String dormancy, String la, String region, String overall, String reportDate, Map<String, String> kq) {
    ObjectNode d = JSON.createObjectNode();
    d.put("locationId", id).put("providerId", "P-" + id).put("name", "Location " + id).put("registrationStatus", status)
        .put("inspectionDirectorate", directorate).put("type", directorate.equals("Adult social care") ? "Social Care Org" : "Primary Medical Services")
        .put("careHome", careHome ? "Y" : "N").put("dormancy", dormancy).put("localAuthority", la).put("region", region)
        .put("registrationDate", "2015-01-01");
    if (beds != null) {
      d.put("numberOfBeds", beds);
    }
    if (status.equals("Deregistered")) {
      d.put("deregistrationDate", "2025-05-01");
    }
    if (overall != null) {
      ObjectNode o = d.putObject("currentRatings").putObject("overall");
      o.put("rating", overall).put("reportDate", reportDate);
      ArrayNode kqs = o.putArray("keyQuestionRatings");
      kq.forEach((name, rating) -> kqs.addObject().put("name", name).put("rating", rating).put("reportDate", reportDate));
    }
    api.add(lineage(WarehouseTables.RAW_CQC_API_LOCATION, "location_" + id + ".json")
        .set("location_id", id).set("provider_id", "P-" + id).set("registration_status", status)
        .set("document", d.toString()).set("snapshot_date", Date.valueOf(snapshot)).set("_source_row", null).build());
    return this;
  }

  /** A row of the Latest ratings long file. */
  RawFixtures longRow(LocalDate snapshot, String id, String type, String category, String careHome, String la, String region,
      String group, String domain, String rating, String published, String inherited) {
    longRows.add(lineage(WarehouseTables.RAW_CQC_RATINGS_LONG, "latest_ratings.csv")
        .set("location_id", id).set("location_name", "Location " + id).set("care_home", careHome).set("location_type", type)
        .set("location_primary_inspection_category", category).set("location_local_authority", la).set("location_region", region)
        .set("service_population_group", group).set("domain", domain).set("latest_rating", rating).set("publication_date", published)
        .set("report_type", "Location").set("inherited_rating_y_n", inherited).set("provider_id", "P-" + id)
        .set("provider_name", "Provider " + id).set("header_style", "original").set("snapshot_date", Date.valueOf(snapshot)).build());
    return this;
  }

  /** A row of the wide adult social care export: ratings for Overall, Safe, Effective, Caring, Responsive, Well-led. */
  RawFixtures wideRow(LocalDate snapshot, String id, String la, String region, String category, String serviceTypes, String beds,
      String dormant, String... ratings) {
    wide.add(lineage(WarehouseTables.RAW_CQC_ASC_WIDE, "asc_export.csv")
        .set("location_id", id).set("location_name", "Location " + id).set("location_local_authority", la)
        .set("location_adass_region", region).set("primary_inspection_category", category).set("service_types", serviceTypes)
        .set("care_homes_beds", beds).set("location_hsca_start_date", "2015-01-01").set("location_hsca_end_date", "")
        .set("dormant", dormant).set("location_latest_overall_rating", ratings[0]).set("location_safe_rating", ratings[1])
        .set("location_effective_rating", ratings[2]).set("location_caring_rating", ratings[3])
        .set("location_responsive_rating", ratings[4]).set("location_well_led_rating", ratings[5])
        .set("provider_id", "P-" + id).set("snapshot_date", Date.valueOf(snapshot)).build());
    return this;
  }

  /** A row of the contract register (all in one register file). */
  RawFixtures contract(String contractId, String providerId, String locationId, String serviceType, String beds, String hours,
      String start, String end) {
    contracts.add(lineage(WarehouseTables.RAW_CONTRACT_REGISTER, "contracts.csv")
        .set("contract_id", contractId).set("provider_id", providerId).set("location_id", locationId)
        .set("service_type", serviceType).set("capacity_beds", beds).set("weekly_hours", hours)
        .set("start_date", start).set("end_date", end).set("fee_band", "3").build());
    return this;
  }

  /** One measure of a return, as the gate lands it. {@code submittedAt} is ISO 8601 with offset. */
  RawFixtures returnMeasure(String providerId, String locationId, String returnType, String periodStart, String submittedAt,
      String measureCode, String value) {
    LocalDate start = LocalDate.parse(periodStart);
    LocalDate end = switch (returnType) {
      case "monthly" -> start.plusMonths(1).minusDays(1);
      case "quarterly" -> start.plusMonths(3).minusDays(1);
      default -> start.plusYears(1).minusDays(1);
    };
    returns.add(lineage(WarehouseTables.RAW_RETURN_MEASURE, "return_" + locationId + "_" + periodStart + "_" + submittedAt + ".csv")
        .set("provider_id", providerId).set("location_id", locationId).set("return_type", returnType)
        .set("period_start", Date.valueOf(start)).set("period_end", Date.valueOf(end))
        .set("submitted_at", Timestamp.from(java.time.OffsetDateTime.parse(submittedAt).toInstant()))
        .set("measure_code", measureCode).set("value", value == null || value.isBlank() ? null : value).set("source_format", "csv").build());
    return this;
  }

  /** A council officer's visit (data contract section 4); judgements all Good. */
  RawFixtures visit(String visitId, String providerId, String locationId, String date, String type, int verified, int discrepant) {
    return visit(visitId, providerId, locationId, date, type, verified, discrepant, "Good", "Good", "Good", "Good", "Good", "Good");
  }

  /**
   * A visit with the officer's judgements of safe, effective, caring, responsive, well-led and overall, in that order.
   * Reactive visits are unannounced, as the data contract requires.
   */
  RawFixtures visit(String visitId, String providerId, String locationId, String date, String type, int verified, int discrepant,
      String... judgements) {
    visits.add(lineage(WarehouseTables.RAW_VISIT_RECORD, "visits.csv")
        .set("visit_id", visitId).set("location_id", locationId).set("provider_id", providerId).set("visit_date", date)
        .set("visit_type", type).set("announced", type.equals("reactive") ? "N" : "Y").set("officer_id", "CO1")
        .set("safe", judgements[0]).set("effective", judgements[1]).set("caring", judgements[2]).set("responsive", judgements[3])
        .set("well_led", judgements[4]).set("overall_judgement", judgements[5])
        .set("actions_raised", "0").set("actions_closed", "0").set("measures_verified", Integer.toString(verified))
        .set("measures_discrepant", Integer.toString(discrepant)).build());
    return this;
  }

  /** A concern in the council's safeguarding log (data contract section 5), person already pseudonymised. */
  RawFixtures concern(String concernId, String providerId, String locationId, String received, String source) {
    return concern(concernId, providerId, locationId, received, source, "neglect", false, null, null, false);
  }

  /** A concern with its abuse type and section 42 enquiry ({@code concluded} and {@code outcome} null while open). */
  RawFixtures concern(String concernId, String providerId, String locationId, String received, String source, String abuseType,
      boolean s42, String concluded, String outcome, boolean largeScale) {
    return concern(concernId, providerId, locationId, received, source, abuseType, s42, concluded, outcome, largeScale, "low");
  }

  RawFixtures concern(String concernId, String providerId, String locationId, String received, String source, String abuseType,
      boolean s42, String concluded, String outcome, boolean largeScale, String riskLevel) {
    concerns.add(lineage(WarehouseTables.RAW_SAFEGUARDING_CONCERN, "safeguarding.csv")
        .set("concern_id", concernId).set("location_id", locationId).set("provider_id", providerId).set("received_date", received)
        .set("source", source).set("abuse_type", abuseType).set("person_key", String.format("%064d", Math.abs((long) concernId.hashCode())))
        .set("risk_level", riskLevel).set("s42_enquiry", s42 ? "Y" : "N").set("enquiry_concluded", concluded).set("outcome", outcome)
        .set("large_scale_enquiry", largeScale ? "Y" : "N").build());
    return this;
  }

  /** A contract action (data contract section 6); {@code locationId} null for the whole provider, {@code end} null while active. */
  RawFixtures contractAction(String actionId, String providerId, String locationId, String type, String start, String end, String reason) {
    actions.add(lineage(WarehouseTables.RAW_CONTRACT_ACTION, "contract_actions.csv")
        .set("action_id", actionId).set("provider_id", providerId).set("location_id", locationId).set("action_type", type)
        .set("start_date", start).set("end_date", end).set("reason", reason).build());
    return this;
  }

  /** The return rows given so far, as the gate would land them (for checks made before landing). */
  List<Row> returnRows() {
    return List.copyOf(returns);
  }

  private static RowBuilder lineage(TableContract table, String file) {
    long row = ROW.incrementAndGet();
    return new RowBuilder(table).set("_source_file", file).set("_source_sha256", "sha-" + file)
        .set("_source_row", row).set("_ingested_at", Timestamp.valueOf("2025-06-02 10:00:00")).set("_batch_id", "test");
  }

  /** Writes the given rows into freshly migrated raw tables and loads the real seeds. */
  void land() throws Exception {
    WarehouseTables.migrate(new TableMigrator(spark));
    write(WarehouseTables.RAW_CQC_API_LOCATION, api);
    write(WarehouseTables.RAW_CQC_RATINGS_LONG, longRows);
    write(WarehouseTables.RAW_CQC_ASC_WIDE, wide);
    write(WarehouseTables.RAW_CONTRACT_REGISTER, contracts);
    write(WarehouseTables.RAW_RETURN_MEASURE, returns);
    write(WarehouseTables.RAW_VISIT_RECORD, visits);
    write(WarehouseTables.RAW_SAFEGUARDING_CONCERN, concerns);
    write(WarehouseTables.RAW_CONTRACT_ACTION, actions);
    new SeedLoader(spark, Clock.systemUTC()).load(repoRoot().resolve("seeds"));
  }

  private void write(TableContract table, List<Row> rows) throws Exception {
    if (!rows.isEmpty()) {
      spark.createDataFrame(rows, table.sparkSchema()).writeTo(table.table()).append();
    }
  }
}
