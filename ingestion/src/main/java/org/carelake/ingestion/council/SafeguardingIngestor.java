package org.carelake.ingestion.council;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.schema.WarehouseTables;

/**
 * Lands the council's safeguarding and concerns log ({@code safeguarding.csv}, data contract section 5) into
 * {@code raw.safeguarding_concern}. The person reference is personal data: it is replaced as the row is read by
 * {@code person_key}, its keyed hash, so it is never landed, quarantined, logged or put in a message. Each row is
 * checked: a concern id (once per file), CQC ids, an ISO received date, known source, abuse type and risk level, a
 * person reference, Y/N flags, and an enquiry that is concluded (on or after the date received, with an outcome) only
 * if it is a section 42 enquiry.
 */
public final class SafeguardingIngestor {

  public static final String SOURCE = "safeguarding";
  static final List<String> COLUMNS = List.of("concern_id", "location_id", "provider_id", "received_date", "source", "abuse_type", "person_ref",
      "risk_level", "s42_enquiry", "enquiry_concluded", "outcome", "large_scale_enquiry");
  static final List<String> SOURCES = List.of("provider", "family", "professional", "cqc", "whistleblowing", "public", "anonymous");
  static final List<String> ABUSE_TYPES = List.of("neglect", "physical", "financial", "psychological", "sexual", "organisational", "discriminatory",
      "domestic", "self_neglect", "modern_slavery");
  static final List<String> RISK_LEVELS = List.of("low", "medium", "high");
  static final List<String> OUTCOMES = List.of("substantiated", "partially_substantiated", "not_substantiated", "inconclusive");

  private final CouncilCsvIngestor ingestor;

  /** @param pseudonymiser the council's keyed hash; a safeguarding log is never read without one */
  public SafeguardingIngestor(Lander lander, Pseudonymiser pseudonymiser, Clock clock) {
    Objects.requireNonNull(pseudonymiser, "a safeguarding log is not read without a pseudonymisation key");
    this.ingestor = new CouncilCsvIngestor(lander, clock, new CouncilCsvIngestor.Source(SOURCE, WarehouseTables.RAW_SAFEGUARDING_CONCERN,
        "a safeguarding log", COLUMNS, Set.of(), "concern_id", SafeguardingIngestor::gate,
        new CouncilCsvIngestor.Personal("person_ref", "person_key", pseudonymiser)));
  }

  public IngestReport ingest(Path file) {
    return ingestor.ingest(file);
  }

  static Map<String, String> gate(Fields f) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("concern_id", f.required("concern_id"));
    out.put("location_id", f.cqcId("location_id", "location", true));
    out.put("provider_id", f.cqcId("provider_id", "provider", true));
    LocalDate received = f.date("received_date", true);
    out.put("received_date", received.toString());
    out.put("source", f.oneOf("source", SOURCES, "invalid_source", true));
    out.put("abuse_type", f.oneOf("abuse_type", ABUSE_TYPES, "invalid_abuse_type", true));
    if (f.blank("person_key")) {
      throw new RowProblem("missing_value", "person_ref is empty");
    }
    out.put("person_key", f.text("person_key"));
    out.put("risk_level", f.oneOf("risk_level", RISK_LEVELS, "invalid_risk_level", true));
    String s42 = f.flag("s42_enquiry");
    out.put("s42_enquiry", s42);
    LocalDate concluded = f.date("enquiry_concluded", false);
    String outcome = f.oneOf("outcome", OUTCOMES, "invalid_outcome", false);
    if (concluded != null && s42.equals("N")) {
      throw new RowProblem("inconsistent_enquiry", "enquiry_concluded is " + concluded + " but s42_enquiry is N: only a section 42 enquiry is concluded");
    }
    if (concluded != null && concluded.isBefore(received)) {
      throw new RowProblem("invalid_date", "enquiry_concluded " + concluded + " is before received_date " + received);
    }
    if (concluded != null && outcome == null) {
      throw new RowProblem("inconsistent_enquiry", "enquiry_concluded is " + concluded + " but outcome is blank (a concluded enquiry has an outcome)");
    }
    if (concluded == null && outcome != null) {
      throw new RowProblem("inconsistent_enquiry", "outcome is " + outcome + " but enquiry_concluded is blank (an open enquiry has no outcome)");
    }
    out.put("enquiry_concluded", concluded == null ? null : concluded.toString());
    out.put("outcome", outcome);
    out.put("large_scale_enquiry", f.flag("large_scale_enquiry"));
    return out;
  }
}
