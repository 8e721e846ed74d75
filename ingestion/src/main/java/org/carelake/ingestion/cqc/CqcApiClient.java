package org.carelake.ingestion.cqc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;
import org.carelake.ingestion.SourceBytes;
import org.carelake.ingestion.UnreadableSourceException;

/**
 * Reads location documents from the live CQC API: pages through {@code /locations} with {@code page}/{@code perPage},
 * then fetches {@code /locations/{id}}; the subscription key goes in {@code Ocp-Apim-Subscription-Key}. A rate-limit
 * answer (429) is retried after its {@code Retry-After}; a document the API does not have is reported missing.
 */
public final class CqcApiClient {

  private static final Logger LOG = Logger.getLogger(CqcApiClient.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).followRedirects(HttpClient.Redirect.NORMAL).build();
  private final CqcApiSettings settings;

  public CqcApiClient(CqcApiSettings settings) {
    this.settings = settings;
  }

  /** {@code url} is the API base, optionally ending in {@code /locations}, with filters as its query string. */
  public ApiBatch fetch(String url) {
    URI uri = URI.create(url);
    String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
    base = base.replaceAll("/+$", "").replaceAll("/locations$", "");
    Map<String, String> filters = new LinkedHashMap<>();
    if (uri.getRawQuery() != null) {
      for (String kv : uri.getRawQuery().split("&")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          filters.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
      }
    }
    filters.remove("page");
    filters.remove("perPage");
    Set<String> ids = new LinkedHashSet<>();
    int page = 1;
    int totalPages = 1;
    do {
      StringBuilder q = new StringBuilder(base).append("/locations?page=").append(page).append("&perPage=").append(settings.perPage());
      filters.forEach((k, v) -> q.append('&').append(k).append('=').append(v));
      HttpResponse<byte[]> resp = get(q.toString());
      if (resp.statusCode() != 200) {
        throw new UnreadableSourceException(q + ": the CQC API answered " + resp.statusCode() + " to the locations listing");
      }
      JsonNode root;
      try {
        root = JSON.readTree(resp.body());
      } catch (IOException e) {
        throw new UnreadableSourceException(q + ": listing is not JSON", e);
      }
      for (JsonNode loc : root.path("locations")) {
        String id = loc.path("locationId").asText("");
        if (!id.isBlank()) {
          ids.add(id);
        }
      }
      totalPages = root.path("totalPages").asInt(1);
      page++;
    } while (page <= totalPages);

    List<SourceBytes> docs = new ArrayList<>();
    List<ApiBatch.Missing> missing = new ArrayList<>();
    for (String id : ids) {
      String docUrl = base + "/locations/" + URLEncoder.encode(id, StandardCharsets.UTF_8);
      HttpResponse<byte[]> resp;
      try {
        resp = get(docUrl);
      } catch (UnreadableSourceException e) {
        missing.add(new ApiBatch.Missing(id, docUrl, "api_error", e.getMessage()));
        continue;
      }
      if (resp.statusCode() == 200) {
        docs.add(SourceBytes.of(docUrl, resp.body()));
      } else {
        missing.add(new ApiBatch.Missing(id, docUrl, resp.statusCode() == 404 ? "missing_document" : "api_error",
            "the CQC API answered " + resp.statusCode() + " for location " + id + " listed in /locations"));
      }
    }
    // the listing itself is a source: its manifest row keeps a re-run of the same listing from quarantining its
    // missing documents twice
    StringBuilder listing = new StringBuilder();
    ids.stream().sorted().forEach(id -> listing.append(id).append('\n'));
    StringBuilder listingName = new StringBuilder(base).append("/locations");
    if (!filters.isEmpty()) {
      listingName.append('?');
      filters.forEach((k, v) -> listingName.append(k).append('=').append(v).append('&'));
      listingName.setLength(listingName.length() - 1);
    }
    SourceBytes index = SourceBytes.of(listingName.toString(), listing.toString().getBytes(StandardCharsets.UTF_8));
    return new ApiBatch(index, ids.size(), docs, missing);
  }

  private HttpResponse<byte[]> get(String url) {
    HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .header("Accept", "application/json").header("User-Agent", "carelake");
    if (settings.subscriptionKey() != null && !settings.subscriptionKey().isBlank()) {
      req.header("Ocp-Apim-Subscription-Key", settings.subscriptionKey());
    }
    for (int attempt = 1; ; attempt++) {
      try {
        HttpResponse<byte[]> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        boolean retryable = resp.statusCode() == 429 || resp.statusCode() >= 500;
        if (!retryable || attempt >= settings.maxAttempts()) {
          return resp;
        }
        long waitMs = resp.headers().firstValue("Retry-After").map(CqcApiClient::seconds).orElse((long) attempt) * 1000L;
        waitMs = Math.min(waitMs, settings.maxRetryWait().toMillis());
        LOG.info(() -> url + ": " + resp.statusCode() + ", retrying");
        Thread.sleep(waitMs);
      } catch (IOException e) {
        if (attempt >= settings.maxAttempts()) {
          throw new UnreadableSourceException(url + ": " + e.getMessage(), e);
        }
        try {
          Thread.sleep(Math.min(1000L * attempt, settings.maxRetryWait().toMillis()));
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new UnreadableSourceException(url + ": interrupted", ie);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnreadableSourceException(url + ": interrupted", e);
      }
    }
  }

  private static long seconds(String retryAfter) {
    try {
      return Math.max(0, Long.parseLong(retryAfter.trim()));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
