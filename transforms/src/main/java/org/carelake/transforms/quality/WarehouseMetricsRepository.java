package org.carelake.transforms.quality;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.RowBuilder;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableMigrator;
import org.carelake.schema.WarehouseTables;

/**
 * Deequ's metrics repository kept in the warehouse ({@code dq.deequ_metric}), so that metric history survives a
 * restart and is shared by every process on the catalog. Deequ's own repositories are a JSON file or memory; here a
 * run {@linkplain #load loads} the stored metrics into Deequ's in-memory repository (which the anomaly checks read),
 * and {@linkplain #append appends} what it measured in one Iceberg commit.
 */
public final class WarehouseMetricsRepository {

  public static final TableContract TABLE = WarehouseTables.DQ_DEEQU_METRIC;

  /** One metric of one run, with the result-key facts the table types for SQL. */
  public record Entry(String runId, long datasetDate, String dataset, String table, LocalDate asOfDate, Deequ.StoredMetric metric) {}

  private final SparkSession spark;

  public WarehouseMetricsRepository(SparkSession spark) {
    this.spark = spark;
  }

  /** Creates the table when missing (idempotent). */
  public WarehouseMetricsRepository ensureTable() {
    new TableMigrator(spark).ensure(TABLE);
    return this;
  }

  /**
   * The stored metrics of these datasets from their latest {@code runs} runs each, as a Deequ history. The table keeps
   * everything; a bounded load keeps a build's start cheap however long the history grows.
   */
  public Deequ.History load(Collection<String> datasets, int runs) {
    Deequ.History history = new Deequ.History();
    if (datasets.isEmpty()) {
      return history;
    }
    String in = datasets.stream().map(d -> "'" + d.replace("'", "\\'") + "'").collect(Collectors.joining(", "));
    List<Row> rows = spark.sql("SELECT result_json FROM (SELECT result_json, dataset_date, "
        + "dense_rank() OVER (PARTITION BY dataset ORDER BY dataset_date DESC) AS recency FROM " + TABLE.table()
        + " WHERE dataset IN (" + in + ")) WHERE recency <= " + runs + " ORDER BY dataset_date").collectAsList();
    for (Row r : rows) {
      history.add(r.getString(0));
    }
    return history;
  }

  /** Appends the entries in one commit. */
  public void append(List<Entry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) {
      Deequ.StoredMetric m = e.metric();
      rows.add(new RowBuilder(TABLE)
          .set("run_id", e.runId())
          .set("dataset_date", e.datasetDate())
          .set("measured_at", new Timestamp(e.datasetDate()))
          .set("dataset", e.dataset())
          .set("table_name", e.table())
          .set("as_of_date", e.asOfDate() == null ? null : Date.valueOf(e.asOfDate()))
          .set("analyzer", m.analyzer())
          .set("entity", m.entity())
          .set("instance", m.instance())
          .set("metric_name", m.name())
          .set("value", m.value())
          .set("result_json", m.json())
          .build());
    }
    try {
      spark.createDataFrame(rows, TABLE.sparkSchema()).writeTo(TABLE.table()).append();
    } catch (Exception e) { // NoSuchTableException is checked in Java's eyes
      throw new IllegalStateException("cannot append to " + TABLE.table() + ": " + e.getMessage(), e);
    }
  }
}
