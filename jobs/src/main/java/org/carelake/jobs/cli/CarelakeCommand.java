package org.carelake.jobs.cli;

import java.nio.file.Path;
import org.carelake.jobs.service.Lakehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

@Command(name = "carelake", mixinStandardHelpOptions = true, version = "carelake 0.1.0",
    description = "Care-quality lakehouse: CQC ratings, provider returns and council intelligence in Apache Iceberg.",
    subcommands = {IngestCommand.class, BuildCommand.class, SqlCommand.class, ServeCommand.class, DemoCommand.class, TemplateCommand.class, GenerateCommand.class,
        DqCheckCommand.class, DqEvalCommand.class, DqSuggestCommand.class,
        DqReportCommand.class, UsersCommand.class, BenchCommand.class, MaintainCommand.class, RollbackCommand.class, EraseCommand.class},
    footer = {"", "Data home: --home DIR or CARELAKE_HOME (default ./lakehouse).",
        "'./carelake test' runs the test suite; it is handled by the launcher script."})
public class CarelakeCommand implements Runnable {

  private final Lakehouse lakehouse;

  public CarelakeCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Option(names = "--home", scope = ScopeType.INHERIT, paramLabel = "DIR",
      description = "data home (catalog and warehouse files); default CARELAKE_HOME or ./lakehouse")
  void home(Path home) {
    lakehouse.properties().setHome(home);
  }

  @Override
  public void run() {
    new picocli.CommandLine(this).usage(System.err);
  }
}
