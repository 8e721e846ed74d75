package org.carelake.jobs.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.transforms.evaluation.FindingEvaluation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dq-eval", mixinStandardHelpOptions = true,
    description = {"Judge the data-quality rules against a truth file (the generator's truth.csv): recall per fault class and",
        "the false-positive rate (received submissions with no injected fault that have an error finding). Run after build."})
public class DqEvalCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;

  public DqEvalCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Option(names = "--truth", required = true, paramLabel = "FILE", description = "truth.csv written by 'carelake generate'")
  Path truth;

  @Option(names = "--recall-goal", defaultValue = "95", paramLabel = "PCT", description = "recall goal per class (default ${DEFAULT-VALUE})")
  double recallGoal;

  @Option(names = "--fp-goal", defaultValue = "2", paramLabel = "PCT", description = "false-positive goal (default ${DEFAULT-VALUE})")
  double fpGoal;

  @Option(names = "--show-missed", paramLabel = "N", defaultValue = "10", description = "list up to N missed faults (default ${DEFAULT-VALUE})")
  int showMissed;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(truth)) {
      throw new UnreadableSourceException(truth + ": no such truth file");
    }
    FindingEvaluation.Result r = new FindingEvaluation(lakehouse.spark()).evaluate(truth.toAbsolutePath().toString());
    System.out.printf(Locale.ROOT, "%-24s %9s %7s %9s  %s%n", "fault_class", "injected", "found", "recall_%", "goal");
    for (FindingEvaluation.ClassRecall c : r.recall()) {
      System.out.printf(Locale.ROOT, "%-24s %9d %7d %9.1f  %s%n", c.faultClass(), c.injected(), c.found(), c.recallPct(),
          c.recallPct() >= recallGoal ? "met" : "NOT MET (>= " + recallGoal + ")");
    }
    System.out.printf(Locale.ROOT, "%-24s %9d %7d %9.2f  %s%n", "false_positive_%", r.cleanReceived(), r.cleanWithError(),
        r.falsePositivePct(), r.falsePositivePct() <= fpGoal ? "met" : "NOT MET (<= " + fpGoal + ")");
    if (!r.falsePositiveRules().isEmpty()) {
      System.out.println("error findings on clean submissions by rule: " + String.join(", ", r.falsePositiveRules()));
    }
    List<FindingEvaluation.Miss> misses = r.misses();
    if (!misses.isEmpty() && showMissed > 0) {
      System.out.println("missed (" + misses.size() + "):");
      misses.stream().limit(showMissed).forEach(m -> System.out.println("  " + m.faultClass() + "  " + m.locationId() + " "
          + m.returnType() + " " + m.periodStart() + "  " + m.detail()));
    }
    System.out.println(r.meets(recallGoal, fpGoal) ? "all goals met" : "goals not met");
    return 0;
  }
}
