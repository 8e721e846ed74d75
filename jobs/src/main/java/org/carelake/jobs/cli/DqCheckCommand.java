package org.carelake.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.jobs.service.SubmissionCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "dq-check", mixinStandardHelpOptions = true,
    description = {"Check one return file (CSV or the council's XLSX) against the gate and every data-quality rule without landing",
        "it, as the portal does on upload; prints the findings and how long the check took. Exit 1 when it has errors."})
public class DqCheckCommand implements Callable<Integer> {

  private final SubmissionCheck check;

  public DqCheckCommand(SubmissionCheck check) {
    this.check = check;
  }

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "one or more return files, checked one by one")
  List<Path> files;

  @Option(names = "--repeat", defaultValue = "1", paramLabel = "N",
      description = "check the files N times over and print the timings (the first check is cold, the rest warm, as in a running portal)")
  int repeat;

  @Override
  public Integer call() throws Exception {
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new UnreadableSourceException(file + ": no such file");
      }
    }
    Instant uploadedAt = Instant.now();
    List<Duration> took = new ArrayList<>();
    List<SubmissionCheck.Outcome> last = new ArrayList<>();
    for (int i = 0; i < Math.max(1, repeat); i++) {
      last.clear();
      for (Path file : files) {
        SubmissionCheck.Outcome o = check.check(file.getFileName().toString(), Files.readAllBytes(file), uploadedAt);
        took.add(o.took());
        last.add(o);
      }
    }
    for (SubmissionCheck.Outcome o : last) {
      System.out.printf(Locale.ROOT, "%s: %d lines read, %d accepted by the gate, %d refused, %d findings (%d ms)%n", o.file(), o.linesRead(),
          o.rowsAccepted(), o.refused().size(), o.findings().size(), o.took().toMillis());
      o.refused().forEach(r -> System.out.printf(Locale.ROOT, "  refused  row %s  %s: %s%n", r.lineage().row(), r.rule(), r.reason()));
      o.findings().forEach(f -> System.out.printf(Locale.ROOT, "  %-7s  %s %s %s  %s  %s%s  [%s]%n", f.severity(), f.returnType(),
          f.periodStart(), f.ruleCode(), f.description(), f.measureCode() == null ? "" : f.measureCode() + "=" + (f.value() == null ? "(blank)" : f.value()) + ": ",
          f.evidence(), f.ruleClass()));
    }
    List<Long> ms = took.stream().map(Duration::toMillis).toList();
    if (ms.size() > 1) {
      List<Long> warm = new ArrayList<>(ms.subList(1, ms.size()));
      Collections.sort(warm);
      System.out.printf(Locale.ROOT, "%d checks: first (cold) %d ms; warm median %d ms, p90 %d ms, max %d ms%n", ms.size(), ms.get(0),
          warm.get(warm.size() / 2), warm.get((int) Math.ceil(warm.size() * 0.9) - 1), warm.get(warm.size() - 1));
      if (ms.size() >= 10) {
        // the JIT keeps compiling Spark's planner for the first few checks: a long-running portal answers like the later ones
        List<Long> later = new ArrayList<>(ms.subList(ms.size() / 2, ms.size()));
        Collections.sort(later);
        System.out.printf(Locale.ROOT, "later half (%d checks, a warmed-up JVM): median %d ms, p90 %d ms, max %d ms%n", later.size(),
            later.get(later.size() / 2), later.get((int) Math.ceil(later.size() * 0.9) - 1), later.get(later.size() - 1));
      }
    }
    return last.stream().anyMatch(o -> o.errors() > 0) ? 1 : 0;
  }
}
