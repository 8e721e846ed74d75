package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user sees: `demo` on an empty home loads the three real samples, builds, and prints the benchmark. */
class DemoIT {

  @TempDir
  Path tmp;

  @Test
  void demoLoadsTheRealSamplesAndPrintsTheHeadlineBenchmark() throws Exception {
    CliRunner cli = new CliRunner(tmp.resolve("home"), tmp);
    CliRunner.Result r = cli.run("demo", "--no-serve");
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
    assertThat(r.stdout())
        .contains("rows read 451 = landed 451 + quarantined 0")
        .contains("rows read 2800 = landed 2800 + quarantined 0")
        .contains("rows read 999 = landed 999 + quarantined 0")
        .doesNotContain("CONTRACT BROKEN")
        .contains("Ratings benchmark, Overall, snapshot 2025-09-22")
        .containsPattern("Oldham\\s+local_authority\\s+all\\s+97\\s+71\\s+84\\.51")
        .contains("Shropshire").contains("Telford and Wrekin").contains("West Midlands").contains("England")
        // a real mismatch in CQC's own data: listed as a finding, not dropped
        .contains("Bedford Borough");
    // stdout carries no log lines
    assertThat(r.stdout()).doesNotContain(" WARN ").doesNotContain(" INFO ");
  }
}
