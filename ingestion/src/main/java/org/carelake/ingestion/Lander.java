package org.carelake.ingestion;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;

/**
 * Lands rows into raw tables. Each table write is one Iceberg commit; the manifest row is committed last, so a
 * source whose manifest row exists has landed completely and a re-send of the same bytes lands nothing.
 */
public final class Lander {

  private static final int MAX_RECORD_CHARS = 4000;

  private final SparkSession spark;

  public Lander(SparkSession spark) {
    this.spark = spark;
    WarehouseTables.migrate(new TableMigrator(spark));
  }

  public SparkSession spark() {
    return spark;
  }

  /** SHA-256s of the given stream's sources already landed. */
  public Set<String> landedSources(String source) {
    Set<String> out = new HashSet<>();
    spark.table(WarehouseTables.RAW_INGEST_MANIFEST.table())
        .where(org.apache.spark.sql.functions.col("source").equalTo(source))
        .select("_source_sha256").collectAsList()
        .forEach(r -> out.add(r.getString(0)));
    return out;
  }

  public void append(TableContract table, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    try {
      spark.createDataFrame(rows, table.sparkSchema()).writeTo(table.table()).append();
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException(table.table() + " does not exist although it was just migrated", e);
    }
  }

  public void quarantine(String source, List<Rejection> rejections) {
    List<Row> rows = new ArrayList<>();
    for (Rejection r : rejections) {
      String record = r.record();
      if (record != null && record.length() > MAX_RECORD_CHARS) {
        record = record.substring(0, MAX_RECORD_CHARS);
      }
      rows.add(r.lineage().applyTo(new RowBuilder(WarehouseTables.RAW_QUARANTINE))
          .set("source", source).set("layout", r.layout()).set("document", r.document())
          .set("rule", r.rule()).set("reason", r.reason()).set("record", record).build());
    }
    append(WarehouseTables.RAW_QUARANTINE, rows);
  }

  /** Records sources as landed; called after their rows and rejections are committed. */
  public void recordManifest(String source, String layout, LocalDate snapshotDate, List<Lineage> lineages, List<FileOutcome> outcomes) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < lineages.size(); i++) {
      Lineage l = lineages.get(i);
      FileOutcome o = outcomes.get(i);
      rows.add(new Lineage(l.sourceFile(), l.sha256(), null, l.ingestedAt(), l.batchId())
          .applyTo(new RowBuilder(WarehouseTables.RAW_INGEST_MANIFEST))
          .set("source", source).set("layout", layout)
          .set("snapshot_date", snapshotDate == null ? null : Date.valueOf(snapshotDate))
          .set("rows_read", o.read()).set("rows_landed", o.landed()).set("rows_quarantined", o.quarantined())
          .build());
    }
    append(WarehouseTables.RAW_INGEST_MANIFEST, rows);
  }
}
