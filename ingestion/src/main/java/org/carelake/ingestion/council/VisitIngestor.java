package org.carelake.ingestion.council;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.schema.WarehouseTables;

/**
 * Lands council officers' visit and audit records ({@code visits.csv}, data contract section 4) into
 * {@code raw.visit_record}. Each row is checked: a visit id (once per file), CQC ids, an ISO visit date, a known visit
 * type, announced Y/N (a reactive visit is unannounced), an officer, a known judgement for each key question and
 * overall, whole non-negative counts with no more measures discrepant than verified, a follow-up not before the visit.
 */
public final class VisitIngestor {

  public static final String SOURCE = "visits";
  static final List<String> COLUMNS = List.of("visit_id", "location_id", "provider_id", "visit_date", "visit_type", "announced", "officer_id",
      "safe", "effective", "caring", "responsive", "well_led", "overall_judgement", "actions_raised", "actions_closed", "measures_verified",
      "measures_discrepant", "follow_up_due");
  static final List<String> VISIT_TYPES = List.of("proactive", "reactive", "enhanced_monitoring", "annual_audit", "joint_cqc", "joint_icb");
  static final List<String> JUDGEMENTS = List.of("Outstanding", "Good", "Requires improvement", "Inadequate", "Not assessed");
  static final List<String> JUDGED = List.of("safe", "effective", "caring", "responsive", "well_led", "overall_judgement");

  private final CouncilCsvIngestor ingestor;

  public VisitIngestor(Lander lander, Clock clock) {
    this.ingestor = new CouncilCsvIngestor(lander, clock, new CouncilCsvIngestor.Source(SOURCE, WarehouseTables.RAW_VISIT_RECORD,
        "a visits file", COLUMNS, Set.of("follow_up_due"), "visit_id", VisitIngestor::gate, null));
  }

  public IngestReport ingest(Path file) {
    return ingestor.ingest(file);
  }

  static Map<String, String> gate(Fields f) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("visit_id", f.required("visit_id"));
    out.put("location_id", f.cqcId("location_id", "location", true));
    out.put("provider_id", f.cqcId("provider_id", "provider", true));
    LocalDate date = f.date("visit_date", true);
    out.put("visit_date", date.toString());
    String type = f.oneOf("visit_type", VISIT_TYPES, "invalid_visit_type", true);
    out.put("visit_type", type);
    String announced = f.flag("announced");
    if (type.equals("reactive") && announced.equals("Y")) {
      throw new RowProblem("inconsistent_visit", "a reactive visit is unannounced, but announced is Y");
    }
    out.put("announced", announced);
    out.put("officer_id", f.required("officer_id"));
    for (String j : JUDGED) {
      out.put(j, f.oneOf(j, JUDGEMENTS, "invalid_judgement", true));
    }
    Integer raised = f.count("actions_raised");
    Integer closed = f.count("actions_closed");
    Integer verified = f.count("measures_verified");
    Integer discrepant = f.count("measures_discrepant");
    if (discrepant != null && verified == null) {
      throw new RowProblem("inconsistent_counts", "measures_discrepant is " + discrepant + " but measures_verified is blank");
    }
    if (discrepant != null && discrepant > verified) {
      throw new RowProblem("inconsistent_counts", "measures_discrepant " + discrepant + " is more than measures_verified " + verified);
    }
    out.put("actions_raised", text(raised));
    out.put("actions_closed", text(closed));
    out.put("measures_verified", text(verified));
    out.put("measures_discrepant", text(discrepant));
    LocalDate followUp = f.date("follow_up_due", false);
    if (followUp != null && followUp.isBefore(date)) {
      throw new RowProblem("invalid_date", "follow_up_due " + followUp + " is before visit_date " + date);
    }
    out.put("follow_up_due", followUp == null ? null : followUp.toString());
    return out;
  }

  static String text(Object o) {
    return o == null ? null : o.toString();
  }
}
