package org.carelake.ingestion.contracts;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.carelake.ingestion.CqcIds;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.FileOutcome;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IsoDates;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.LandingBatch;
import org.carelake.ingestion.Lineage;
import org.carelake.ingestion.Rejection;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.WarehouseTables;

/**
 * Lands the council's contract register (data contract section 2). Each row is checked: a contract id, CQC ids, a
 * known service type, ISO dates with the end not before the start, whole beds and non-negative hours. A re-sent
 * register with the same bytes lands nothing; a changed register lands in full and supersedes the earlier one.
 */
public final class ContractRegisterIngestor {

  public static final String SOURCE = "contracts";
  static final List<String> COLUMNS = List.of("contract_id", "provider_id", "location_id", "service_type", "capacity_beds",
      "weekly_hours", "start_date", "end_date", "fee_band");
  static final Set<String> SERVICE_TYPES = Set.of("care_home_older_people", "care_home_under_65", "home_support",
      "supported_living", "day_opportunities", "extra_care");

  private final Lander lander;
  private final Clock clock;

  public ContractRegisterIngestor(Lander lander, Clock clock) {
    this.lander = lander;
    this.clock = clock;
  }

  public IngestReport ingest(Path file) {
    SourceBytes src = SourceBytes.read(file);
    String batchId = UUID.randomUUID().toString();
    if (lander.landedSources(SOURCE).contains(src.sha256())) {
      return new IngestReport(batchId, "contract_register", List.of(new FileOutcome(src.name(), "contract_register", 0, 0, 0, true)));
    }
    CsvText csv = CsvText.parse(src);
    List<String> header = csv.headerNames().stream().map(CsvText::snakeCase).toList();
    List<String> missing = COLUMNS.stream().filter(c -> !c.equals("fee_band") && !header.contains(c)).toList();
    if (!missing.isEmpty()) {
      throw new UnreadableSourceException(src.name() + ": not a contract register: the header lacks " + missing + " (expected " + COLUMNS + ")");
    }
    csv.requireRows();
    Lineage base = new Lineage(src.name(), src.sha256(), null, Timestamp.from(clock.instant()), batchId);
    List<Row> rows = new ArrayList<>();
    List<Rejection> rejections = new ArrayList<>();
    Set<String> ids = new HashSet<>();
    for (CsvText.Record rec : csv.records()) {
      Lineage at = base.atRow(rec.row());
      if (rec.record() == null) {
        rejections.add(new Rejection(at, "contract_register", null, "malformed_csv", rec.error(), rec.unparsedLine()));
        continue;
      }
      CSVRecord r = rec.record();
      String text = CsvText.recordText(r);
      if (r.size() != header.size()) {
        rejections.add(new Rejection(at, "contract_register", null, "wrong_field_count",
            "row has " + r.size() + " fields but the header has " + header.size(), text));
        continue;
      }
      Map<String, String> v = new HashMap<>();
      for (int i = 0; i < header.size(); i++) {
        v.put(header.get(i), r.get(i).trim());
      }
      String problem = problem(v, ids);
      if (problem != null) {
        rejections.add(new Rejection(at, "contract_register", v.get("contract_id") == null || v.get("contract_id").isEmpty() ? null : v.get("contract_id"), problem.substring(0, problem.indexOf(':')),
            problem.substring(problem.indexOf(':') + 2), text));
        continue;
      }
      RowBuilder b = at.applyTo(new RowBuilder(WarehouseTables.RAW_CONTRACT_REGISTER));
      for (String c : COLUMNS) {
        String value = v.get(c);
        b.set(c, value == null || value.isEmpty() ? null : value);
      }
      rows.add(b.build());
    }
    FileOutcome outcome = new FileOutcome(src.name(), "contract_register", csv.records().size(), rows.size(), rejections.size(), false);
    try (LandingBatch batch = lander.begin(SOURCE, batchId)) {
      batch.append(WarehouseTables.RAW_CONTRACT_REGISTER, rows);
      batch.quarantine(rejections);
      batch.manifest("contract_register", null, List.of(base), List.of(outcome));
      batch.complete();
    }
    return new IngestReport(batchId, "contract_register", List.of(outcome));
  }

  /** The first rule the row breaks, as "rule: reason", or null. */
  private static String problem(Map<String, String> v, Set<String> ids) {
    String id = v.get("contract_id");
    if (id == null || id.isEmpty()) {
      return "missing_key: contract_id is empty";
    }
    if (ids.contains(id)) {
      return "duplicate_key: contract_id " + id + " appears more than once in the register; its first row is kept";
    }
    if (!CqcIds.isCqcId(v.getOrDefault("provider_id", ""))) {
      return "invalid_id: provider_id '" + v.get("provider_id") + "' is not a CQC provider ID (like 1-101641521)";
    }
    String loc = v.getOrDefault("location_id", "");
    if (!loc.isEmpty() && !CqcIds.isCqcId(loc)) {
      return "invalid_id: location_id '" + loc + "' is not a CQC location ID (like 1-10024040008)";
    }
    if (!SERVICE_TYPES.contains(v.get("service_type"))) {
      return "invalid_service_type: service_type '" + v.get("service_type") + "' is not one of " + SERVICE_TYPES;
    }
    LocalDate start = date(v.get("start_date"));
    if (start == null) {
      return "invalid_date: start_date '" + v.get("start_date") + "' must be a date as YYYY-MM-DD";
    }
    String endText = v.getOrDefault("end_date", "");
    if (!endText.isEmpty()) {
      LocalDate end = date(endText);
      if (end == null) {
        return "invalid_date: end_date '" + endText + "' must be a date as YYYY-MM-DD or blank";
      }
      if (end.isBefore(start)) {
        return "invalid_date: end_date " + end + " is before start_date " + start;
      }
    }
    String beds = v.getOrDefault("capacity_beds", "");
    if (!beds.isEmpty() && !beds.matches("[0-9]+")) {
      return "invalid_number: capacity_beds '" + beds + "' must be a whole number of beds";
    }
    String hours = v.getOrDefault("weekly_hours", "");
    if (!hours.isEmpty()) {
      try {
        if (new BigDecimal(hours).signum() < 0) {
          return "invalid_number: weekly_hours " + hours + " is negative";
        }
      } catch (NumberFormatException e) {
        return "invalid_number: weekly_hours '" + hours + "' is not a number";
      }
    }
    ids.add(id);
    return null;
  }

  private static LocalDate date(String s) {
    return IsoDates.parseOrNull(s);
  }
}
