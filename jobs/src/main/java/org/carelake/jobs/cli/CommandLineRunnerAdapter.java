package org.carelake.jobs.cli;

import org.springframework.boot.CommandLineRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.stereotype.Component;
import picocli.CommandLine;

/** Runs the picocli command tree with Spring-made command objects once the context is up. */
@Component
public class CommandLineRunnerAdapter implements CommandLineRunner {

  private final ApplicationContext context;
  private int exitCode;
  private boolean keepRunning;

  public CommandLineRunnerAdapter(ApplicationContext context) {
    this.context = context;
  }

  @Override
  public void run(String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        if (cls.getPackageName().startsWith("org.carelake")) {
          return context.getAutowireCapableBeanFactory().createBean(cls);
        }
        return CommandLine.defaultFactory().create(cls);
      }
    };
    CommandLine cmd = new CommandLine(CarelakeCommand.class, factory);
    cmd.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
      commandLine.getErr().println("error: " + ex.getMessage());
      if (System.getenv("CARELAKE_DEBUG") != null) {
        ex.printStackTrace(commandLine.getErr());
      }
      return ex instanceof org.carelake.ingestion.UnreadableSourceException || ex instanceof IllegalArgumentException ? 2 : 1;
    });
    // Spring Boot has already bound --carelake.x=y style settings; they are not picocli options
    String[] commandArgs = java.util.Arrays.stream(args)
        .filter(a -> !(a.startsWith("--") && a.contains("=") && a.substring(2, a.indexOf('=')).contains(".")))
        .toArray(String[]::new);
    exitCode = cmd.execute(commandArgs);
    Object last = cmd.getParseResult() == null ? null : lastCommand(cmd.getParseResult());
    keepRunning = exitCode == 0 && last instanceof KeepsRunning k && k.keepsRunning();
  }

  private static Object lastCommand(CommandLine.ParseResult pr) {
    CommandLine.ParseResult p = pr;
    while (p.hasSubcommand()) {
      p = p.subcommand();
    }
    return p.commandSpec().userObject();
  }

  public int exitCode() {
    return exitCode;
  }

  public boolean keepRunning() {
    return keepRunning;
  }

  /** A command that leaves a service running after it returns. */
  public interface KeepsRunning {
    boolean keepsRunning();
  }
}
