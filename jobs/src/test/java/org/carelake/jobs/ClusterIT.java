package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same shaded jar on a real Spark standalone cluster: a master and a worker started from the jar's classes as
 * separate processes, the CLI as driver with {@code CARELAKE_SPARK_MASTER=spark://...}; the real CQC sample and three
 * generated months of Oldham council data landed and built on the cluster and, in another home, locally; every mart
 * must hold the same rows in both, and the cluster's executors must have run the work.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  /** Both homes hash the safeguarding log's person references under the same key, so their marts can be compared. */
  private static final Map<String, String> KEY = Map.of("CARELAKE_PSEUDONYMISATION_KEY", "cluster-it-key-0123456789abcdef");

  @TempDir
  static Path tmp;

  private final List<Process> started = new ArrayList<>();
  private Path workDir;
  private String masterUrl;
  private int masterUiPort;
  private CliRunner local;
  private CliRunner cluster;
  private Map<String, String> clusterEnv;

  @BeforeAll
  void startTheCluster() throws Exception {
    // the worker builds each executor's class path from SPARK_HOME/jars: a home whose jars/ holds the carelake jar
    Path sparkHome = tmp.resolve("spark-home");
    Files.createDirectories(sparkHome.resolve("jars"));
    Path jarLink = sparkHome.resolve("jars/carelake.jar");
    try {
      Files.createSymbolicLink(jarLink, CliRunner.jar().toAbsolutePath());
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(CliRunner.jar(), jarLink);
    }
    // as in a Spark distribution's conf/: executors log their tasks (the jar's own configuration keeps them quiet)
    Files.createDirectories(sparkHome.resolve("conf"));
    Files.writeString(sparkHome.resolve("conf/log4j2.properties"), String.join("\n",
        "rootLogger.level = warn", "rootLogger.appenderRef.stderr.ref = console",
        "appender.console.type = Console", "appender.console.name = console", "appender.console.target = SYSTEM_ERR",
        "appender.console.layout.type = PatternLayout", "appender.console.layout.pattern = %d %p %c{1}: %m%n",
        "logger.executor.name = org.apache.spark.executor.Executor", "logger.executor.level = info", ""));
    workDir = tmp.resolve("worker");
    Files.createDirectories(workDir);
    int masterPort = CliRunner.freePort();
    masterUiPort = CliRunner.freePort();
    masterUrl = "spark://127.0.0.1:" + masterPort;

    Process master = daemon(sparkHome, "master", "org.apache.spark.deploy.master.Master",
        "--host", "127.0.0.1", "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUiPort));
    CliRunner.waitForPort(master, masterUiPort, 120, tmp.resolve("master.err"));
    Process worker = daemon(sparkHome, "worker", "org.apache.spark.deploy.worker.Worker", masterUrl,
        "--host", "127.0.0.1", "--cores", "2", "--memory", "3g", "--work-dir", workDir.toString(),
        "--webui-port", Integer.toString(CliRunner.freePort()));
    long deadline = System.currentTimeMillis() + 120_000;
    while (masterState().path("aliveworkers").asInt(0) < 1) {
      assertThat(worker.isAlive()).as(() -> "worker exited: " + read(tmp.resolve("worker.err"))).isTrue();
      assertThat(System.currentTimeMillis()).as(() -> "no worker registered: " + read(tmp.resolve("worker.err"))).isLessThan(deadline);
      Thread.sleep(500);
    }

    local = new CliRunner(tmp.resolve("home-local"), tmp);
    cluster = new CliRunner(tmp.resolve("home-cluster"), tmp);
    clusterEnv = new HashMap<>(KEY);
    clusterEnv.put("CARELAKE_SPARK_MASTER", masterUrl);
  }

  @AfterAll
  void stopTheCluster() throws InterruptedException {
    for (int i = started.size() - 1; i >= 0; i--) {
      Process p = started.get(i);
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  @Test
  void theMartsBuiltOnTheClusterAreTheMartsBuiltLocally() throws Exception {
    Path samples = CliRunner.repoRoot().resolve("seeds/samples/cqc/api_oldham_2025").toAbsolutePath();
    Path council = tmp.resolve("council");
    // locally: the CQC sample, a build (the generator reads the registered locations), three months of council data
    ok(local.run(KEY, "ingest", "cqc", samples.toString()));
    ok(local.run(KEY, "build"));
    ok(local.run(KEY, "generate", "--la", "Oldham", "--months", "3", "--seed", "11", "--out", council.toString()));
    landCouncilData(local, KEY, council);
    ok(local.run(KEY, "build"));

    // on the cluster: the returns (the stream that grows) and the build. Each cluster command is an application that
    // starts its own executor (about 30 s), so the small sources land in the same home in local mode
    ok(cluster.run(KEY, "ingest", "cqc", samples.toString()));
    for (String[] source : new String[][] {{"contracts", "contracts.csv"}, {"visits", "visits.csv"}, {"safeguarding", "safeguarding.csv"},
        {"contract-actions", "contract_actions.csv"}}) {
      ok(cluster.run(KEY, "ingest", source[0], council.resolve(source[1]).toString()));
    }
    CliRunner.Result returns = cluster.run(clusterEnv, "ingest", "returns", council.resolve("returns").toString());
    ok(returns);
    assertThat(returns.stdout()).contains("quarantined 0");
    CliRunner.Result build = cluster.run(clusterEnv, "build");
    ok(build);
    assertThat(build.stdout()).contains("marts.mart_kpi_compliance").doesNotContain("CONTRACT BROKEN");

    List<String> marts = records(local.run(KEY, "sql", "SHOW TABLES IN marts")).stream().map(r -> r.get("tableName")).sorted().toList();
    assertThat(marts).contains("mart_ratings_benchmark", "mart_kpi_compliance", "mart_provider_risk", "mart_safeguarding_trends");
    String[] queries = marts.stream().map(t -> "SELECT * FROM marts." + t).toArray(String[]::new);
    Path localOut = tmp.resolve("marts-local");
    Path clusterOut = tmp.resolve("marts-cluster");
    ok(local.run(KEY, withOutput(localOut, queries)));
    ok(cluster.run(clusterEnv, withOutput(clusterOut, queries)));
    int nonEmpty = 0;
    for (int i = 0; i < marts.size(); i++) {
      List<String> expected = sortedRows(localOut.resolve((i + 1) + ".csv"));
      List<String> actual = sortedRows(clusterOut.resolve((i + 1) + ".csv"));
      assertThat(actual).as("marts." + marts.get(i) + " on the cluster vs locally").isEqualTo(expected);
      nonEmpty += expected.size() > 1 ? 1 : 0;
    }
    assertThat(nonEmpty).as("marts with rows").isGreaterThanOrEqualTo(marts.size() - 1);

    // the cluster did the work: every driver run is a completed application on the master, its executors logged on the worker
    JsonNode state = masterState();
    assertThat(state.path("completedapps").size()).as(state.toString()).isEqualTo(3);
    assertThat(state.path("activeapps").size()).isZero();
    try (Stream<Path> logs = Files.walk(workDir)) {
      List<Path> stderr = logs.filter(p -> p.getFileName().toString().equals("stderr")).toList();
      assertThat(stderr).hasSizeGreaterThanOrEqualTo(3);
      assertThat(stderr.stream().filter(p -> read(p).contains("Finished task")).count()).as("executors that ran tasks").isGreaterThanOrEqualTo(3);
      // each executor fetched the application's jar the driver shipped (spark.jars)
      assertThat(stderr.stream().filter(p -> Files.exists(p.resolveSibling("carelake.jar"))).count()).isGreaterThanOrEqualTo(3);
    }
  }

  private void landCouncilData(CliRunner cli, Map<String, String> env, Path council) throws Exception {
    ok(cli.run(env, "ingest", "contracts", council.resolve("contracts.csv").toString()));
    ok(cli.run(env, "ingest", "returns", council.resolve("returns").toString()));
    ok(cli.run(env, "ingest", "visits", council.resolve("visits.csv").toString()));
    ok(cli.run(env, "ingest", "safeguarding", council.resolve("safeguarding.csv").toString()));
    ok(cli.run(env, "ingest", "contract-actions", council.resolve("contract_actions.csv").toString()));
  }

  /** A Spark daemon from the jar's own classes, as a user starts one: java FLAGS -cp carelake.jar CLASS ARGS. */
  private Process daemon(Path sparkHome, String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.addAll(CliRunner.JVM_FLAGS);
    cmd.add("-cp");
    cmd.add(CliRunner.jar().toAbsolutePath().toString());
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(tmp.toFile())
        .redirectOutput(tmp.resolve(name + ".out").toFile()).redirectError(tmp.resolve(name + ".err").toFile());
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().put("SPARK_SCALA_VERSION", "2.12");
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private JsonNode masterState() throws InterruptedException {
    try {
      HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.createObjectNode();
    }
  }

  private static String[] withOutput(Path dir, String[] queries) {
    List<String> args = new ArrayList<>(List.of("sql", "-o", dir.toString()));
    args.addAll(List.of(queries));
    return args.toArray(String[]::new);
  }

  /** The header, then every row as its cells joined, sorted: a table's contents whatever order it was written in. */
  private static List<String> sortedRows(Path csv) throws IOException {
    List<CSVRecord> rows = CSVFormat.DEFAULT.parse(new StringReader(Files.readString(csv))).getRecords();
    List<String> out = new ArrayList<>();
    out.add(String.join("|", rows.get(0).toList()));
    rows.stream().skip(1).map(r -> String.join("|", r.toList())).sorted(Comparator.naturalOrder()).forEach(out::add);
    return out;
  }

  private static List<CSVRecord> records(CliRunner.Result r) throws IOException {
    ok(r);
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(r.stdout())).getRecords();
  }

  private static void ok(CliRunner.Result r) {
    assertThat(r.exitCode()).as(() -> r.stdout() + r.stderr()).isZero();
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }
}
