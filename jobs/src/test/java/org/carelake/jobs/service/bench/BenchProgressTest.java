package org.carelake.jobs.service.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchProgressTest {

  @TempDir
  Path tmp;

  private static NationalBenchmark.Step step(String name, double seconds) {
    return new NationalBenchmark.Step(name, seconds, "plain Spark", 2.5, "1.20×", "≥ 0.75×", true, new PeakMemory.Peak(3_000_000L, -1L), "detail");
  }

  @Test
  void aResumedRunHasThePhasesStepsAndFiguresOfTheStoppedOne() {
    Path file = tmp.resolve("home/bench-ledger.json");
    BenchProgress run = BenchProgress.start(file, tmp.resolve("data"));
    assertThat(file).doesNotExist();
    run.finish(new BenchProgress.Phase("ingest-returns", "abc1234", 12.5, "2026-11-24T03:00:00Z", List.of(step("1. ingest returns", 3.0)), Map.of(),
        List.of("a note")));
    run.finish(new BenchProgress.Phase("full-build", "def5678", 40.0, "2026-11-25T03:00:00Z", List.of(), Map.of("full_build_s", 39.5), List.of()));

    BenchProgress resumed = BenchProgress.resume(file, tmp.resolve("data")).orElseThrow();
    assertThat(resumed.phases()).extracting(BenchProgress.Phase::name).containsExactly("ingest-returns", "full-build");
    assertThat(resumed.done("ingest-returns")).get().satisfies(p -> {
      assertThat(p.commit()).isEqualTo("abc1234");
      assertThat(p.steps()).containsExactly(step("1. ingest returns", 3.0));
      assertThat(p.notes()).containsExactly("a note");
    });
    assertThat(resumed.figure("full-build", "full_build_s")).isEqualTo(39.5);
    assertThat(resumed.done("refresh")).isEmpty();
    assertThatThrownBy(() -> resumed.figure("refresh", "x")).hasMessageContaining("no x from phase refresh");
    assertThatThrownBy(() -> resumed.finish(new BenchProgress.Phase("full-build", "x", 1, "t", List.of(), Map.of(), List.of())))
        .hasMessageContaining("already recorded");
  }

  @Test
  void nothingToResumeWithoutALedgerAndAnotherDataSetIsRefused() throws Exception {
    Path file = tmp.resolve("bench-ledger.json");
    assertThat(BenchProgress.resume(file, tmp.resolve("data"))).isEmpty();
    BenchProgress.start(file, tmp.resolve("data")).finish(new BenchProgress.Phase("ingest-returns", "abc", 1, "t", List.of(), Map.of(), List.of()));
    assertThatThrownBy(() -> BenchProgress.resume(file, tmp.resolve("other"))).hasMessageContaining("that run was over " + tmp.resolve("data"));
    Files.writeString(file, "{ half a ledger");
    assertThatThrownBy(() -> BenchProgress.resume(file, tmp.resolve("data"))).hasMessageContaining("not a bench ledger");
  }
}
