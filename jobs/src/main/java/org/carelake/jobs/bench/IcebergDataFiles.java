package org.carelake.jobs.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The Parquet data files of each table's current Iceberg snapshot ({@code <table>.files}), for DuckDB to read the
 * same bytes Spark reads. Fails when a table has delete files: DuckDB's read_parquet would return deleted rows.
 */
public final class IcebergDataFiles {

  private IcebergDataFiles() {}

  public static Map<String, List<String>> of(SparkSession spark, Collection<String> tables) {
    return of(spark, tables, null);
  }

  /**
   * @param emptyDir where a table with no data files (a source never landed) gets one empty Parquet file with its
   *     schema, since DuckDB cannot read an empty file list; null = such a table is an error
   */
  public static Map<String, List<String>> of(SparkSession spark, Collection<String> tables, java.nio.file.Path emptyDir) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (String table : tables) {
      DuckDbRebuild.checkedName(table);
      List<String> files = new ArrayList<>();
      for (Row r : spark.sql("SELECT content, file_path FROM " + table + ".files").collectAsList()) {
        if (r.getInt(0) != 0) {
          throw new IllegalStateException(table + " has delete files (" + r.getString(1) + "): reading its data"
              + " files alone would return deleted rows; compact it (rewrite_data_files) first");
        }
        files.add(r.getString(1));
      }
      if (files.isEmpty() && emptyDir != null) {
        String dir = emptyDir.resolve(table).toAbsolutePath().toString();
        spark.table(table).limit(0).coalesce(1).write().mode("overwrite").parquet(dir);
        try (var parts = java.nio.file.Files.list(java.nio.file.Path.of(dir))) {
          parts.filter(p -> p.getFileName().toString().endsWith(".parquet")).forEach(p -> files.add(p.toString()));
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      out.put(table, List.copyOf(files));
    }
    return out;
  }
}
