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
 * Lands the council's contract actions ({@code contract_actions.csv}, data contract section 6) into
 * {@code raw.contract_action}: notices, suspensions of referrals, large scale enquiries, improvement plans, enhanced
 * monitoring and terminations. Each row is checked: an action id (once per file), a CQC provider ID, a CQC location ID
 * or blank (the whole provider), a known action type, ISO dates with the end (blank while active) not before the start.
 */
public final class ContractActionIngestor {

  public static final String SOURCE = "contract_actions";
  static final List<String> COLUMNS = List.of("action_id", "provider_id", "location_id", "action_type", "start_date", "end_date", "reason");
  static final List<String> ACTION_TYPES = List.of("improvement_notice", "default_notice", "suspension_of_referrals", "large_scale_enquiry",
      "service_improvement_plan", "enhanced_monitoring", "termination");

  private final CouncilCsvIngestor ingestor;

  public ContractActionIngestor(Lander lander, Clock clock) {
    this.ingestor = new CouncilCsvIngestor(lander, clock, new CouncilCsvIngestor.Source(SOURCE, WarehouseTables.RAW_CONTRACT_ACTION,
        "a contract actions file", COLUMNS, Set.of("reason"), "action_id", ContractActionIngestor::gate, null));
  }

  public IngestReport ingest(Path file) {
    return ingestor.ingest(file);
  }

  static Map<String, String> gate(Fields f) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("action_id", f.required("action_id"));
    out.put("provider_id", f.cqcId("provider_id", "provider", true));
    out.put("location_id", f.cqcId("location_id", "location", false));
    out.put("action_type", f.oneOf("action_type", ACTION_TYPES, "invalid_action_type", true));
    LocalDate start = f.date("start_date", true);
    LocalDate end = f.date("end_date", false);
    if (end != null && end.isBefore(start)) {
      throw new RowProblem("invalid_date", "end_date " + end + " is before start_date " + start);
    }
    out.put("start_date", start.toString());
    out.put("end_date", end == null ? null : end.toString());
    out.put("reason", f.optional("reason"));
    return out;
  }
}
