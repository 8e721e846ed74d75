package org.carelake.jobs.cli;

import java.util.concurrent.Callable;
import org.carelake.jobs.service.SqlEndpoint;
import org.springframework.core.env.Environment;
import picocli.CommandLine.Command;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the SQL endpoint (Spark Thrift Server, HiveServer2 protocol; default 127.0.0.1:10000) and the",
        "service (health on /actuator/health; default 127.0.0.1:8088). Ports: CARELAKE_SQL_PORT, CARELAKE_HTTP_PORT."})
public class ServeCommand implements Callable<Integer>, CommandLineRunnerAdapter.KeepsRunning {

  private final SqlEndpoint endpoint;
  private final Environment env;

  public ServeCommand(SqlEndpoint endpoint, Environment env) {
    this.endpoint = endpoint;
    this.env = env;
  }

  @Override
  public Integer call() {
    String url = endpoint.start();
    printConnect(url, env);
    return 0;
  }

  static void printConnect(String jdbcUrl, Environment env) {
    String http = "http://" + env.getProperty("server.address", "127.0.0.1") + ":" + env.getProperty("local.server.port", env.getProperty("server.port", "8088"));
    System.out.println();
    System.out.println("SQL endpoint (HiveServer2 / JDBC): " + jdbcUrl.replace("/default", "/marts"));
    System.out.println("  e.g. beeline -u " + jdbcUrl.replace("/default", "/marts") + " -e 'SELECT * FROM mart_ratings_benchmark LIMIT 5'");
    System.out.println("  Hive JDBC driver org.apache.hive.jdbc.HiveDriver; no user or password on loopback");
    System.out.println("REST API: " + http + "/api/v1/tables (OpenAPI: " + http + "/v3/api-docs, browse: " + http + "/swagger-ui.html)");
    System.out.println("Provider portal: " + http + "/portal   (users: ./carelake users add NAME --role council|provider [--provider-id ID])");
    System.out.println("Health: " + http + "/actuator/health");
    System.out.println("Stop with Ctrl-C.");
    System.out.flush();
  }

  @Override
  public boolean keepsRunning() {
    return true;
  }
}
