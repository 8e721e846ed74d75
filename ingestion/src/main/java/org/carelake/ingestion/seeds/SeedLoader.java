package org.carelake.ingestion.seeds;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.carelake.ingestion.CsvText;
import org.carelake.ingestion.SourceBytes;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;

/**
 * Loads the reference data kept in {@code seeds/ref/*.csv} into {@code ref.<file name>}: text columns named by the
 * snake_case header, typed downstream. A seed is (re)loaded only when missing or when its bytes changed, so a new
 * data home needs nothing but {@code ingest} and {@code build}.
 */
public final class SeedLoader {

  /** What happened to one seed. */
  public record SeedOutcome(String table, long rows, boolean reloaded) {}

  private final SparkSession spark;
  private final Clock clock;

  public SeedLoader(SparkSession spark, Clock clock) {
    this.spark = spark;
    this.clock = clock;
  }

  public List<SeedOutcome> load(Path seedsDir) {
    Path refDir = seedsDir.resolve("ref");
    if (!Files.isDirectory(refDir)) {
      throw new IllegalArgumentException("no seeds/ref folder at " + refDir.toAbsolutePath());
    }
    new TableMigrator(spark).ensure(WarehouseTables.REF_SEED_MANIFEST);
    Map<String, String> loaded = new HashMap<>();
    spark.table(WarehouseTables.REF_SEED_MANIFEST.table()).collectAsList()
        .forEach(r -> loaded.put(r.getString(r.fieldIndex("table_name")), r.getString(r.fieldIndex("seed_sha256"))));
    List<Path> files;
    try (Stream<Path> s = Files.list(refDir)) {
      files = s.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<SeedOutcome> out = new ArrayList<>();
    List<Row> manifest = new ArrayList<>();
    for (Path f : files) {
      String table = "ref." + f.getFileName().toString().replaceFirst("\\.csv$", "");
      SourceBytes src = SourceBytes.read(f);
      boolean exists = spark.catalog().tableExists(table);
      if (exists && src.sha256().equals(loaded.get(table))) {
        out.add(new SeedOutcome(table, -1, false));
        continue;
      }
      CsvText csv = CsvText.parse(src);
      List<String> cols = csv.headerNames().stream().map(CsvText::snakeCase).toList();
      StructType schema = new StructType(cols.stream()
          .map(c -> new StructField(c, DataTypes.StringType, true, org.apache.spark.sql.types.Metadata.empty()))
          .toArray(StructField[]::new));
      List<Row> rows = new ArrayList<>();
      for (CsvText.Record rec : csv.records()) {
        if (rec.record() == null || rec.record().size() != cols.size()) {
          throw new IllegalArgumentException(f + ": data row " + rec.row() + " does not match the header");
        }
        rows.add(RowFactory.create(rec.record().toList().stream().map(v -> v.isEmpty() ? null : v).toArray()));
      }
      spark.sql("CREATE NAMESPACE IF NOT EXISTS ref");
      spark.createDataFrame(rows, schema).writeTo(table).tableProperty("format-version", "2").createOrReplace();
      manifest.add(new RowBuilder(WarehouseTables.REF_SEED_MANIFEST).set("table_name", table)
          .set("seed_file", "seeds/ref/" + f.getFileName()).set("seed_sha256", src.sha256())
          .set("rows_loaded", (long) rows.size()).set("loaded_at", Timestamp.from(clock.instant())).build());
      out.add(new SeedOutcome(table, rows.size(), true));
    }
    if (!manifest.isEmpty()) {
      spark.createDataFrame(manifest, WarehouseTables.REF_SEED_MANIFEST.sparkSchema()).createOrReplaceTempView("__seed_manifest");
      spark.sql("MERGE INTO " + WarehouseTables.REF_SEED_MANIFEST.table() + " t USING __seed_manifest s ON t.table_name = s.table_name "
          + "WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
      spark.catalog().dropTempView("__seed_manifest");
    }
    return out;
  }
}
