package org.carelake.ingestion.generate;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One contracted service (one location) and everything generated about it. */
final class Service {
  final GeneratedLocation location;
  final int index;

  // contract
  String contractId;
  String serviceType;
  String measureGroup;
  Integer capacityBeds;
  Integer weeklyHours;
  LocalDate start;
  LocalDate end;
  int feeBand;

  // size and behaviour
  /** Beds the home runs (CQC beds, or an assumed size when CQC does not say); 0 for community services. */
  int beds;
  /** People supported at the start of the simulation (community) or beds (care homes). */
  double basePeople;
  double staffRatio;
  double occupancyTarget;
  double fillTarget;
  double fundedTarget;
  double agencyBase;
  double[] kpiProfile; // P(green), P(amber), P(red)
  boolean xlsxPreference;
  boolean usesAgency;
  boolean reportsAgencyHours;
  int fireInspectionDayOfYear;
  String leadOfficer;

  // intelligence
  final List<ContractAction> actions = new ArrayList<>();
  final List<Concern> concerns = new ArrayList<>();
  final List<Visit> visits = new ArrayList<>();

  // true state per simulated month
  final Map<YearMonth, MonthState> months = new HashMap<>();
  final List<Submission> submissions = new ArrayList<>();

  Service(GeneratedLocation location, int index) {
    this.location = location;
    this.index = index;
  }

  boolean careHome() {
    return measureGroup.equals("care_home");
  }

  Integer cqcBeds() {
    return location.careHomeBeds();
  }

  /** Whether the contract is in force for the whole period. */
  boolean contractedFor(LocalDate periodStart, LocalDate periodEnd) {
    return !start.isAfter(periodStart) && (end == null || !end.isBefore(periodEnd));
  }

  boolean contractedOn(LocalDate day) {
    return !start.isAfter(day) && (end == null || !end.isBefore(day));
  }

  boolean actionActive(String type, LocalDate day) {
    return actions.stream().anyMatch(a -> a.type().equals(type) && a.activeOn(day));
  }

  int providerConcerns(YearMonth m) {
    return (int) concerns.stream().filter(c -> c.source().equals("provider") && YearMonth.from(c.received()).equals(m)).count();
  }

  int s42Concerns(YearMonth m) {
    return (int) concerns.stream().filter(c -> c.s42() && YearMonth.from(c.received()).equals(m)).count();
  }

  /** The simulated state at the end of one month. */
  static final class MonthState {
    int residents;
    int councilFunded;
    int staff;
    int starters;
    int leavers;
    int vacancies;
    int ongoingEnquiries;
    // walks
    double occupancy;
    double fill;
    double people;
    double ftShare;
    double vacancyRate;
    double agencyHours;
    double fundedShare;
    java.util.LinkedHashMap<String, String> values;
  }
}
