package org.carelake.ingestion.generate;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What a generation run wrote. */
public record GenerationSummary(String council, YearMonth firstMonth, YearMonth lastMonth, LocalDate asOf, long seed, double faultRate,
    int locations, int contracts, Map<String, Integer> contractsByServiceType, int submissionsExpected, int csvSubmissions,
    int xlsxSubmissions, int missingSubmissions, Map<FaultClass, Integer> faultsByClass, int visits, int concerns, int actions,
    int filesWritten, List<String> topLevelFiles) {

  public int faultySubmissions() {
    return faultsByClass.values().stream().mapToInt(Integer::intValue).sum();
  }

  public String render() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "generated council data set for %s: %s to %s (as of %s), seed %d, fault rate %s%n", council, firstMonth, lastMonth,
        asOf, seed, faultRate));
    b.append(String.format(Locale.ROOT, "  locations %d, contracts %d %s%n", locations, contracts, contractsByServiceType));
    b.append(String.format(Locale.ROOT, "  submissions expected %d: written %d (csv %d, xlsx %d), missing %d%n", submissionsExpected,
        csvSubmissions + xlsxSubmissions, csvSubmissions, xlsxSubmissions, missingSubmissions));
    b.append(String.format(Locale.ROOT, "  faulty submissions %d (%.1f%%):", faultySubmissions(),
        submissionsExpected == 0 ? 0.0 : 100.0 * faultySubmissions() / submissionsExpected));
    for (Map.Entry<FaultClass, Integer> e : faultsByClass.entrySet()) {
      b.append(' ').append(e.getKey().code()).append('=').append(e.getValue());
    }
    b.append(System.lineSeparator());
    b.append(String.format(Locale.ROOT, "  visits %d, safeguarding concerns %d, contract actions %d%n", visits, concerns, actions));
    b.append(String.format(Locale.ROOT, "  files written %d: %s + %d return files under returns/%n", filesWritten, String.join(", ", topLevelFiles),
        csvSubmissions + xlsxSubmissions));
    return b.toString();
  }
}
