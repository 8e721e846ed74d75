package org.carelake.ingestion.returns;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.carelake.ingestion.FileOutcome;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.LandingBatch;
import org.carelake.ingestion.Lineage;
import org.carelake.ingestion.Rejection;
import org.carelake.schema.WarehouseTables;

/**
 * Lands a big folder of returns with the same gate as the driver path, run on the executors a file at a time: the
 * landed rows go straight into one Iceberg append, and only each file's outcome and rejections travel back to the
 * driver. Then the quarantine and the manifest are committed, the manifest last, as on the driver path.
 */
final class DistributedReturns {

  /** Aim for splits of about this many bytes of CSV, so a task's memory stays small and both cores stay busy. */
  private static final long SPLIT_BYTES = 48L << 20;

  private final Lander lander;
  private final ReturnsIngestor.FileGate gate;

  DistributedReturns(Lander lander, ReturnsIngestor.FileGate gate) {
    this.lander = lander;
    this.gate = gate;
  }

  IngestReport ingest(List<Path> files) {
    try (LandingBatch batch = lander.begin(ReturnsIngestor.SOURCE, gate.batchId)) {
      IngestReport report = ingest(files, batch);
      batch.complete();
      return report;
    }
  }

  private IngestReport ingest(List<Path> files, LandingBatch batch) {
    SparkSession spark = lander.spark();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<Set<String>> landed = jsc.broadcast(new HashSet<>(lander.landedSources(ReturnsIngestor.SOURCE)));
    CollectionAccumulator<ReturnsIngestor.FileGate.Result> results = spark.sparkContext().collectionAccumulator("returns files");
    List<String> paths = files.stream().map(p -> p.toAbsolutePath().normalize().toString()).toList();
    long bytes = files.stream().mapToLong(p -> p.toFile().length()).sum();
    int slices = (int) Math.max(jsc.defaultParallelism(), Math.min(paths.size(), bytes / SPLIT_BYTES + 1));
    ReturnsIngestor.FileGate g = gate;
    JavaRDD<Row> rows = jsc.parallelize(paths, slices).flatMap(path -> {
      List<Row> out = new ArrayList<>();
      results.add(g.run(Paths.get(path), landed.value(), out));
      return out.iterator();
    });
    try {
      // no shuffle before the write: files arrive grouped, and a writer per partition value is cheap with three values
      batch.append(WarehouseTables.RAW_RETURN_MEASURE, spark.createDataFrame(rows, WarehouseTables.RAW_RETURN_MEASURE.sparkSchema()),
          Map.of("distribution-mode", "none", "fanout-enabled", "true"));
    } finally {
      landed.destroy();
    }
    List<ReturnsIngestor.FileGate.Result> byFile = new ArrayList<>(results.value());
    byFile.sort(Comparator.comparing(r -> r.lineage().sourceFile()));
    List<ReturnsIngestor.FileGate.Result> duplicates = sameBytesTwice(byFile);
    if (!duplicates.isEmpty()) {
      // the same bytes under two names in one folder: the first name keeps its rows, as on the driver path
      for (ReturnsIngestor.FileGate.Result d : duplicates) {
        batch.delete(WarehouseTables.RAW_RETURN_MEASURE, "_source_file = :file", Map.of("file", d.lineage().sourceFile()));
      }
    }
    List<Rejection> rejections = new ArrayList<>();
    List<Lineage> lineages = new ArrayList<>();
    List<FileOutcome> outcomes = new ArrayList<>();
    List<FileOutcome> skipped = new ArrayList<>();
    Set<ReturnsIngestor.FileGate.Result> dup = new HashSet<>(duplicates);
    for (ReturnsIngestor.FileGate.Result r : byFile) {
      if (r.skipped() || dup.contains(r)) {
        skipped.add(new FileOutcome(r.lineage().sourceFile(), "returns", 0, 0, 0, true));
        continue;
      }
      rejections.addAll(r.rejections());
      lineages.add(r.lineage());
      outcomes.add(r.outcome());
    }
    batch.quarantine(rejections);
    ReturnsIngestor.manifest(batch, lineages, outcomes);
    List<FileOutcome> all = new ArrayList<>(outcomes);
    all.addAll(skipped);
    return new IngestReport(gate.batchId, "returns", all);
  }

  private static List<ReturnsIngestor.FileGate.Result> sameBytesTwice(List<ReturnsIngestor.FileGate.Result> sortedByName) {
    Map<String, ReturnsIngestor.FileGate.Result> first = new HashMap<>();
    List<ReturnsIngestor.FileGate.Result> later = new ArrayList<>();
    for (ReturnsIngestor.FileGate.Result r : sortedByName) {
      if (!r.skipped() && first.putIfAbsent(r.lineage().sha256(), r) != null) {
        later.add(r);
      }
    }
    return later;
  }
}
