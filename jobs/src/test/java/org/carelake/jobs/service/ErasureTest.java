package org.carelake.jobs.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.IngestReport;
import org.carelake.ingestion.Lander;
import org.carelake.ingestion.council.SafeguardingIngestor;
import org.carelake.ingestion.privacy.Pseudonymiser;
import org.carelake.jobs.cli.EraseCommand;
import org.carelake.jobs.config.PseudonymisationProperties;
import org.carelake.schema.CatalogSettings;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.maintenance.TableMaintenance;
import org.carelake.schema.maintenance.WarehouseErasure;
import org.carelake.schema.maintenance.WarehouseRollback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure (issue 8, property 7): a person's safeguarding records, landed in two loads (so in several snapshots), kept
 * in the quarantine, built into staging and held by a tag and a branch, are erased for good: no snapshot, branch or tag
 * of any table yields them, no manifest keeps their key as a column bound, no file on disk holds a row of theirs
 * (including an orphan file left by a failed write), everyone else's rows are all still there, the erasure is logged
 * without naming them, erasing again is a no-op that says so, and a dry run changes nothing.
 */
class ErasureTest {

  static final String KEY = "erasure-test-key-0123456789abcdef";
  static final String HEADER = "concern_id,location_id,provider_id,received_date,source,abuse_type,person_ref,risk_level,s42_enquiry,"
      + "enquiry_concluded,outcome,large_scale_enquiry";
  static final String L = "1-10024040008,1-101641521";
  static final String TARGET = "P000777";
  static final List<String> OTHERS = List.of("P000100", "P000200", "P000300", "P000400");

  @TempDir
  static Path tmp;

