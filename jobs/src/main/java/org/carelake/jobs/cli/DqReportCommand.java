package org.carelake.jobs.cli;

import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.carelake.jobs.service.dqreport.DqReportService;
import org.carelake.jobs.service.dqreport.PeriodRange;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dq-report", mixinStandardHelpOptions = true,
    description = {"The data-quality report on provider returns: for each service and period every finding (the measure, the",
        "value, the rule in plain words, the evidence), late and missing returns, and timeliness and accuracy against their",
        "95% targets, as self-contained HTML and the same findings as CSV (safe to open in Excel).",
        "--provider ID writes provider-<ID>.html and .csv; --all writes index.html (providers worst first, CQC names",
        "matching no council), findings.csv, cqc-geography.csv and the two files for every provider."},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:report written", "1:unexpected failure (e.g. the warehouse is not built)", "2:unknown provider or bad --period"})
public class DqReportCommand implements Callable<Integer> {

  private final DqReportService reports;

  public DqReportCommand(DqReportService reports) {
    this.reports = reports;
  }

  static class Scope {
    @Option(names = "--provider", required = true, paramLabel = "ID", description = "one provider (CQC provider id, e.g. 1-101634620)")
    String providerId;

    @Option(names = "--all", required = true, description = "the council overview and a report for every provider")
    boolean all;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Scope scope;

  @Option(names = "--period", paramLabel = "YYYY-MM[..YYYY-MM]",
      description = "only returns whose period overlaps these months (default: every period to the reporting date)")
  String period;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "DIR", description = "folder to write into (created if missing)")
  Path output;

  @Override
  public Integer call() throws Exception {
    Optional<PeriodRange> range = period == null ? Optional.empty() : Optional.of(PeriodRange.parse(period));
    DqReportService.Outcome o = scope.all ? reports.all(range, output) : reports.provider(scope.providerId, range, output);
    System.out.printf("dq-report: %d provider(s), %d finding(s), %d file(s), %.1f KiB in %s (%.1fs)%n", o.providers(), o.findings(),
        o.files().size(), o.bytes() / 1024.0, o.dir(), o.took().toMillis() / 1000.0);
    System.out.println("  open " + o.dir().resolve(scope.all ? DqReportService.INDEX : o.files().get(0).getFileName().toString()));
    return 0;
  }
}
