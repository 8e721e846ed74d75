package org.carelake.ingestion.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnPeriod;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CouncilDataGeneratorTest {

  private static final int MONTHS = 15;
  private final List<GeneratedLocation> locations = GeneratorFixtures.locations(40);
  private MeasureCatalogue catalogue;
  private Map<String, byte[]> clean;
  private Map<String, byte[]> faulty;

  @BeforeAll
  void generate() {
    catalogue = GeneratorFixtures.catalogue();
    clean = GeneratorFixtures.generate(locations, MONTHS, 7, 0.0).files();
    faulty = GeneratorFixtures.generate(locations, MONTHS, 7, 0.35).files();
  }

  @Test
  void sameInputsGiveByteIdenticalFiles() {
    Map<String, byte[]> again = GeneratorFixtures.generate(locations, MONTHS, 7, 0.35).files();
    assertThat(again.keySet()).isEqualTo(faulty.keySet());
    assertThat(again.keySet()).anyMatch(f -> f.endsWith(".xlsx"));
    for (String f : faulty.keySet()) {
      assertThat(again.get(f)).as(f).isEqualTo(faulty.get(f));
    }
    Map<String, byte[]> otherSeed = GeneratorFixtures.generate(locations, MONTHS, 8, 0.35).files();
    assertThat(otherSeed.get("contracts.csv")).isNotEqualTo(faulty.get("contracts.csv"));
  }

  @Test
  void everyFileParsesUnderTheDataContracts() {
    for (Map<String, byte[]> files : List.of(clean, faulty)) {
      assertThat(files).containsKeys(CouncilDataGenerator.TOP_LEVEL_FILES.toArray(String[]::new));
      assertThat(GeneratorFixtures.header(files.get("contracts.csv"))).containsExactly("contract_id", "provider_id", "location_id",
          "service_type", "capacity_beds", "weekly_hours", "start_date", "end_date", "fee_band");
      assertThat(GeneratorFixtures.header(files.get("visits.csv"))).containsExactly("visit_id", "location_id", "provider_id", "visit_date",
          "visit_type", "announced", "officer_id", "safe", "effective", "caring", "responsive", "well_led", "overall_judgement",
          "actions_raised", "actions_closed", "measures_verified", "measures_discrepant", "follow_up_due");
      assertThat(GeneratorFixtures.header(files.get("safeguarding.csv"))).containsExactly("concern_id", "location_id", "provider_id",
          "received_date", "source", "abuse_type", "person_ref", "risk_level", "s42_enquiry", "enquiry_concluded", "outcome",
          "large_scale_enquiry");
      assertThat(GeneratorFixtures.header(files.get("contract_actions.csv"))).containsExactly("action_id", "provider_id", "location_id",
          "action_type", "start_date", "end_date", "reason");
      assertThat(GeneratorFixtures.header(files.get("truth.csv"))).containsExactly("provider_id", "location_id", "return_type",
          "period_start", "fault_class", "measure_code", "detail");
      Map<String, Map<String, String>> contracts = new HashMap<>();
      for (Map<String, String> c : GeneratorFixtures.csv(files.get("contracts.csv"))) {
        contracts.put(c.get("location_id"), c);
        assertThat(c.get("provider_id")).matches("1-[0-9]{5,12}");
        assertThat(c.get("service_type")).isIn(catalogue.serviceTypes());
        LocalDate start = LocalDate.parse(c.get("start_date"));
        if (!c.get("end_date").isEmpty()) {
          assertThat(LocalDate.parse(c.get("end_date"))).isAfter(start);
        }
        assertThat(Integer.parseInt(c.get("fee_band"))).isBetween(1, 5);
      }
      for (GeneratorFixtures.ParsedReturn r : GeneratorFixtures.returns(files)) {
        assertThat(r.providerId()).matches("1-[0-9]{5,12}");
        assertThat(r.locationId()).matches("1-[0-9]{5,12}");
        assertThat(r.returnType()).isIn(ReturnPeriod.RETURN_TYPES);
        assertThat(r.periodEnd()).isEqualTo(ReturnPeriod.endFor(r.returnType(), r.periodStart()));
        assertThat(r.submittedAtText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+]0[01]:00");
        assertThat(r.submittedAt().toLocalDate()).isAfter(r.periodEnd()).isBefore(GeneratorFixtures.AS_OF);
        assertThat(r.file()).isEqualTo("returns/" + YearMonth.from(r.periodStart()) + "/" + r.locationId() + "_" + r.returnType() + "_"
            + r.periodStart() + "." + r.format());
        String serviceType = contracts.get(r.locationId()).get("service_type");
        List<String> applicable = catalogue.applicable(r.returnType(), serviceType).stream().map(Measure::code).toList();
        assertThat(applicable).containsAll(r.values().keySet());
      }
    }
  }

  @Test
  void cleanDataSetBreaksNoRule() {
    IndependentChecker checker = new IndependentChecker(clean, locations, catalogue, MONTHS, GeneratorFixtures.AS_OF);
    assertThat(checker.expected).hasSizeGreaterThan(500);
    assertThat(checker.missing).isEmpty();
    assertThat(checker.reasons).isEmpty();
    assertThat(GeneratorFixtures.csv(clean.get("truth.csv"))).isEmpty();
    assertThat(GeneratorFixtures.csv(clean.get("visits.csv"))).allMatch(v -> v.get("measures_discrepant").equals("0"));
  }

  @Test
  void truthListsExactlyTheFaultySubmissionsEachWithItsOneClass() {
    IndependentChecker checker = new IndependentChecker(faulty, locations, catalogue, MONTHS, GeneratorFixtures.AS_OF);
    Map<String, String> truth = new TreeMap<>();
    for (Map<String, String> t : GeneratorFixtures.csv(faulty.get("truth.csv"))) {
      String key = t.get("location_id") + "|" + t.get("return_type") + "|" + t.get("period_start");
      assertThat(truth.put(key, t.get("fault_class"))).as("one truth row per submission: " + key).isNull();
      assertThat(t.get("fault_class")).isIn(List.of("missing_measure", "invalid_value", "internal_inconsistency", "cross_source",
          "history_anomaly", "late", "missing_submission"));
      assertThat(t.get("detail")).isNotBlank();
    }
    // every expected submission is either received or a truth missing_submission
    for (String key : checker.missing) {
      assertThat(truth.get(key)).as(key).isEqualTo("missing_submission");
    }
    truth.forEach((key, cls) -> {
      assertThat(checker.expected).contains(key);
      if (cls.equals("missing_submission")) {
        assertThat(checker.missing).contains(key);
      } else {
        assertThat(checker.findings.get(key)).as(key + " " + checker.reasons.get(key)).containsExactly(cls);
      }
    });
    checker.findings.forEach((key, classes) -> assertThat(truth).as("flagged but not in truth: " + key + " " + checker.reasons.get(key))
        .containsKey(key));
  }

  @Test
  void everyFaultClassOccursAndTheRateIsHonoured() {
    Map<String, Integer> byClass = new TreeMap<>();
    List<Map<String, String>> truth = GeneratorFixtures.csv(faulty.get("truth.csv"));
    truth.forEach(t -> byClass.merge(t.get("fault_class"), 1, Integer::sum));
    for (FaultClass c : FaultClass.values()) {
      assertThat(byClass.getOrDefault(c.code(), 0)).as(c.code() + " in " + byClass).isGreaterThanOrEqualTo(8);
    }
    int expected = new IndependentChecker(faulty, locations, catalogue, MONTHS, GeneratorFixtures.AS_OF).expected.size();
    double rate = (double) truth.size() / expected;
    double sigma = Math.sqrt(0.35 * 0.65 / expected);
    assertThat(rate).as(truth.size() + " of " + expected).isCloseTo(0.35, within(4 * sigma));
    // a low rate too
    Map<String, byte[]> low = GeneratorFixtures.generate(locations, MONTHS, 11, 0.05).files();
    int lowFaults = GeneratorFixtures.csv(low.get("truth.csv")).size();
    double lowSigma = Math.sqrt(0.05 * 0.95 / expected);
    assertThat((double) lowFaults / expected).isCloseTo(0.05, within(4 * lowSigma));
  }

  @Test
  void faultsAreTheRequestedKinds() {
    List<Map<String, String>> truth = GeneratorFixtures.csv(faulty.get("truth.csv"));
    Set<String> seen = new HashSet<>();
    for (Map<String, String> t : truth) {
      String d = t.get("detail");
      switch (t.get("fault_class")) {
        case "invalid_value" -> {
          if (d.contains("written as text")) {
            seen.add("text");
          } else if (d.contains("negative")) {
            seen.add("negative");
          }
        }
        case "cross_source" -> {
          if (d.contains("CQC registered beds")) {
            seen.add("beds");
          } else if (d.contains("contracted beds")) {
            seen.add("capacity");
          } else if (d.contains("safeguarding log")) {
            seen.add("log");
          } else if (d.contains("visit")) {
            seen.add("visit");
          }
        }
        case "history_anomaly" -> seen.add(d.contains("copied") ? "copy" : "jump");
        default -> {
        }
      }
    }
    assertThat(seen).contains("text", "negative", "beds", "capacity", "log", "visit", "copy", "jump");
    // the visit variant really is in visits.csv
    assertThat(GeneratorFixtures.csv(faulty.get("visits.csv"))).anyMatch(v -> !v.get("measures_discrepant").equals("0"));
  }

  @Test
  void valuesAreRealistic() {
    Map<String, Map<String, String>> contracts = new HashMap<>();
    GeneratorFixtures.csv(clean.get("contracts.csv")).forEach(c -> contracts.put(c.get("location_id"), c));
    Map<String, GeneratedLocation> byId = new HashMap<>();
    locations.forEach(l -> byId.put(l.locationId(), l));
    Map<String, Integer> types = new TreeMap<>();
    for (Map<String, String> c : contracts.values()) {
      types.merge(c.get("service_type"), 1, Integer::sum);
      GeneratedLocation l = byId.get(c.get("location_id"));
      if (l.careHome()) {
        assertThat(c.get("service_type")).startsWith("care_home_");
        int cap = Integer.parseInt(c.get("capacity_beds"));
        if (l.careHomeBeds() != null) {
          assertThat(cap).isBetween((int) Math.floor(l.careHomeBeds() * 0.5), l.careHomeBeds());
        }
        assertThat(c.get("weekly_hours")).isEmpty();
      } else {
        assertThat(c.get("service_type")).doesNotStartWith("care_home_");
        assertThat(c.get("capacity_beds")).isEmpty();
        if (c.get("service_type").equals("day_opportunities")) {
          assertThat(c.get("weekly_hours")).isEmpty();
        } else {
          assertThat(Double.parseDouble(c.get("weekly_hours"))).isBetween(150.0, 3000.0);
        }
      }
    }
    assertThat(types.getOrDefault("care_home_older_people", 0)).isGreaterThan(types.getOrDefault("care_home_under_65", 0));
    assertThat(types.getOrDefault("home_support", 0)).isGreaterThanOrEqualTo(8);

    List<GeneratorFixtures.ParsedReturn> returns = GeneratorFixtures.returns(clean);
    long xlsx = returns.stream().filter(r -> r.format().equals("xlsx")).count();
    assertThat((double) xlsx / returns.size()).isBetween(0.03, 0.25);

    // KPIs: most periods green, some amber or red
    int green = 0;
    int total = 0;
    Map<String, List<GeneratorFixtures.ParsedReturn>> monthly = new TreeMap<>();
    for (GeneratorFixtures.ParsedReturn r : returns) {
      Map<String, String> v = r.values();
      GeneratedLocation l = byId.get(r.locationId());
      if (r.returnType().equals("monthly")) {
        monthly.computeIfAbsent(r.locationId(), k -> new ArrayList<>()).add(r);
        int residents = Integer.parseInt(v.get("SP_ACTIVE_RESIDENTS"));
        int staff = Integer.parseInt(v.get("WF_STAFF_EMPLOYED"));
        if (l.careHome() && l.careHomeBeds() != null) {
          assertThat(residents).isLessThanOrEqualTo(l.careHomeBeds());
          assertThat((double) staff / l.careHomeBeds()).as(r.file()).isBetween(0.6, 2.2);
          double cover = Double.parseDouble(v.get("KPI_ROTA_HOURS_COVERED")) / Double.parseDouble(v.get("KPI_ROTA_HOURS_REQUIRED"));
          assertThat(cover).isBetween(0.78, 1.05);
        }
        int familiar = Integer.parseInt(v.get("KPI_CONTINUITY_VISITS_FAMILIAR"));
        int visits = Integer.parseInt(v.get("KPI_CONTINUITY_VISITS_TOTAL"));
        total++;
        if (familiar >= 0.85 * visits) {
          green++;
        }
      }
      if (r.returnType().equals("quarterly") && v.containsKey("HS_LAST_FIRE_INSPECTION")) {
        LocalDate fire = LocalDate.parse(v.get("HS_LAST_FIRE_INSPECTION"));
        assertThat(fire).isAfter(r.periodEnd().minusYears(1)).isBeforeOrEqualTo(r.periodEnd());
      }
      if (r.returnType().equals("annual")) {
        assertThat(Double.parseDouble(v.get("WD_TURNOVER_PCT"))).isBetween(0.0, 100.0);
        assertThat(v.get("FI_INSURANCE_EVIDENCED")).isIn("0", "1");
      }
    }
    assertThat((double) green / total).isBetween(0.6, 0.97);
    // month to month: plausible variation, never a copy, never an order of magnitude
    for (List<GeneratorFixtures.ParsedReturn> stream : monthly.values()) {
      stream.sort((a, b) -> a.periodStart().compareTo(b.periodStart()));
      for (int i = 1; i < stream.size(); i++) {
        Map<String, String> prev = stream.get(i - 1).values();
        Map<String, String> cur = stream.get(i).values();
        assertThat(cur).isNotEqualTo(prev);
        double a = Double.parseDouble(prev.get("WF_STAFF_EMPLOYED"));
        double b = Double.parseDouble(cur.get("WF_STAFF_EMPLOYED"));
        assertThat(b / a).isBetween(0.75, 1.33);
      }
    }
    // on-time submissions arrive between period end and due date
    for (GeneratorFixtures.ParsedReturn r : returns) {
      OffsetDateTime at = r.submittedAt();
      assertThat(at.toLocalDate()).isAfter(r.periodEnd()).isBeforeOrEqualTo(ReturnPeriod.dueDate(r.returnType(), r.periodEnd()));
      assertThat(at.getHour()).isBetween(8, 19);
    }
  }

  @Test
  void visitsConcernsAndActionsAreRealistic() {
    List<Map<String, String>> visits = GeneratorFixtures.csv(clean.get("visits.csv"));
    List<Map<String, String>> concerns = GeneratorFixtures.csv(clean.get("safeguarding.csv"));
    Map<String, Integer> proactive = new HashMap<>();
    for (Map<String, String> v : visits) {
      assertThat(v.get("visit_type")).isIn("proactive", "reactive", "enhanced_monitoring", "annual_audit", "joint_cqc", "joint_icb");
      if (v.get("visit_type").equals("reactive")) {
        assertThat(v.get("announced")).isEqualTo("N");
      }
      if (v.get("visit_type").equals("proactive")) {
        proactive.merge(v.get("location_id"), 1, Integer::sum);
      }
      assertThat(Integer.parseInt(v.get("actions_closed"))).isLessThanOrEqualTo(Integer.parseInt(v.get("actions_raised")));
      assertThat(LocalDate.parse(v.get("visit_date"))).isBefore(GeneratorFixtures.AS_OF);
      assertThat(LocalDate.parse(v.get("visit_date")).getDayOfWeek().getValue()).isLessThanOrEqualTo(5);
    }
    assertThat(proactive).hasSize(locations.size());
    assertThat(visits).anyMatch(v -> v.get("visit_type").equals("reactive"));
    Set<String> sources = new HashSet<>();
    for (Map<String, String> c : concerns) {
      assertThat(c.get("person_ref")).matches("P[0-9]{6,7}");
      sources.add(c.get("source"));
      if (c.get("s42_enquiry").equals("N")) {
        assertThat(c.get("outcome")).isEmpty();
      }
      if (!c.get("enquiry_concluded").isEmpty()) {
        assertThat(c.get("outcome")).isIn("substantiated", "partially_substantiated", "not_substantiated", "inconclusive");
      }
    }
    assertThat(sources).contains("provider", "family", "professional");
    long homes = locations.stream().filter(GeneratedLocation::careHome).count();
    double perHomePerQuarter = concerns.stream().filter(c -> locations.stream().anyMatch(l -> l.careHome() && l.locationId().equals(c.get("location_id"))))
        .count() / (homes * MONTHS / 3.0);
    assertThat(perHomePerQuarter).isBetween(0.5, 6.0);
    List<Map<String, String>> actions = GeneratorFixtures.csv(clean.get("contract_actions.csv"));
    assertThat(actions).anyMatch(a -> a.get("action_type").equals("improvement_notice"));
  }
}
