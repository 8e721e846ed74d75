package org.carelake.ingestion.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Many seeds, window lengths and fault rates: truth.csv always matches what an independent checker finds. */
class GeneratorRobustnessTest {

  private static final MeasureCatalogue CATALOGUE = GeneratorFixtures.catalogue();

  @ParameterizedTest(name = "seed {0}, {1} locations, {2} months, fault rate {3}")
  @CsvSource({"1, 14, 24, 0.5", "2, 14, 3, 0.5", "3, 14, 13, 1.0", "4, 20, 12, 0.2", "5, 14, 36, 0.3", "6, 9, 1, 0.9", "7, 14, 18, 0.0",
      "8, 25, 12, 0.15", "9, 14, 24, 0.7", "10, 14, 7, 0.4"})
  void truthMatchesAnIndependentChecker(long seed, int n, int months, double rate) {
    List<GeneratedLocation> locations = GeneratorFixtures.locations(n);
    Map<String, byte[]> files = GeneratorFixtures.generate(locations, months, seed, rate).files();
    IndependentChecker checker = new IndependentChecker(files, locations, CATALOGUE, months, GeneratorFixtures.AS_OF);
    Map<String, String> truth = new TreeMap<>();
    GeneratorFixtures.csv(files.get("truth.csv")).forEach(t ->
        truth.put(t.get("location_id") + "|" + t.get("return_type") + "|" + t.get("period_start"), t.get("fault_class")));
    checker.missing.forEach(k -> assertThat(truth.get(k)).as(k).isEqualTo("missing_submission"));
    truth.forEach((key, cls) -> {
      if (!cls.equals("missing_submission")) {
        assertThat(checker.findings.get(key)).as(key + " " + checker.reasons.get(key)).containsExactly(cls);
      }
    });
    checker.findings.forEach((key, classes) -> assertThat(truth).as(key + " " + checker.reasons.get(key)).containsKey(key));
    if (rate == 0.0) {
      assertThat(truth).isEmpty();
    }
  }
}
