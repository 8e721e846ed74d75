package org.carelake.jobs.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.carelake.jobs.config.SqlEndpointProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * Superset, deployed alongside: runs the project's {@code dashboards/bin/dashboards} script (install into a venv
 * under the data home, write its config, import the bundle, start it on 127.0.0.1) against this service's SQL
 * endpoint, and stops it when the service stops. The script is found through CARELAKE_ROOT, which the launcher sets.
 */
@Service
public class Dashboards {

  private static final Logger LOG = LoggerFactory.getLogger(Dashboards.class);

  private final Lakehouse lakehouse;
  private final SqlEndpointProperties sql;
  private volatile boolean started;

  public Dashboards(Lakehouse lakehouse, SqlEndpointProperties sql) {
    this.lakehouse = lakehouse;
    this.sql = sql;
  }

  public Optional<Path> script() {
    String root = System.getenv("CARELAKE_ROOT");
    if (root == null || root.isBlank()) {
      return Optional.empty();
    }
    Path s = Path.of(root, "dashboards", "bin", "dashboards");
    return Files.isExecutable(s) ? Optional.of(s) : Optional.empty();
  }

  /** Installs (first time), imports and starts Superset; its progress goes to this process's output. */
  public int up() {
    Optional<Path> s = script();
    if (s.isEmpty()) {
      System.err.println("dashboards: dashboards/bin/dashboards not found (run through the ./carelake launcher, which sets CARELAKE_ROOT)");
      return 2;
    }
    int code = run(s.get(), "up");
    if (code == 0) {
      started = true;
      Runtime.getRuntime().addShutdownHook(new Thread(this::down, "dashboards-down"));
    }
    return code;
  }

  public void down() {
    if (started) {
      script().ifPresent(s -> run(s, "down"));
      started = false;
    }
  }

  private int run(Path script, String command) {
    ProcessBuilder pb = new ProcessBuilder(script.toString(), command).inheritIO();
    pb.environment().put("CARELAKE_HOME", lakehouse.home().toString());
    pb.environment().put("CARELAKE_SQL_PORT", Integer.toString(sql.getPort()));
    try {
      return pb.start().waitFor();
    } catch (IOException e) {
      LOG.warn("dashboards {} could not run: {}", command, e.getMessage());
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }
}