  @Test
  void aPersonsRecordsAreErasedFromEveryTableSnapshotAndFileAndNobodyElsesAre() throws Exception {
    long t0 = System.nanoTime();
    SparkSession spark = TestLakehouse.spark();
    CatalogSettings catalog = TestLakehouse.freshCatalog();
    Path warehouse = Path.of(URI.create(catalog.warehouse()));
    Lakehouse lakehouse = TestWarehouse.lakehouse(spark, tmp.resolve("home"));
    PseudonymisationProperties keyConfig = new PseudonymisationProperties();
    keyConfig.setKey(KEY);
    PersonErasure erasure = new PersonErasure(lakehouse, new PseudonymisationKeys(keyConfig, lakehouse));
    Pseudonymiser pseudonymiser = new Pseudonymiser(KEY);
    String target = pseudonymiser.personKey(TARGET);
    SafeguardingIngestor ingestor = new SafeguardingIngestor(new Lander(spark), pseudonymiser, Clock.systemUTC());

    // load 1: everyone; the target twice, once more in a row quarantined for its source, once typed into location_id too
    Path load1 = write("load1.csv",
        "SG1," + L + ",2025-02-03,provider,neglect,P000777,high,Y,,,N",
        "SG2," + L + ",2025-02-10,family,self_neglect, p000777 ,medium,Y,2025-03-01,partially_substantiated,N",
        "SG3," + L + ",2025-02-11,neighbour,neglect,P000777,low,N,,,N",
        "SG4,P000777,1-101641521,2025-02-12,provider,neglect,P000777,low,N,,,N",
        "SG5," + L + ",2025-02-12,provider,physical,P000100,low,N,,,N",
        "SG6," + L + ",2025-02-13,cqc,financial,P000200,medium,Y,,,N",
        "SG7," + L + ",2025-02-14,public,neglect,P000300,high,Y,,,Y",
        "SG8," + L + ",2025-02-15,provider,theft,P000400,low,N,,,N");
    IngestReport first = ingestor.ingest(load1);
    assertThat(first.landed()).isEqualTo(5);
    assertThat(first.quarantined()).isEqualTo(3);
    spark.sql("ALTER TABLE raw.safeguarding_concern CREATE TAG after_load_1");
    Thread.sleep(50);
    Instant betweenTheLoads = Instant.now();
    Thread.sleep(50);
    // load 2: the target once more, an enquiry of another person concluded since (a new version of SG6), two new people's
    Path load2 = write("load2.csv",
        "SG9," + L + ",2025-03-01,professional,psychological,P000777,medium,N,,,N",
        "SG6," + L + ",2025-02-13,cqc,financial,P000200,medium,Y,2025-03-20,substantiated,N",
        "SG10," + L + ",2025-03-02,family,neglect,P000300,low,N,,,N",
        "SG11," + L + ",2025-03-03,provider,neglect,P000400,low,N,,,N",
        "SG12," + L + ",2025-03-04,provider,neglect,P000100,critical,N,,,N");
    IngestReport second = ingestor.ingest(load2);
    assertThat(second.landed()).isEqualTo(4);
    assertThat(second.quarantined()).isEqualTo(1);
    assertThat(new WarehouseBuild(lakehouse).build().passed()).isTrue();
    spark.sql("ALTER TABLE raw.quarantine CREATE BRANCH audit");
    spark.sql("ALTER TABLE staging.stg_safeguarding_concern CREATE TAG built");
    spark.sql("ALTER TABLE raw.ingest_manifest CREATE TAG after_load_2"); // a ref that holds nobody: kept

    assertThat(count(spark, "SELECT count(*) FROM raw.safeguarding_concern WHERE person_key = '" + target + "'")).isEqualTo(3);
    assertThat(count(spark, "SELECT count(*) FROM staging.stg_safeguarding_concern WHERE person_key = '" + target + "'")).isEqualTo(3);
    assertThat(count(spark, "SELECT count(*) FROM raw.quarantine WHERE instr(record, '" + target + "') > 0")).isEqualTo(2);
    List<String> tablesWithTarget = tablesYielding(spark, target);
    assertThat(tablesWithTarget).contains("raw.safeguarding_concern", "raw.quarantine", "staging.stg_safeguarding_concern");

    // an orphan file holding their rows, left by a failed write two hours ago, and one written a minute ago (in flight?)
    Path dataFile = Path.of(URI.create(spark.sql("SELECT file_path FROM raw.safeguarding_concern.files").first().getString(0)));
    Path oldOrphan = Files.copy(dataFile, dataFile.resolveSibling("00000-0-failed-write-old.parquet"));
    Files.setLastModifiedTime(oldOrphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path youngOrphan = Files.copy(dataFile, dataFile.resolveSibling("00000-0-failed-write-young.parquet"));
    Files.setLastModifiedTime(youngOrphan, FileTime.from(Instant.now().minus(Duration.ofMinutes(1))));

    Map<String, List<Object>> othersBefore = othersFingerprint(spark, target);
    Map<String, List<Object>> everythingBefore = everyTable(spark);
    List<String> filesBefore = files(warehouse);

    // (f) a dry run changes nothing, and says what it would do
    String dry = printed(() -> EraseCommand.print(erasure.erase(List.of(TARGET), null, true, Duration.ofMinutes(60)), true));
    assertThat(dry).contains("raw.safeguarding_concern", "raw.quarantine", "staging.stg_safeguarding_concern", "would be deleted")
        .doesNotContain(TARGET).doesNotContain(target);
    assertThat(everyTable(spark)).isEqualTo(everythingBefore);
    assertThat(files(warehouse)).isEqualTo(filesBefore);
    assertThat(spark.catalog().tableExists("ops.erasure_log") && count(spark, "SELECT count(*) FROM ops.erasure_log") > 0).isFalse();

    // a reason naming the person is refused: it would be kept in the log
    assertThatThrownBy(() -> erasure.erase(List.of(TARGET), "SAR from p000777's daughter", false, Duration.ofMinutes(60)))
        .isInstanceOf(PersonErasure.RefusedException.class);

    // the erasure
    long e0 = System.nanoTime();
    PersonErasure.Outcome done = erasure.erase(List.of(" p000777 "), "erasure request ER-2025-014", false, Duration.ofMinutes(60));
    double eraseSeconds = (System.nanoTime() - e0) / 1e9;
    String report = printed(() -> EraseCommand.print(done, false));
    System.out.println(report);
    WarehouseErasure.Result r = done.result();
    assertThat(r.stillHolding()).isEmpty();
    Map<String, Long> rows = new TreeMap<>();
    r.tables().forEach(t -> rows.put(t.table(), t.rowsDeleted()));
    assertThat(rows).containsEntry("raw.safeguarding_concern", 3L).containsEntry("raw.quarantine", 2L)
        .containsEntry("staging.stg_safeguarding_concern", 3L).hasSize(3);
    assertThat(r.tables()).flatExtracting(WarehouseErasure.TableErasure::refsDropped).containsExactlyInAnyOrder("after_load_1", "audit", "built");
    assertThat(r.tables()).flatExtracting(WarehouseErasure.TableErasure::orphanFilesDeleted).hasSize(1).allMatch(f -> f.contains("failed-write-old"));
    assertThat(r.tables()).flatExtracting(WarehouseErasure.TableErasure::orphanFilesLeft).hasSize(1).allMatch(f -> f.contains("failed-write-young"));
    assertThat(Files.exists(oldOrphan)).isFalse();
    assertThat(report).contains("time travel to before").contains("left: ").doesNotContain(TARGET).doesNotContain(target);

    // the young orphan, once older than the margin, goes at the next erase
    Files.setLastModifiedTime(youngOrphan, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    PersonErasure.Outcome again = erasure.erase(List.of(TARGET), "erasure request ER-2025-014 (orphan left)", false, Duration.ofMinutes(60));
    assertThat(again.result().rowsDeleted()).isZero();
    assertThat(again.result().tables()).flatExtracting(WarehouseErasure.TableErasure::orphanFilesDeleted).hasSize(1);
    assertThat(Files.exists(youngOrphan)).isFalse();

    // (a) no table, snapshot, branch or tag yields them; no manifest keeps their key as a column bound
    int[] snapshotsRead = {0};
    int[] refsRead = {0};
    List<String> tables = TableMaintenance.allTables(spark);
    for (String table : tables) {
      for (Row s : spark.sql("SELECT snapshot_id FROM " + table + ".snapshots").collectAsList()) {
        snapshotsRead[0]++;
        assertThat(yields(spark, table + " VERSION AS OF " + s.getLong(0), target)).as(table + "@" + s.getLong(0)).isZero();
      }
      for (Row ref : spark.sql("SELECT name FROM " + table + ".refs").collectAsList()) {
        refsRead[0]++;
        assertThat(yields(spark, table + " VERSION AS OF '" + ref.getString(0) + "'", target)).as(table + "@" + ref.getString(0)).isZero();
      }
      assertThat(count(spark, "SELECT count(*) FROM " + table + ".all_entries WHERE instr(to_json(readable_metrics), '"
          + target.substring(0, 15) + "') > 0")).as(table + " manifests' column bounds").isZero();
    }
    assertThat(tablesYielding(spark, target)).isEmpty();
    assertThat(count(spark, "SELECT count(*) FROM raw.ingest_manifest.refs WHERE name = 'after_load_2'")).isEqualTo(1);

    // (b) everyone else's rows are all there, exactly
    assertThat(othersFingerprint(spark, target)).isEqualTo(othersBefore);
    assertThat(count(spark, "SELECT count(*) FROM raw.safeguarding_concern")).isEqualTo(9 - 3);
    assertThat(count(spark, "SELECT count(*) FROM staging.stg_safeguarding_concern")).isEqualTo(8 - 3);
    for (String other : OTHERS) {
      assertThat(count(spark, "SELECT count(*) FROM raw.safeguarding_concern WHERE person_key = '" + pseudonymiser.personKey(other) + "'"))
          .as(other).isPositive();
    }

    // (c) no file on disk under the warehouse holds a row of theirs; no uncompressed file holds the reference or the key
    int[] parquet = {0};
    int[] others = {0};
    for (String f : files(warehouse)) {
      if (f.endsWith(".parquet")) {
        parquet[0]++;
        Dataset<Row> df = spark.read().parquet(f).selectExpr("to_json(struct(*)) AS j");
        assertThat(df.where("instr(j, '" + target + "') > 0").count()).as(f).isZero();
      } else {
        others[0]++;
        String text = new String(Files.readAllBytes(Path.of(f)), StandardCharsets.ISO_8859_1);
        assertThat(text).as(f).doesNotContain(target).doesNotContainIgnoringCase(TARGET);
      }
    }

    // (d) the log has the erasure, without the reference or its key
    List<Row> log = spark.sql("SELECT erasure_id, outcome, rows_deleted, size(tables), to_json(struct(*)) FROM ops.erasure_log"
        + " ORDER BY erased_at").collectAsList();
    assertThat(log).hasSize(2);
    assertThat(log.get(0).getString(0)).isEqualTo(done.erasureId());
    assertThat(log.get(0).getString(1)).isEqualTo("erased");
    assertThat(log.get(0).getLong(2)).isEqualTo(8);
    assertThat(log.get(0).getInt(3)).isEqualTo(3);
    for (Row l : log) {
      assertThat(l.getString(4)).doesNotContain(target).doesNotContainIgnoringCase(TARGET);
    }

    // (e) erasing again is a no-op that says so (and is logged as such)
    Map<String, List<Object>> beforeNoop = withoutOps(everyTable(spark));
    List<String> filesBeforeNoop = files(warehouse).stream().filter(f -> !f.contains("/ops/")).toList();
    PersonErasure.Outcome noop = erasure.erase(List.of(TARGET), "erasure request ER-2025-014 (check)", false, Duration.ofMinutes(60));
    assertThat(noop.result().nothingFound()).isTrue();
    assertThat(printed(() -> EraseCommand.print(noop, false))).contains("nothing to erase");
    assertThat(spark.sql("SELECT outcome FROM ops.erasure_log ORDER BY erased_at DESC LIMIT 1").first().getString(0)).isEqualTo("nothing_found");
    assertThat(withoutOps(everyTable(spark))).isEqualTo(beforeNoop);
    assertThat(files(warehouse).stream().filter(f -> !f.contains("/ops/")).toList()).isEqualTo(filesBeforeNoop);

    // the same file sent again lands nothing: the manifest still knows it
    assertThat(ingestor.ingest(load1).landed()).isZero();

    // rolling back to before the erasure does not crash: the erased tables stay, and say why; the others roll back
    List<WarehouseRollback.Change> plan = new WarehouseRollback(spark).rollBackTo(betweenTheLoads);
    assertThat(plan).filteredOn(c -> c.action().contains(WarehouseRollback.ERASED)).extracting(WarehouseRollback.Change::table)
        .containsExactlyInAnyOrder("raw.safeguarding_concern", "raw.quarantine", "staging.stg_safeguarding_concern");
    assertThat(plan).filteredOn(c -> c.action().equals("rolled back")).extracting(WarehouseRollback.Change::table).contains("raw.ingest_manifest");
    assertThat(tablesYielding(spark, target)).isEmpty();

    System.out.printf("erasure: %d tables in the catalog, %d snapshots and %d branches/tags read after the erasure, %d parquet files and %d"
            + " other files on disk read; rows deleted %s; snapshots expired %d; refs dropped %d; files deleted %d; orphan files deleted 2"
            + " (one at the second pass, once older than the margin); rows of anyone else changed 0; found of theirs afterwards 0;"
            + " erase %.1f s; test %.1f s%n",
        tables.size(), snapshotsRead[0], refsRead[0], parquet[0], others[0], rows, r.snapshotsExpired(),
        r.tables().stream().mapToInt(t -> t.refsDropped().size()).sum(), r.filesDeleted() + 1, eraseSeconds, (System.nanoTime() - t0) / 1e9);
  }

  private static Path write(String name, String... lines) throws IOException {
    Path p = tmp.resolve("in").resolve(name);
    Files.createDirectories(p.getParent());
    return Files.writeString(p, HEADER + "\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
  }

  /** Rows of a relation holding the key anywhere (any column, as JSON). */
  private static long yields(SparkSession spark, String relation, String key) {
    return count(spark, "SELECT count(*) FROM (SELECT to_json(struct(*)) AS j FROM " + relation + ") WHERE instr(j, '" + key + "') > 0");
  }

  private static List<String> tablesYielding(SparkSession spark, String key) {
    List<String> out = new ArrayList<>();
    for (String t : TableMaintenance.allTables(spark)) {
      if (yields(spark, t, key) > 0) {
        out.add(t);
      }
    }
    return out;
  }

  /** Per table: row count and order-free hash of the rows not of the person. */
  private static Map<String, List<Object>> othersFingerprint(SparkSession spark, String key) {
    Map<String, List<Object>> out = new LinkedHashMap<>();
    for (String t : List.of("raw.safeguarding_concern", "raw.quarantine", "staging.stg_safeguarding_concern")) {
      Row r = spark.sql("SELECT count(*), coalesce(sum(xxhash64(j)), 0) FROM (SELECT to_json(struct(*)) AS j FROM " + t
          + ") WHERE instr(j, '" + key + "') = 0").first();
      out.put(t, List.of(r.getLong(0), r.get(1)));
    }
    return out;
  }

  /** Every table: current snapshot id, snapshot count, row count and content hash. */
  private static Map<String, List<Object>> everyTable(SparkSession spark) {
    Map<String, List<Object>> out = new TreeMap<>();
    for (String t : TableMaintenance.allTables(spark)) {
      Row r = spark.sql("SELECT count(*), coalesce(sum(xxhash64(to_json(struct(*)))), 0) FROM " + t).first();
      long snapshots = count(spark, "SELECT count(*) FROM " + t + ".snapshots");
      out.put(t, List.of(r.getLong(0), r.get(1), snapshots));
    }
    return out;
  }

  private static Map<String, List<Object>> withoutOps(Map<String, List<Object>> m) {
    Map<String, List<Object>> out = new TreeMap<>(m);
    out.keySet().removeIf(t -> t.startsWith("ops."));
    return out;
  }

  private static List<String> files(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().endsWith(".crc")).map(Path::toString).sorted().toList();
    }
  }

  private static long count(SparkSession spark, String sql) {
    return spark.sql(sql).first().getLong(0);
  }

  private static String printed(Runnable r) {
    PrintStream out = System.out;
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
    try {
      r.run();
    } finally {
      System.setOut(out);
    }
    return buf.toString(StandardCharsets.UTF_8);
  }
}
