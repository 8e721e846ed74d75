package org.carelake.jobs.service.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.carelake.jobs.bench.DuckDbRebuild;
import org.carelake.jobs.bench.IcebergDataFiles;
import org.carelake.jobs.bench.MartComparison;
import org.carelake.jobs.bench.SqlTranslator;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.transforms.Model;
import org.carelake.transforms.Models;
import org.springframework.stereotype.Service;

/**
 * DuckDB as the benchmark's peer: every model's SQL translated with SQLGlot, run in DuckDB over the Parquet data files
 * of the same Iceberg snapshots the Spark build read, and its tables compared with Spark's row for row.
 */
@Service
public class DuckDbPeer implements NationalBenchmark.PeerRebuild {

  private final Lakehouse lakehouse;

  public DuckDbPeer(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Override
  public String name() {
    return "DuckDB";
  }

  @Override
  public NationalBenchmark.PeerResult rebuild(SparkSession spark, Path workDir) {
    List<Model> models = Models.load().all();
    Map<String, String> sparkSql = new LinkedHashMap<>();
    Set<String> landed = new TreeSet<>();
    for (Model m : models) {
      sparkSql.put(m.table(), m.sql());
      m.inputs().stream().filter(t -> t.startsWith("raw.") || t.startsWith("ref.")).forEach(landed::add);
    }
    // the venv outlives one bench home: it sits beside the homes, in <home>/bench
    Map<String, SqlTranslator.Translation> translated = new SqlTranslator(lakehouse.home().getParent()).translate(sparkSql);
    List<DuckDbRebuild.DuckDbModel> duck = new ArrayList<>();
    List<String> untranslated = new ArrayList<>();
    for (SqlTranslator.Translation t : translated.values()) {
      if (t.ok()) {
        duck.add(new DuckDbRebuild.DuckDbModel(t.table(), t.sql()));
      } else {
        untranslated.add(t.table());
      }
    }
    Map<String, List<String>> inputs = IcebergDataFiles.of(spark, landed, workDir.resolve("empty-tables"));
    // Spark's tables: what DuckDB reads in place of a model it cannot build, and what it is compared with
    Map<String, List<String>> sparkTables = IcebergDataFiles.of(spark, models.stream().map(Model::table).toList(), workDir.resolve("empty-tables"));
    // a full GC lets the JVM give back the heap the Spark build grew to, and Spark's cleaner delete that build's
    // shuffle files (tens of GB at national scale), before DuckDB needs the memory and its own spill space
    System.gc();
    // the same memory budget as Spark's: DuckDB may hold as much as this JVM's heap may grow to
    String memoryLimit = Math.max(1, Runtime.getRuntime().maxMemory() / (1024 * 1024)) + "MB";
    DuckDbRebuild.Result r = new DuckDbRebuild(workDir.resolve("duckdb"), Runtime.getRuntime().availableProcessors(), memoryLimit)
        .run(inputs, duck, sparkTables);
    List<String> failed = new ArrayList<>(untranslated);
    r.failed().forEach(f -> failed.add(f.table()));
    Map<String, Double> builtSeconds = new LinkedHashMap<>();
    r.built().forEach(m -> builtSeconds.put(m.table(), m.seconds()));
    // only what DuckDB built itself is compared: a stand-in is Spark's own table
    Map<String, List<String>> compared = new LinkedHashMap<>(sparkTables);
    compared.keySet().retainAll(builtSeconds.keySet());
    List<MartComparison.TableComparison> same = MartComparison.compare(r.database(), compared, Set.of("detected_at"), memoryLimit);
    long matching = same.stream().filter(MartComparison.TableComparison::matches).count();
    // a differing table says by how much, or why it could not be compared
    List<String> differing = same.stream().filter(c -> !c.matches()).map(c -> c.error() != null
        ? c.table() + " not compared: " + oneLine(c.error())
        : String.format(Locale.ROOT, "%s: Spark %,d rows, DuckDB %,d, %,d only in Spark, %,d only in DuckDB%s", c.table(), c.sparkRows(), c.duckdbRows(),
            c.onlyInSpark(), c.onlyInDuckdb(), c.missingColumns().isEmpty() ? "" : ", DuckDB lacks " + c.missingColumns())).toList();
    String slowest = r.built().stream().sorted(java.util.Comparator.comparingDouble(DuckDbRebuild.ModelRun::seconds).reversed()).limit(5)
        .map(m -> String.format(Locale.ROOT, "%s %.1f s", m.table(), m.seconds())).collect(java.util.stream.Collectors.joining(", "));
    StringBuilder failures = new StringBuilder();
    untranslated.forEach(t -> failures.append("; ").append(t).append(": SQLGlot could not translate it"));
    for (DuckDbRebuild.ModelRun f : r.failed()) {
      failures.append(String.format(Locale.ROOT, "; %s failed after %.1f s%s: %s", f.table(), f.seconds(),
          f.fromSpark() ? " (Spark's table read in its place)" : "", oneLine(f.error().orElse(""))));
    }
    String detail = String.format(Locale.ROOT, "%d of %d tables DuckDB built identical to Spark's%s; DuckDB's slowest: %s%s", matching, same.size(),
        differing.isEmpty() ? "" : " (differ: " + String.join("; ", differing) + ")", slowest, failures);
    double seconds = builtSeconds.values().stream().mapToDouble(Double::doubleValue).sum();
    return new NationalBenchmark.PeerResult("DuckDB", seconds, builtSeconds.size(), models.size(), failed, detail, builtSeconds);
  }

  static String oneLine(String error) {
    String line = error.replaceAll("\\s+", " ").strip();
    return line.length() <= 400 ? line : line.substring(0, 400) + "…";
  }
}
