package org.carelake.ingestion.cqc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.carelake.ingestion.IngestionTestSupport.count;
import static org.carelake.ingestion.IngestionTestSupport.rows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.IngestionTestSupport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.UnreadableSourceException;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The live-API reader against a local server that answers like the CQC API from the saved Oldham responses:
 * paged listing, detail documents, subscription key, a rate-limit answer and a listed location it does not have.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CqcApiClientTest {

  private static final String KEY = "test-subscription-key";
  private static final String API = "/public/v1";
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // the JDK server otherwise waits on delayed ACKs (~40 ms a request); read when the server classes first load
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private SparkSession spark;
  private Lander lander;
  private Path oldham;
  private List<String> ids;
  private String missingId;
  private String rateLimitedId;
  private FakeCqcApi api;

  @BeforeAll
  void setUp() throws IOException {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    lander = new Lander(spark);
    oldham = IngestionTestSupport.cqcSamples().resolve("api_oldham_2025");
    ids = new ArrayList<>();
    JSON.readTree(oldham.resolve("locations.json").toFile()).path("locations").forEach(l -> ids.add(l.path("locationId").asText()));
    assertThat(ids).hasSize(451);
    missingId = "1-1015412687";      // Ripponden Road Dental Practice, Deregistered
    rateLimitedId = "1-10415126755";
    assertThat(ids).contains(missingId, rateLimitedId);
  }

  @BeforeEach
  void startServer() throws IOException {
    api = new FakeCqcApi();
    api.start();
  }

  @AfterEach
  void stopServer() {
    api.stop();
  }

  private CqcIngestor ingestor(String key) {
    return new CqcIngestor(lander, new CqcApiSettings(key, 100, 3, Duration.ofSeconds(2)), IngestionTestSupport.fixedClock());
  }

  private String url() {
    return "http://127.0.0.1:" + api.port() + API + "?localAuthority=Oldham";
  }

  @Test
  void pagesThroughTheListingRetriesRateLimitsAndQuarantinesMissingDocuments() {
    IngestReport report = ingestor(KEY).ingest(url(), Optional.empty());

    assertThat(report.layout()).isEqualTo("cqc_api_live");
    assertThat(report.landed()).isEqualTo(450);
    assertThat(report.quarantined()).isEqualTo(1);
    assertThat(report.read()).isEqualTo(451);

    // the server: every request carried the key, five listing pages of 100 each carrying the filter
    assertThat(api.requestsWithoutKey.get()).isZero();
    assertThat(api.keysSeen).containsExactly(KEY);
    assertThat(api.listingQueries).hasSize(5).allSatisfy(q -> {
      assertThat(q).containsEntry("localAuthority", "Oldham").containsEntry("perPage", "100");
    });
    assertThat(api.listingQueries).extracting(q -> q.get("page")).containsExactly("1", "2", "3", "4", "5");
    // the 429 was retried once, the 404 was not retried, every other document was asked for once
    assertThat(api.detailRequests.get(rateLimitedId).get()).isEqualTo(2);
    assertThat(api.detailRequests.get(missingId).get()).isEqualTo(1);
    assertThat(api.detailRequests).hasSize(451);
    assertThat(api.detailRequests.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(452);

    // what landed: the 450 documents exactly as served
    Set<String> expectedShas = ids.stream().filter(id -> !id.equals(missingId))
        .map(id -> IngestionTestSupport.sha256(detailFile(id))).collect(Collectors.toSet());
    List<Row> landed = rows(spark, "SELECT location_id, _source_sha256, _source_file FROM raw.cqc_api_location"
        + " WHERE _batch_id = '" + report.batchId() + "'");
    assertThat(landed).hasSize(450);
    assertThat(landed).extracting(r -> r.getString(1)).containsExactlyInAnyOrderElementsOf(expectedShas);
    assertThat(landed).extracting(r -> r.getString(0)).contains(rateLimitedId).doesNotContain(missingId);
    assertThat(landed).allSatisfy(r -> assertThat(r.getString(2))
        .isEqualTo("http://127.0.0.1:" + api.port() + API + "/locations/" + r.getString(0)));
    assertThat(count(spark, "SELECT count(*) FROM raw.cqc_api_location WHERE registration_status = 'Registered'"
        + " AND _batch_id = '" + report.batchId() + "'")).isEqualTo(216);

    // what was quarantined: the one listed id the API does not have
    List<Row> q = rows(spark, "SELECT rule, document, reason, layout, _source_file FROM raw.quarantine WHERE _batch_id = '"
        + report.batchId() + "'");
    assertThat(q).hasSize(1);
    assertThat(q.get(0).getString(0)).isEqualTo("missing_document");
    assertThat(q.get(0).getString(1)).isEqualTo(missingId);
    assertThat(q.get(0).getString(2)).contains(missingId).contains("404");
    assertThat(q.get(0).getString(3)).isEqualTo("cqc_api_live");
    // quarantined against the listing that named it, as for a folder of saved responses
    assertThat(q.get(0).getString(4)).endsWith(API + "/locations?localAuthority=Oldham");
  }

  @Test
  void wrongKeyIsRefusedAndNothingLands() {
    Map<String, Long> before = IngestionTestSupport.rawRowCounts(spark);

    assertThatThrownBy(() -> ingestor("not-the-key").ingest(url(), Optional.empty()))
        .isInstanceOf(UnreadableSourceException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("localAuthority=Oldham");

    assertThat(api.requestsWithoutKey.get()).isEqualTo(1);
    assertThat(api.detailRequests).isEmpty();
    assertThat(IngestionTestSupport.rawRowCounts(spark)).isEqualTo(before);
  }

  private Path detailFile(String id) {
    return oldham.resolve("location_details/location_" + id + ".json");
  }

  /** Answers {@code /public/v1/locations} like the CQC API, from the saved Oldham responses. */
  private final class FakeCqcApi {

    final List<Map<String, String>> listingQueries = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> detailRequests = new ConcurrentHashMap<>();
    final Set<String> keysSeen = ConcurrentHashMap.newKeySet();
    final AtomicInteger requestsWithoutKey = new AtomicInteger();
    private HttpServer server;

    void start() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(API + "/locations", this::handle);
      server.start();
    }

    void stop() {
      server.stop(0);
    }

    int port() {
      return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
      try (ex) {
        String key = ex.getRequestHeaders().getFirst("Ocp-Apim-Subscription-Key");
        if (key != null) {
          keysSeen.add(key);
        }
        if (!KEY.equals(key)) {
          requestsWithoutKey.incrementAndGet();
          send(ex, 401, Map.of(), "{\"statusCode\": 401, \"message\": \"Access denied due to invalid subscription key.\"}");
          return;
        }
        String path = ex.getRequestURI().getPath();
        if (path.equals(API + "/locations")) {
          listing(ex);
        } else if (path.startsWith(API + "/locations/")) {
          detail(ex, URLDecoder.decode(path.substring((API + "/locations/").length()), StandardCharsets.UTF_8));
        } else {
          send(ex, 404, Map.of(), "{\"message\": \"Resource not found\"}");
        }
      }
    }

    private void listing(HttpExchange ex) throws IOException {
      Map<String, String> query = new HashMap<>();
      String raw = ex.getRequestURI().getRawQuery();
      if (raw != null) {
        for (String kv : raw.split("&")) {
          int eq = kv.indexOf('=');
          query.put(URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8),
              eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
      }
      listingQueries.add(query);
      int page = Integer.parseInt(query.getOrDefault("page", "1"));
      int perPage = Integer.parseInt(query.getOrDefault("perPage", "1000"));
      int totalPages = (ids.size() + perPage - 1) / perPage;
      String filter = query.containsKey("localAuthority") ? "&localAuthority=" + query.get("localAuthority") : "";
      ObjectNode body = JSON.createObjectNode();
      body.put("total", ids.size());
      body.put("firstPageUri", "/locations?page=1&perPage=" + perPage + filter);
      body.put("page", page);
      body.put("totalPages", totalPages);
      body.put("perPage", perPage);
      body.put("nextPageUri", page < totalPages ? "/locations?page=" + (page + 1) + "&perPage=" + perPage + filter : null);
      ArrayNode locations = body.putArray("locations");
      for (int i = (page - 1) * perPage; i < Math.min(ids.size(), page * perPage); i++) {
        locations.addObject().put("locationId", ids.get(i));
      }
      send(ex, 200, Map.of(), JSON.writeValueAsString(body));
    }

    private void detail(HttpExchange ex, String id) throws IOException {
      int n = detailRequests.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
      Path file = detailFile(id);
      if (id.equals(missingId) || !Files.isRegularFile(file)) {
        send(ex, 404, Map.of(), "{\"statusCode\": 404, \"message\": \"Resource not found\"}");
      } else if (id.equals(rateLimitedId) && n == 1) {
        send(ex, 429, Map.of("Retry-After", "1"), "{\"statusCode\": 429, \"message\": \"Rate limit is exceeded.\"}");
      } else {
        send(ex, 200, Map.of(), Files.readAllBytes(file));
      }
    }

    private void send(HttpExchange ex, int status, Map<String, String> headers, String body) throws IOException {
      send(ex, status, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private void send(HttpExchange ex, int status, Map<String, String> headers, byte[] body) throws IOException {
      ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
      headers.forEach(ex.getResponseHeaders()::set);
      ex.sendResponseHeaders(status, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    }
  }
}
