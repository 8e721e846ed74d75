package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The skeleton end to end, through the packaged jar as a user runs it: ingest a folder of saved CQC API responses the
 * product has not seen, build, and check the benchmark against an independent computation from the same documents;
 * then the SQL endpoint over the Hive JDBC driver, re-ingestion, and a file in no known layout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CarelakeCliIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> KEY_QUESTIONS = List.of("Overall", "Safe", "Effective", "Caring", "Responsive", "Well-led");

  @TempDir
  static Path tmp;
  private CliRunner cli;
  private Path folder;
  private Process server;

  @BeforeAll
  void ingestAndBuild() throws Exception {
    folder = tmp.resolve("saved-api-responses");
    copyTree(CliRunner.repoRoot().resolve("seeds/samples/cqc/api_oldham_2025"), folder);
    cli = new CliRunner(tmp.resolve("home"), tmp);
    CliRunner.Result ingest = cli.run("ingest", "cqc", folder.toString());
    assertThat(ingest.exitCode()).as(ingest.stderr()).isZero();
    assertThat(ingest.stdout()).contains("rows read 451 = landed 451 + quarantined 0");
    CliRunner.Result build = cli.run("build");
    assertThat(build.exitCode()).as(build.stdout() + build.stderr()).isZero();
    assertThat(build.stdout()).contains("marts.mart_ratings_benchmark").doesNotContain("CONTRACT BROKEN");
  }

  @AfterAll
  void stopServer() {
    if (server != null) {
      server.descendants().forEach(ProcessHandle::destroy);
      server.destroy();
    }
  }

  @Test
  void landsEveryDocumentWithTheExpectedRegistrations() throws Exception {
    List<CSVRecord> rows = sql("SELECT (SELECT count(*) FROM raw.cqc_api_location) AS documents, "
        + "(SELECT count(*) FROM raw.cqc_api_location WHERE registration_status = 'Registered') AS registered, "
        + "(SELECT count(*) FROM staging.stg_cqc_location WHERE is_registered AND is_adult_social_care) AS registered_asc, "
        + "(SELECT count(*) FROM raw.quarantine) AS quarantined");
    assertThat(rows.get(0).toMap()).containsEntry("documents", "451").containsEntry("registered", "216")
        .containsEntry("registered_asc", "106").containsEntry("quarantined", "0");
  }

  @Test
  void benchmarkEqualsAnIndependentComputationFromTheDocuments() throws Exception {
    Map<String, long[]> expected = independentCounts(folder.resolve("location_details"));
    List<CSVRecord> mart = sql("SELECT geography_level, geography_name, service_type, key_question, locations_in_scope, "
        + "rated_locations, outstanding, good, requires_improvement, inadequate, pct_good_or_outstanding "
        + "FROM marts.mart_ratings_benchmark ORDER BY 1, 2, 3, 4");
    Map<String, List<String>> actual = new TreeMap<>();
    for (CSVRecord r : mart) {
      actual.put(r.get("geography_level") + "|" + r.get("service_type") + "|" + r.get("key_question"),
          List.of(r.get("geography_name"), r.get("locations_in_scope"), r.get("rated_locations"), r.get("outstanding"),
              r.get("good"), r.get("requires_improvement"), r.get("inadequate"), r.get("pct_good_or_outstanding")));
    }
    Map<String, List<String>> want = new TreeMap<>();
    String[][] levels = {{"local_authority", "Oldham"}, {"region", "North West"}, {"england", "England"}};
    for (String[] level : levels) {
      expected.forEach((k, c) -> {
        long rated = c[1] + c[2] + c[3] + c[4];
        String pct = rated == 0 ? "" : BigDecimal.valueOf(100 * (c[1] + c[2])).divide(BigDecimal.valueOf(rated), 2, RoundingMode.HALF_UP).toPlainString();
        want.put(level[0] + "|" + k, List.of(level[1], Long.toString(c[0]), Long.toString(rated), Long.toString(c[1]),
            Long.toString(c[2]), Long.toString(c[3]), Long.toString(c[4]), pct));
      });
    }
    assertThat(actual).isEqualTo(want);
    assertThat(want.get("local_authority|all|Overall").get(1)).isEqualTo("97");
  }

  @Test
  void sqlEndpointServesTheSameRowsOverJdbc() throws Exception {
    String query = "SELECT geography_level, geography_code, service_type, key_question, rated_locations, pct_good_or_outstanding "
        + "FROM marts.mart_ratings_benchmark ORDER BY geography_level, geography_code, service_type, key_question";
    List<CSVRecord> viaCli = sql(query);
    int sqlPort = CliRunner.freePort();
    int httpPort = CliRunner.freePort();
    server = cli.builder(Map.of("CARELAKE_SQL_PORT", Integer.toString(sqlPort), "CARELAKE_HTTP_PORT", Integer.toString(httpPort)), "serve")
        .redirectOutput(tmp.resolve("serve.out").toFile()).redirectError(tmp.resolve("serve.err").toFile()).start();
    CliRunner.waitForPort(server, sqlPort, 180, tmp.resolve("serve.err"));
    List<List<String>> viaJdbc = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + sqlPort + "/marts", "", "");
         Statement st = c.createStatement()) {
      try (ResultSet rs = st.executeQuery(query)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            Object v = rs.getObject(i);
            row.add(v == null ? "" : v instanceof BigDecimal d ? d.toPlainString() : v.toString());
          }
          viaJdbc.add(row);
        }
      }
      // the database in the URL resolves in the Iceberg catalog, so unqualified mart names work too
      try (ResultSet rs = st.executeQuery("SELECT count(*) FROM mart_ratings_benchmark")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(viaCli.size());
      }
    }
    List<List<String>> cliRows = viaCli.stream().map(CSVRecord::toList).toList();
    assertThat(viaJdbc).isNotEmpty().isEqualTo(cliRows);
    String health = new String(java.net.URI.create("http://127.0.0.1:" + httpPort + "/actuator/health").toURL().openStream().readAllBytes());
    assertThat(health).contains("\"status\":\"UP\"").contains("sqlEndpoint");
  }

  @Test
  void reingestingTheSameFolderChangesNoRowCounts() throws Exception {
    String counts = "SELECT (SELECT count(*) FROM raw.cqc_api_location) a, (SELECT count(*) FROM raw.quarantine) q, "
        + "(SELECT count(*) FROM raw.ingest_manifest) m";
    List<CSVRecord> before = sql(counts);
    CliRunner.Result again = cli.run("ingest", "cqc", folder.toString());
    assertThat(again.exitCode()).as(again.stderr()).isZero();
    assertThat(again.stdout()).contains("0 source(s) new, 452 already landed").contains("rows read 0");
    assertThat(sql(counts).get(0).toList()).isEqualTo(before.get(0).toList());
  }

  @Test
  void aFileInNoKnownLayoutIsRefusedWithTheLayoutsExpected() throws Exception {
    Path odd = tmp.resolve("visits-not-cqc.csv");
    Files.writeString(odd, "visit_id,location_id\nV1,1-123\n");
    CliRunner.Result r = cli.run("ingest", "cqc", odd.toString());
    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.stderr()).contains("is in no known CQC layout").contains("locations.json").contains("Latest ratings")
        .contains("adult social care locations export");
  }

  @Test
  void maintainReportsEveryTableItWasGivenAndRefusesAnUnknownOne() throws Exception {
    CliRunner.Result r = cli.run("maintain", "--table", "raw.cqc_api_location", "--table", "marts.mart_ratings_benchmark", "--dry-run");
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("nothing is changed").contains("raw.cqc_api_location").contains("marts.mart_ratings_benchmark")
        .contains("2 tables");
    CliRunner.Result unknown = cli.run("maintain", "--table", "marts.no_such_mart");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.stderr()).contains("no table marts.no_such_mart");
  }

  /**
   * The benchmark command end to end on a tiny national data set (its figures are not asserted: benchmarks are a
   * command, not timed tests); every step must run, DuckDB must run every model and agree with Spark table by table.
   */
  @Test
  void benchRunsEveryStepOnATinyNationalDataSet() throws Exception {
    CliRunner bench = new CliRunner(tmp.resolve("bench-home"), tmp);
    Path record = tmp.resolve("bench.md");
    // the dashboards' queries come from the bundle, found through CARELAKE_ROOT as the launcher sets it
    CliRunner.Result r = bench.run(java.util.Map.of("CARELAKE_ROOT", CliRunner.repoRoot().toAbsolutePath().toString()), "bench", "--quick", "--services", "160", "--months", "2", "--repeats", "1",
        "--sql-port", Integer.toString(CliRunner.freePort()), "--record", record.toString());
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    String md = Files.readString(record);
    assertThat(md).contains("| 1. ingest returns |", "| 2. full rebuild (models) |", "| 3. refresh after one new month |",
        "| 4. dashboard queries (JDBC, p50 / p95) |", "- commit: ", "- machine: ",
        "### Quick run, ", "- command: `./carelake bench --quick --services 160 --months 2 --repeats 1`");
    assertThat(md).contains("DuckDB ran 35 of 35", "35 of 35 tables DuckDB built identical to Spark's").doesNotContain("failed", "broke a contract");
    assertThat(md).containsPattern("\\| 1\\. ingest returns \\| [0-9.]+ s \\| plain Spark CSV → Parquet \\(zstd\\): [0-9.]+ s \\| [0-9.]+× \\|");

    // a run stopped during its refresh: the ledger lacks that phase, and --resume runs it alone, keeping the rest
    Path ledger = tmp.resolve("bench-home/bench/home-quick/bench-ledger.json");
    com.fasterxml.jackson.databind.node.ObjectNode l = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(ledger.toFile());
    com.fasterxml.jackson.databind.node.ArrayNode phases = (com.fasterxml.jackson.databind.node.ArrayNode) l.get("phases");
    assertThat(phases.get(phases.size() - 1).get("name").asText()).isEqualTo("refresh");
    phases.remove(phases.size() - 1);
    JSON.writeValue(ledger.toFile(), l);
    CliRunner.Result resumed = bench.run(java.util.Map.of("CARELAKE_ROOT", CliRunner.repoRoot().toAbsolutePath().toString()), "bench", "--quick",
        "--resume", "--repeats", "1", "--sql-port", Integer.toString(CliRunner.freePort()), "--record", record.toString());
    assertThat(resumed.exitCode()).as(resumed.stderr()).isZero();
    assertThat(resumed.stdout()).contains("carrying on the run", "ingest-returns: kept from", "new-month: kept from",
        "refresh the marts after the new month").doesNotContain("reference: plain Spark reads", "full build of every model");
    String second = Files.readString(record).substring(md.length());
    assertThat(second).contains("--resume`", "| 1. ingest returns |", "DuckDB ran 35 of 35", "| 3. refresh after one new month |");
  }

  @Test
  void sqlPrintsOnlyCsvOnStdout() throws Exception {
    CliRunner.Result r = cli.run("sql", "SELECT 1 AS one, 'a,b' AS two, CAST(NULL AS STRING) AS three");
    assertThat(r.exitCode()).isZero();
    assertThat(r.stdout()).isEqualTo("one,two,three\n1,\"a,b\",\n");
  }

  private List<CSVRecord> sql(String query) throws Exception {
    CliRunner.Result r = cli.run("sql", query);
    assertThat(r.exitCode()).as(r.stderr()).isZero();
    return CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(new StringReader(r.stdout())).getRecords();
  }

  /** Counts per "service_type|key_question": {in scope, outstanding, good, requires improvement, inadequate}. */
  static Map<String, long[]> independentCounts(Path details) throws IOException {
    Map<String, long[]> counts = new TreeMap<>();
    for (String st : List.of("all", "care_home", "community")) {
      for (String kq : KEY_QUESTIONS) {
        counts.put(st + "|" + kq, new long[5]);
      }
    }
    try (Stream<Path> files = Files.list(details)) {
      for (Path f : files.toList()) {
        JsonNode d = JSON.readTree(f.toFile());
        boolean registered = "Registered".equals(d.path("registrationStatus").asText());
        String directorate = d.path("inspectionDirectorate").asText(null);
        boolean asc = directorate != null ? directorate.equals("Adult social care") : "Social Care Org".equals(d.path("type").asText());
        boolean dormant = "Y".equals(d.path("dormancy").asText());
        if (!registered || !asc || dormant) {
          continue;
        }
        String type = "Y".equals(d.path("careHome").asText()) ? "care_home" : "community";
        Map<String, String> ratings = new TreeMap<>();
        JsonNode overall = d.path("currentRatings").path("overall");
        ratings.put("Overall", overall.path("rating").asText(""));
        for (JsonNode kq : overall.path("keyQuestionRatings")) {
          ratings.put(kq.path("name").asText(), kq.path("rating").asText(""));
        }
        for (String st : List.of("all", type)) {
          for (String kq : KEY_QUESTIONS) {
            long[] c = counts.get(st + "|" + kq);
            c[0]++;
            switch (ratings.getOrDefault(kq, "").toLowerCase()) {
              case "outstanding" -> c[1]++;
              case "good" -> c[2]++;
              case "requires improvement" -> c[3]++;
              case "inadequate" -> c[4]++;
              default -> { }
            }
          }
        }
      }
    }
    return counts;
  }



  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}
