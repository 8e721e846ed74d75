package org.carelake.transforms;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which models a build may leave alone, worked out from the last published build's record alone (no Spark). */
class UnchangedModelsTest {

  private static final LocalDate DAY = LocalDate.of(2026, 11, 23);
  private final Models models = Models.load();

  /** A record of the last build in which every model read every input at snapshot 1 and wrote snapshot 10. */
  private Map<String, UnchangedModels.Recorded> lastBuild() {
    Map<String, UnchangedModels.Recorded> out = new LinkedHashMap<>();
    for (Model m : models.all()) {
      Map<String, Long> inputs = new HashMap<>();
      m.inputs().forEach(i -> inputs.put(i, 1L));
      out.put(m.table(), new UnchangedModels.Recorded(10L, inputs, m.fingerprint()));
    }
    return out;
  }

  private Set<String> unchanged(Map<String, UnchangedModels.Recorded> last, Map<String, Long> sources, LocalDate today) {
    return UnchangedModels.find(models, last, DAY, today, t -> sources.getOrDefault(t, 1L), t -> 10L);
  }

  @Test
  void withNothingNewEveryModelIsLeftAloneUntilTheDateChanges() {
    assertThat(unchanged(lastBuild(), Map.of(), DAY)).hasSize(models.all().size());
    // dim_as_of falls back to today's date when no return has arrived: the next day it and what reads it are rebuilt
    Set<String> nextDay = unchanged(lastBuild(), Map.of(), DAY.plusDays(1));
    assertThat(nextDay).doesNotContain("core.dim_as_of", "core.dim_contract", "marts.mart_kpi_compliance")
        .contains("core.dim_geography", "staging.stg_cqc_rating", "marts.mart_ratings_benchmark");
  }

  @Test
  void aNewLoadRebuildsWhatReadsItDirectlyOrThroughOtherModels() {
    Set<String> afterReturns = unchanged(lastBuild(), Map.of("raw.return_measure", 2L), DAY);
    assertThat(afterReturns).doesNotContain("staging.stg_return_measure", "core.fct_return_measure", "dq.submission_finding",
        "marts.mart_provider_risk", "core.dim_as_of");
    assertThat(afterReturns).contains("staging.stg_cqc_rating", "core.fct_rating_snapshot", "marts.mart_ratings_benchmark",
        "core.dim_geography", "staging.stg_visit");
    Set<String> afterSeeds = unchanged(lastBuild(), Map.of("ref.published_benchmark", 2L), DAY);
    assertThat(models.all().size() - afterSeeds.size()).as("only the benchmark mart reads the published benchmark").isEqualTo(1);
    assertThat(afterSeeds).doesNotContain("marts.mart_ratings_benchmark");
  }

  @Test
  void aChangedModelAMovedTableOrNoRecordMeansARebuild() {
    Map<String, UnchangedModels.Recorded> last = lastBuild();
    UnchangedModels.Recorded geo = last.get("core.dim_geography");
    last.put("core.dim_geography", new UnchangedModels.Recorded(geo.snapshotId(), geo.inputSnapshots(), "an older query"));
    assertThat(unchanged(last, Map.of(), DAY)).doesNotContain("core.dim_geography", "core.dim_location", "marts.mart_ratings_benchmark")
        .contains("staging.stg_return_measure");

    Set<String> rolledBack = UnchangedModels.find(models, lastBuild(), DAY, DAY, t -> 1L, t -> t.equals("staging.stg_visit") ? 9L : 10L);
    assertThat(rolledBack).doesNotContain("staging.stg_visit", "marts.mart_visit_schedule").contains("staging.stg_contract");

    assertThat(UnchangedModels.find(models, Map.of(), null, DAY, t -> 1L, t -> 10L)).isEmpty();
  }
}
