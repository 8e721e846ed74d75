package org.carelake.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service as its users reach it, over HTTP on a real server: a small Oldham warehouse (the real CQC API sample and
 * three generated months of council data), three users, then the authorisation matrix (every endpoint for the own
 * provider, another provider, a council user and nobody), upload hardening, time travel and the run history.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServingIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COUNCIL = "council";
  private static final String OWN = "own provider";
  private static final String OTHER = "other provider";
  private static final String ANONYMOUS = "anonymous";
  private static final List<String> ACTORS = List.of(OWN, OTHER, COUNCIL, ANONYMOUS);

  @TempDir
  static Path tmp;
  private CliRunner cli;
  private Process server;
  private String base;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
  private final Map<String, String> passwords = new LinkedHashMap<>();
  private String ownProvider;
  private String otherProvider;
  private Path ownReturn;
  private Path otherReturn;
  private String firstRunSnapshotQuery;
  private int sqlPort;
  private int httpPort;
  private List<String> personRefs;
  private JsonNode firstAnswer;

  @BeforeAll
  void buildAWarehouseAndServeIt() throws Exception {
    cli = new CliRunner(tmp.resolve("home"), tmp);
    ok(cli.run("ingest", "cqc", CliRunner.repoRoot().resolve("seeds/samples/cqc/api_oldham_2025").toString()));
    ok(cli.run("build")); // the generator reads the registered locations
    Path council = tmp.resolve("council");
    ok(cli.run("generate", "--la", "Oldham", "--months", "3", "--seed", "5", "--out", council.toString()));
    ok(cli.run("ingest", "contracts", council.resolve("contracts.csv").toString()));
    // a council keeps its key beside the warehouse; the secrets test below looks for it everywhere the service writes
    byte[] keyBytes = new byte[32];
    new java.security.SecureRandom().nextBytes(keyBytes);
    Files.writeString(tmp.resolve("home/pseudonymisation.key"), java.util.HexFormat.of().formatHex(keyBytes) + "\n");
    ok(cli.run("ingest", "safeguarding", council.resolve("safeguarding.csv").toString()));
    personRefs = personRefs(council.resolve("safeguarding.csv"));
    // hold back the last month's returns: they are uploaded through the portal below
    List<Path> returns;
    try (Stream<Path> s = Files.walk(council.resolve("returns"))) {
      returns = s.filter(p -> p.toString().endsWith(".csv")).sorted().toList();
    }
    String lastMonth = returns.get(returns.size() - 1).getParent().getFileName().toString();
    Path landed = tmp.resolve("landed-returns");
    for (Path r : returns) {
      if (!r.getParent().getFileName().toString().equals(lastMonth)) {
        Files.createDirectories(landed);
        Files.copy(r, landed.resolve(r.getFileName()));
      }
    }
    ok(cli.run("ingest", "returns", landed.toString()));
    List<Path> held = returns.stream().filter(r -> r.getParent().getFileName().toString().equals(lastMonth)).toList();
    ownReturn = held.get(0);
    ownProvider = providerOf(ownReturn);
    otherReturn = held.stream().filter(r -> !providerOf(r).equals(ownProvider)).findFirst().orElseThrow();
    otherProvider = providerOf(otherReturn);
    CliRunner.Result build = cli.run("build");
    ok(build);
    assertThat(build.stdout()).doesNotContain("CONTRACT BROKEN");

    addUser(COUNCIL, "council-officer", "council", null);
    addUser(OWN, "own-provider-user", "provider", ownProvider);
    addUser(OTHER, "other-provider-user", "provider", otherProvider);
    CliRunner.Result list = cli.run("users", "list");
    assertThat(list.stdout()).contains("own-provider-user").doesNotContain(passwords.get(OWN));
    assertThat(Files.readString(tmp.resolve("home/portal-users.json"))).doesNotContain(passwords.get(OWN)).contains("$2a$");

    sqlPort = CliRunner.freePort();
    httpPort = CliRunner.freePort();
    server = cli.builder(Map.of("CARELAKE_SQL_PORT", Integer.toString(sqlPort), "CARELAKE_HTTP_PORT", Integer.toString(httpPort)), "serve")
        .redirectOutput(tmp.resolve("serve.out").toFile()).redirectError(tmp.resolve("serve.err").toFile()).start();
    CliRunner.waitForPort(server, httpPort, 240, tmp.resolve("serve.err"));
    base = "http://127.0.0.1:" + httpPort;
    waitFor200("/actuator/health", 120);
  }

  @AfterAll
  void stop() {
    if (server != null) {
      server.descendants().forEach(ProcessHandle::destroy);
      server.destroy();
    }
  }

  @Test
  @Order(1)
  void authorisationMatrix() throws Exception {
    // an upload by the own provider first, so that there is an upload id to ask for
    HttpResponse<String> mine = upload(OWN, ownReturn, null);
    assertThat(mine.statusCode()).as(mine.body()).isEqualTo(201);
    String uploadId = JSON.readTree(mine.body()).path("uploadId").asText();
    String runId = JSON.readTree(get(COUNCIL, "/api/v1/runs").body()).get(0).path("runId").asText();

    record Cell(String method, String path, Map<String, Integer> expected) {}
    List<Cell> cells = List.of(
        new Cell("GET", "/api/v1/tables", expect(403, 403, 200, 401)),
        new Cell("GET", "/api/v1/tables/mart_kpi_compliance?size=5", expect(403, 403, 200, 401)),
        new Cell("GET", "/api/v1/tables/submission_finding?provider_id=" + ownProvider, expect(403, 403, 200, 401)),
        new Cell("GET", "/api/v1/tables/mart_ratings_benchmark/snapshots", expect(403, 403, 200, 401)),
        new Cell("GET", "/api/v1/runs", expect(403, 403, 200, 401)),
        new Cell("GET", "/api/v1/runs/" + runId, expect(403, 403, 200, 401)),
        new Cell("GET", "/api/v1/portal/uploads", expect(200, 200, 200, 401)),
        new Cell("GET", "/api/v1/portal/uploads/" + uploadId, expect(200, 404, 200, 401)),
        new Cell("GET", "/api/v1/portal/submissions", expect(200, 200, 200, 401)),
        new Cell("GET", "/api/v1/portal/submissions?provider_id=" + ownProvider, expect(200, 404, 200, 401)),
        new Cell("GET", "/api/v1/portal/findings", expect(200, 200, 200, 401)),
        new Cell("GET", "/api/v1/portal/findings?provider_id=" + ownProvider, expect(200, 404, 200, 401)),
        new Cell("GET", "/portal", expect(200, 200, 200, 302)),
        new Cell("GET", "/actuator/health", expect(200, 200, 200, 200)),
        new Cell("GET", "/actuator/env", expect(403, 403, 404, 302)),
        new Cell("GET", "/v3/api-docs", expect(200, 200, 200, 200)));
    List<String> wrong = new ArrayList<>();
    StringBuilder matrix = new StringBuilder(String.format("%-62s %14s %14s %14s %14s%n", "endpoint", OWN, OTHER, COUNCIL, ANONYMOUS));
    for (Cell c : cells) {
      matrix.append(String.format("%-62s", c.method() + " " + c.path().replace(uploadId, "{own upload}").replace(runId, "{run}")));
      for (String actor : ACTORS) {
        // the API takes HTTP Basic; the portal's pages a browser session from the sign-in form
        HttpResponse<String> r = c.path().startsWith("/api/") ? get(actor, c.path()) : browserGet(actor, c.path());
        matrix.append(String.format(" %14d", r.statusCode()));
        if (r.statusCode() != c.expected().get(actor)) {
          wrong.add(c.path() + " as " + actor + ": " + r.statusCode() + " expected " + c.expected().get(actor) + " " + r.body());
        }
        if (r.statusCode() == 200 && c.path().startsWith("/api/v1/portal/") && !actor.equals(COUNCIL)) {
          assertScopedTo(actor.equals(OWN) ? ownProvider : otherProvider, r.body(), c.path());
        }
      }
      matrix.append('\n');
    }
    // the upload endpoint: each actor sends the own provider's return
    matrix.append(String.format("%-62s", "POST /api/v1/portal/returns (own provider's return)"));
    Map<String, Integer> uploadExpected = expect(200, 403, 200, 401); // own: already landed above; council: same bytes
    for (String actor : ACTORS) {
      HttpResponse<String> r = upload(actor, ownReturn, null);
      matrix.append(String.format(" %14d", r.statusCode()));
      if (r.statusCode() != uploadExpected.get(actor)) {
        wrong.add("upload as " + actor + ": " + r.statusCode() + " expected " + uploadExpected.get(actor) + " " + r.body());
      }
    }
    matrix.append('\n');
    System.out.println(matrix);
    assertThat(wrong).as(matrix.toString()).isEmpty();

    // the other provider's own return lands; a forged provider id in the form is refused and nothing lands
    HttpResponse<String> forged = upload(OTHER, otherReturn, ownProvider);
    assertThat(forged.statusCode()).as(forged.body()).isEqualTo(403);
    HttpResponse<String> theirs = upload(OTHER, otherReturn, null);
    assertThat(theirs.statusCode()).as(theirs.body()).isEqualTo(201);

    List<Map<String, Object>> audit = auditLog();
    assertThat(audit).filteredOn(e -> "UPLOAD_REFUSED".equals(e.get("event")) && Boolean.TRUE.equals(e.get("forbidden"))).hasSizeGreaterThanOrEqualTo(2);
    assertThat(audit).filteredOn(e -> "UPLOAD_ACCEPTED".equals(e.get("event"))).hasSizeGreaterThanOrEqualTo(3);
    assertThat(audit).filteredOn(e -> "ACCESS_DENIED".equals(e.get("event")) && "other-provider-user".equals(e.get("user")))
        .hasSizeGreaterThanOrEqualTo(6 + 3);
    assertThat(audit).filteredOn(e -> "AUTHENTICATION_REQUIRED".equals(e.get("event"))).isNotEmpty();
    assertThat(audit.toString()).doesNotContain(passwords.get(OWN));
  }

  @Test
  @Order(2)
  void uploadsAreJudgedByContentAndRefusedWithAReason() throws Exception {
    byte[] png = new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
    Path fakeCsv = tmp.resolve("looks-like.csv");
    Files.write(fakeCsv, png);
    HttpResponse<String> r = upload(OWN, fakeCsv, null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("refusal").asText()).contains("neither an .xlsx workbook nor UTF-8 text");

    Path zip = tmp.resolve("return.xlsx");
    try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new java.util.zip.ZipEntry("hello.txt"));
      out.write("not a workbook".getBytes(StandardCharsets.UTF_8));
    }
    r = upload(OWN, zip, null);
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(r.body()).path("refusal").asText()).contains("not an Excel workbook");

    // a CSV named .xlsx is read as the CSV it is; a client path in the name is dropped
    Path named = tmp.resolve("renamed.xlsx");
    // the own return again with a comment added: new bytes, so a new version of the same return
    Files.writeString(named, Files.readString(ownReturn).replaceFirst("(?m)^(.*),$", "$1,resent"));
    HttpResponse<String> csv = upload(OWN, named, null, "../../etc/renamed.xlsx");
    assertThat(csv.statusCode()).as(csv.body()).isIn(200, 201);
    JsonNode body = JSON.readTree(csv.body());
    assertThat(body.path("contentType").asText()).isEqualTo("csv");
    assertThat(body.path("fileName").asText()).isEqualTo("renamed.xlsx");
    try (Stream<Path> s = Files.list(tmp.resolve("home/uploads"))) {
      assertThat(s.map(p -> p.getFileName().toString()).toList()).allMatch(n -> n.matches("[0-9a-f-]{36}\\.(csv|xlsx)"));
    }

    Path big = tmp.resolve("big.csv");
    Files.write(big, new byte[6 * 1024 * 1024]);
    r = upload(OWN, big, null);
    assertThat(r.statusCode()).isEqualTo(413);
  }

  @Test
  @Order(3)
  void anAnswerNamesItsSnapshotAndAsOfReproducesIt() throws Exception {
    String path = "/api/v1/tables/mart_submission_quality?provider_id=" + ownProvider + "&sort=period_start,desc&size=50";
    String checks = "/api/v1/tables/dataset_check_result?size=1";
    JsonNode checksBefore = JSON.readTree(get(COUNCIL, checks).body());
    HttpResponse<String> before = get(COUNCIL, path);
    assertThat(before.statusCode()).as(before.body()).isEqualTo(200);
    firstAnswer = JSON.readTree(before.body());
    long snapshot = firstAnswer.path("snapshotId").asLong();
    assertThat(before.headers().firstValue("X-Carelake-Snapshot-Id")).hasValue(Long.toString(snapshot));
    Thread.sleep(1100);
    String between = java.time.Instant.now().toString();

    // the portal uploads above landed new returns: a rebuild changes the answer
    ok(cli.run("build"));
    JsonNode after = JSON.readTree(get(COUNCIL, path).body());
    assertThat(after.path("snapshotId").asLong()).isNotEqualTo(snapshot);
    // the dataset checks table grows with every build: now, and as it was
    JsonNode checksAfter = JSON.readTree(get(COUNCIL, checks).body());
    assertThat(checksAfter.path("totalRows").asLong()).isGreaterThan(checksBefore.path("totalRows").asLong());
    JsonNode checksThen = JSON.readTree(get(COUNCIL, checks + "&asOf=" + checksBefore.path("snapshotId").asLong()).body());
    assertThat(checksThen.path("totalRows").asLong()).isEqualTo(checksBefore.path("totalRows").asLong());
    assertThat(checksThen.path("rows")).isEqualTo(checksBefore.path("rows"));

    for (String asOf : List.of(Long.toString(snapshot), between)) {
      JsonNode again = JSON.readTree(get(COUNCIL, path + "&asOf=" + asOf).body());
      assertThat(again.path("snapshotId").asLong()).as("asOf=" + asOf).isEqualTo(snapshot);
      assertThat(again.path("rows")).as("asOf=" + asOf).isEqualTo(firstAnswer.path("rows"));
      assertThat(again.path("totalRows")).isEqualTo(firstAnswer.path("totalRows"));
    }
    HttpResponse<String> unknown = get(COUNCIL, path + "&asOf=123456789");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(get(COUNCIL, path + "&asOf=last-tuesday").statusCode()).isEqualTo(400);
    assertThat(get(COUNCIL, "/api/v1/tables/mart_kpi_compliance?no_such_column=1").statusCode()).isEqualTo(400);
    assertThat(get(COUNCIL, "/api/v1/tables/mart_kpi_compliance?period_start=yesterday").statusCode()).isEqualTo(400);

    // run history: the second build is the newest, and names the snapshot the API just served
    JsonNode runs = JSON.readTree(get(COUNCIL, "/api/v1/runs").body());
    assertThat(runs.size()).isEqualTo(3);
    JsonNode latest = JSON.readTree(get(COUNCIL, "/api/v1/runs/" + runs.get(0).path("runId").asText()).body());
    JsonNode written = null;
    for (JsonNode t : latest.path("tables")) {
      if (t.path("table").asText().equals("marts.mart_submission_quality")) {
        written = t;
      }
    }
    assertThat(written).isNotNull();
    assertThat(written.path("snapshotId").asLong()).isEqualTo(after.path("snapshotId").asLong());
    assertThat(written.path("rowsWritten").asLong()).isPositive();
    assertThat(written.path("inputs").toString()).contains("core.fct_submission");
    assertThat(latest.path("run").path("durationMs").asLong()).isPositive();
  }

  @Test
  @Order(4)
  void theOpenApiDescriptionDocumentsEveryEndpoint() throws Exception {
    JsonNode api = JSON.readTree(get(ANONYMOUS, "/v3/api-docs").body());
    assertThat(api.path("paths").fieldNames()).toIterable().contains("/api/v1/tables", "/api/v1/tables/{table}", "/api/v1/tables/{table}/snapshots",
        "/api/v1/runs", "/api/v1/runs/{runId}", "/api/v1/portal/returns", "/api/v1/portal/uploads", "/api/v1/portal/uploads/{uploadId}",
        "/api/v1/portal/submissions", "/api/v1/portal/findings", "/api/v1/dq-report/providers/{providerId}")
        .noneMatch(p -> p.startsWith("/portal") || p.startsWith("/login"));
    assertThat(api.path("paths").path("/api/v1/tables/{table}").path("get").path("parameters").toString()).contains("asOf").contains("sort");
  }

  @Test
  @Order(4)
  void csvExportsDoNotRunAsFormulas() throws Exception {
    HttpResponse<String> r = get(COUNCIL, "/api/v1/tables/mart_kpi_compliance?size=3&format=csv");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
    assertThat(r.body().lines().findFirst().orElse("")).startsWith("contract_id,provider_id");
    assertThat(r.body().lines().skip(1)).isNotEmpty().noneMatch(l -> l.startsWith("=") || l.contains(",=") || l.contains(",@"));
  }

  @Test
  @Order(5)
  void theSignInFormNeedsItsCsrfTokenAndTheRightPassword() throws Exception {
    HttpClient browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    String form = "username=" + passwords.get(OWN + ".username") + "&password=" + passwords.get(OWN);
    HttpResponse<String> noToken = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(noToken.statusCode()).isEqualTo(403);
    HttpResponse<String> wrong = signIn(browser, passwords.get(OWN + ".username"), "not-the-password");
    assertThat(wrong.headers().firstValue("Location").orElse("")).endsWith("/login?error");
    assertThat(auditLog()).filteredOn(e -> "LOGIN_FAILED".equals(e.get("event"))).isNotEmpty();
    HttpResponse<String> page = browserGet(OWN, "/portal");
    assertThat(page.body()).contains("Monitoring returns").contains(ownProvider).contains("_csrf");
  }

  // --- helpers

  private final Map<String, HttpClient> browsers = new LinkedHashMap<>();

  /** A GET from a browser signed in through the form as that actor (anonymous: never signed in). */
  private HttpResponse<String> browserGet(String actor, String path) throws IOException, InterruptedException {
    HttpClient browser = browsers.get(actor);
    if (browser == null) {
      browser = HttpClient.newBuilder().cookieHandler(new java.net.CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
      if (!actor.equals(ANONYMOUS)) {
        HttpResponse<String> r = signIn(browser, passwords.get(actor + ".username"), passwords.get(actor));
        assertThat(r.headers().firstValue("Location").orElse("")).as("sign-in as " + actor).endsWith("/portal");
      }
      browsers.put(actor, browser);
    }
    return browser.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> signIn(HttpClient browser, String user, String password) throws IOException, InterruptedException {
    String login = browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(login);
    assertThat(m.find()).as(login).isTrue();
    String form = "username=" + java.net.URLEncoder.encode(user, StandardCharsets.UTF_8) + "&password="
        + java.net.URLEncoder.encode(password, StandardCharsets.UTF_8) + "&_csrf=" + java.net.URLEncoder.encode(m.group(1), StandardCharsets.UTF_8);
    return browser.send(HttpRequest.newBuilder(URI.create(base + "/login")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, Integer> expect(int own, int other, int council, int anonymous) {
    return Map.of(OWN, own, OTHER, other, COUNCIL, council, ANONYMOUS, anonymous);
  }

  /**
   * Tenancy and secrets (issue 8, property 8): the service and the SQL endpoint listen on loopback only; no password,
   * key or person reference is in the server's logs, the audit log, or any table the SQL endpoint serves.
   */
  @Test
  @Order(100)
  void secretsStayOutOfLogsAndTablesAndTheServiceListensOnLoopbackOnly() throws Exception {
    assertThat(listeningAddresses(httpPort)).as("HTTP port %d", httpPort).isNotEmpty().allMatch(ServingIT::isLoopback);
    assertThat(listeningAddresses(sqlPort)).as("SQL port %d", sqlPort).isNotEmpty().allMatch(ServingIT::isLoopback);

    Map<String, String> secrets = new LinkedHashMap<>();
    secrets.put("pseudonymisation key", Files.readString(tmp.resolve("home/pseudonymisation.key")).strip());
    for (String actor : List.of(OWN, OTHER, COUNCIL)) {
      secrets.put("password of " + actor, passwords.get(actor));
    }
    assertThat(personRefs).as("person references in the safeguarding log").hasSizeGreaterThan(5);
    for (int i = 0; i < personRefs.size(); i++) {
      secrets.put("person reference " + i, personRefs.get(i));
    }
    for (String log : List.of("serve.out", "serve.err", "home/audit/audit.log")) {
      String text = Files.readString(tmp.resolve(log));
      secrets.forEach((what, value) -> assertThat(text).as("%s in %s", what, log).doesNotContain(value));
    }

    int tables = 0;
    try (Connection c = DriverManager.getConnection("jdbc:hive2://127.0.0.1:" + sqlPort + "/marts", "", "");
        Statement st = c.createStatement()) {
      List<String> names = new ArrayList<>();
      List<String> namespaces = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SHOW NAMESPACES")) {
        while (rs.next()) {
          namespaces.add(rs.getString(1));
        }
      }
      for (String ns : namespaces) {
        try (ResultSet rs = st.executeQuery("SHOW TABLES IN " + ns)) {
          while (rs.next()) {
            names.add(ns + "." + rs.getString("tableName"));
          }
        }
      }
      assertThat(names).contains("raw.safeguarding_concern", "marts.mart_safeguarding_trends", "ops.portal_upload");
      for (String table : names) {
        StringBuilder where = new StringBuilder();
        for (String value : secrets.values()) {
          where.append(where.length() == 0 ? "" : " OR ").append("instr(j, '").append(value.replace("'", "''")).append("') > 0");
        }
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM (SELECT to_json(struct(*)) AS j FROM " + table + ") WHERE " + where)) {
          rs.next();
          assertThat(rs.getLong(1)).as("rows of %s holding a password, the key or a person reference", table).isZero();
        }
        tables++;
      }
    }
    assertThat(tables).isGreaterThan(30);
  }

  /** Local addresses listening on a TCP port, from the kernel's socket tables (Linux). */
  private static List<String> listeningAddresses(int port) throws IOException {
    List<String> out = new ArrayList<>();
    for (String file : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path p = Path.of(file);
      if (!Files.exists(p)) {
        continue;
      }
      for (String line : Files.readAllLines(p).subList(1, Files.readAllLines(p).size())) {
        String[] f = line.trim().split("\\s+");
        String[] local = f[1].split(":");
        if (f[3].equals("0A") && Integer.parseInt(local[1], 16) == port) {
          out.add(local[0]);
        }
      }
    }
    return out;
  }

  /** 127.0.0.1 (or any 127/8) in /proc/net/tcp's little-endian hex, or ::1 / ::ffff:127.x in tcp6's. */
  private static boolean isLoopback(String hex) {
    if (hex.length() == 8) {
      return hex.endsWith("7F");
    }
    return hex.equals("00000000000000000000000001000000") || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F"));
  }

  private static List<String> personRefs(Path safeguardingCsv) throws IOException {
    List<String> lines = Files.readAllLines(safeguardingCsv);
    List<String> header = List.of(lines.get(0).split(","));
    int col = header.indexOf("person_ref");
    assertThat(col).as("person_ref column in %s", header).isNotNegative();
    return lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)[col]).filter(v -> !v.isBlank()).distinct().limit(200).toList();
  }

  private void assertScopedTo(String provider, String body, String path) throws IOException {
    JsonNode json = JSON.readTree(body);
    List<JsonNode> rows = new ArrayList<>();
    if (json.has("rows")) {
      json.path("rows").forEach(rows::add);
    } else {
      rows.add(json);
    }
    for (JsonNode row : rows) {
      assertThat(row.path("provider_id").asText()).as(path + " " + row).isEqualTo(provider);
    }
  }

  private void addUser(String actor, String username, String role, String provider) throws Exception {
    String password = "pw-" + java.util.UUID.randomUUID();
    passwords.put(actor, password);
    passwords.put(actor + ".username", username);
    List<String> args = new ArrayList<>(List.of("users", "add", username, "--role", role, "--password-stdin"));
    if (provider != null) {
      args.addAll(List.of("--provider-id", provider));
    }
    Process p = cli.builder(Map.of(), args.toArray(String[]::new)).redirectErrorStream(true).start();
    p.getOutputStream().write((password + "\n").getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    assertThat(out).contains("user " + username).doesNotContain(password);
  }

  private HttpRequest.Builder request(String actor, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120));
    if (!actor.equals(ANONYMOUS)) {
      String user = passwords.get(actor + ".username");
      b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + passwords.get(actor)).getBytes(StandardCharsets.UTF_8)));
    }
    return b;
  }

  private HttpResponse<String> get(String actor, String path) throws IOException, InterruptedException {
    return http.send(request(actor, path).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> upload(String actor, Path file, String providerId) throws IOException, InterruptedException {
    return upload(actor, file, providerId, file.getFileName().toString());
  }

  private HttpResponse<String> upload(String actor, Path file, String providerId, String clientName) throws IOException, InterruptedException {
    String boundary = "carelake-" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + clientName
        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(file));
    body.write("\r\n".getBytes(StandardCharsets.UTF_8));
    if (providerId != null) {
      body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"provider_id\"\r\n\r\n" + providerId + "\r\n").getBytes(StandardCharsets.UTF_8));
    }
    body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return http.send(request(actor, "/api/v1/portal/returns").header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build(), HttpResponse.BodyHandlers.ofString());
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> auditLog() throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("home/audit/audit.log"))) {
      out.add(JSON.readValue(line, Map.class));
    }
    return out;
  }

  private static String providerOf(Path returnCsv) {
    try {
      return Files.readAllLines(returnCsv).get(1).split(",")[0];
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void ok(CliRunner.Result r) {
    assertThat(r.exitCode()).as(r.stdout() + r.stderr()).isZero();
  }



  private void waitFor200(String path, int seconds) throws Exception {
    long deadline = System.currentTimeMillis() + seconds * 1000L;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (get(ANONYMOUS, path).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException(path + " never answered 200");
  }
}
