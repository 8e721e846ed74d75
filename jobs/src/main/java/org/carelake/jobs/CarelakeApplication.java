package org.carelake.jobs;

import org.carelake.jobs.cli.CommandLineRunnerAdapter;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.gson.GsonAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The {@code carelake} command line and service. Commands that serve (serve, demo) start the web server and stay up;
 * every other command runs without one and exits with the command's code.
 */
@SpringBootApplication(exclude = GsonAutoConfiguration.class)
@ConfigurationPropertiesScan
public class CarelakeApplication {

  public static void main(String[] args) {
    SpringApplication app = new SpringApplication(CarelakeApplication.class);
    app.setWebApplicationType(servesWeb(args) ? WebApplicationType.SERVLET : WebApplicationType.NONE);
    ConfigurableApplicationContext ctx = app.run(args);
    CommandLineRunnerAdapter runner = ctx.getBean(CommandLineRunnerAdapter.class);
    if (runner.exitCode() != 0 || !runner.keepRunning()) {
      int code = SpringApplication.exit(ctx, runner::exitCode);
      System.exit(code);
    }
  }

  static boolean servesWeb(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h") || a.equals("--no-serve")) {
        return false;
      }
    }
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--home")) {
        i++;
      } else if (!args[i].startsWith("-")) {
        return args[i].equals("serve") || args[i].equals("demo");
      }
    }
    return false;
  }
}
