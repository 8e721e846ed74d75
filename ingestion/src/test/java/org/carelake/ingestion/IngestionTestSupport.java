package org.carelake.ingestion;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TableContract;
import org.carelake.schema.WarehouseTables;

/** Small helpers shared by the ingestion tests: where the repository is, SHA-256 of fixtures, raw table counts. */
public final class IngestionTestSupport {

  /** The instant every test ingest runs at. */
  public static final Instant NOW = Instant.parse("2025-10-15T09:30:00Z");

  /** The raw tables an ingest can write to. */
  public static final List<TableContract> RAW_TABLES = List.of(
      WarehouseTables.RAW_CQC_API_LOCATION, WarehouseTables.RAW_CQC_RATINGS_LONG, WarehouseTables.RAW_CQC_ASC_WIDE,
      WarehouseTables.RAW_QUARANTINE, WarehouseTables.RAW_INGEST_MANIFEST);

  private IngestionTestSupport() {}

  public static Clock fixedClock() {
    return Clock.fixed(NOW, ZoneOffset.UTC);
  }

  public static Path repoRoot() {
    return Path.of(System.getProperty("carelake.repo.root", "..")).toAbsolutePath().normalize();
  }

  public static Path cqcSamples() {
    Path dir = repoRoot().resolve("seeds/samples/cqc");
    if (!Files.isDirectory(dir)) {
      throw new IllegalStateException("CQC samples not found at " + dir + " (carelake.repo.root=" + System.getProperty("carelake.repo.root") + ")");
    }
    return dir;
  }

  /** SHA-256 in lower-case hex, computed here (not with the code under test). */
  public static String sha256(byte[] bytes) {
    try {
      StringBuilder b = new StringBuilder();
      for (byte x : MessageDigest.getInstance("SHA-256").digest(bytes)) {
        b.append(String.format("%02x", x));
      }
      return b.toString();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256(Path file) {
    try {
      return sha256(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static long count(SparkSession spark, String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  /** Row count of every raw table, by table name. */
  public static Map<String, Long> rawRowCounts(SparkSession spark) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (TableContract t : RAW_TABLES) {
      out.put(t.table(), spark.table(t.table()).count());
    }
    return out;
  }

  public static List<Row> rows(SparkSession spark, String sql) {
    return spark.sql(sql).collectAsList();
  }
}
