package org.carelake.schema.maintenance;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.carelake.schema.TestLakehouse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TableMaintenanceTest {

  static SparkSession spark;

  @BeforeAll
  static void catalog() {
    spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS m");
  }

  /** A table written by six small appends (six snapshots, at least six data files) of three rows each. */
  static Table smallAppends(String name) throws Exception {
    spark.sql("CREATE TABLE m." + name + " (id bigint, v string) USING iceberg");
    for (int i = 0; i < 6; i++) {
      spark.sql("INSERT INTO m." + name + " VALUES (" + (3 * i) + ", 'a'), (" + (3 * i + 1) + ", 'b'), (" + (3 * i + 2) + ", 'c')");
    }
    return load(name);
  }

  static Table load(String name) throws Exception {
    Table t = Spark3Util.loadIcebergTable(spark, spark.conf().get("spark.sql.defaultCatalog") + ".m." + name);
    t.refresh();
    return t;
  }

  static long dataFiles(Table t) {
    return Long.parseLong(t.currentSnapshot().summary().get("total-data-files"));
  }

  static int snapshots(Table t) {
    int n = 0;
    for (var ignored : t.snapshots()) {
      n++;
    }
    return n;
  }

  /** A file in the table's data folder that no snapshot references, last modified {@code age} ago. */
  static Path orphan(Table t, String fileName, Duration age) throws Exception {
    Path data = Path.of(URI.create(t.location() + "/data"));
    Files.createDirectories(data);
    Path f = data.resolve(fileName);
    Files.writeString(f, "left behind by a failed write");
    Files.setLastModifiedTime(f, FileTime.from(Instant.now().minus(age)));
    return f;
  }

  static String contents(String name) {
    return spark.sql("SELECT count(*), sum(id), concat_ws('', sort_array(collect_list(v))) FROM m." + name).collectAsList().toString();
  }

  @Test
  void compactsExpiresOnlyOldSnapshotsBeyondTheLastFewAndDeletesOnlyOldOrphans() throws Exception {
    Table t = smallAppends("visits");
    String rows = contents("visits");
    long filesBefore = dataFiles(t);
    assertThat(filesBefore).isGreaterThanOrEqualTo(6);
    Path oldOrphan = orphan(t, "00000-old-orphan.parquet", Duration.ofDays(10));
    Path freshOrphan = orphan(t, "00000-in-flight.parquet", Duration.ofMinutes(5));

    // a 90-day retention expires none of today's snapshots
    TableMaintenance.Result first = TableMaintenance.builder(spark).table("m.visits").snapshotRetention(Duration.ofDays(90))
        .retainLast(1).build().run().get(0);
    assertThat(first.dataFilesBefore()).isEqualTo(filesBefore);
    assertThat(first.dataFilesAfter()).isEqualTo(1);
    assertThat(first.filesCompacted()).isEqualTo((int) filesBefore);
    assertThat(first.snapshotsExpired()).isZero();
    assertThat(first.orphanFiles()).singleElement().asString().endsWith("00000-old-orphan.parquet");
    assertThat(oldOrphan).doesNotExist();
    assertThat(freshOrphan).exists();
    assertThat(contents("visits")).isEqualTo(rows);

    // with no retention every snapshot goes except the last three
    t.refresh();
    int snapshotsBefore = snapshots(t);
    TableMaintenance.Result second = TableMaintenance.builder(spark).table("m.visits").snapshotRetention(Duration.ZERO)
        .retainLast(3).build().run().get(0);
    t.refresh();
    assertThat(snapshots(t)).isEqualTo(3);
    assertThat(second.snapshotsBefore()).isEqualTo(snapshotsBefore);
    assertThat(second.snapshotsExpired()).isEqualTo(snapshotsBefore - 3);
    // manifests and manifest lists of the expired snapshots (the small data files stay: the last append, kept, reads them)
    assertThat(second.unreferencedFilesDeleted()).isPositive();
    assertThat(second.orphanFiles()).isEmpty();
    assertThat(freshOrphan).exists();
    assertThat(contents("visits")).isEqualTo(rows);
  }

  @Test
  void aDryRunReportsWhatItWouldDoAndChangesNothing() throws Exception {
    Table t = smallAppends("returns");
    long snapshotId = t.currentSnapshot().snapshotId();
    int snapshotsBefore = snapshots(t);
    long filesBefore = dataFiles(t);
    Path oldOrphan = orphan(t, "00000-old-orphan.parquet", Duration.ofDays(10));

    List<TableMaintenance.Result> results = TableMaintenance.builder(spark).table("m.returns").snapshotRetention(Duration.ZERO)
        .retainLast(2).dryRun(true).build().run();

    TableMaintenance.Result r = results.get(0);
    assertThat(r.dryRun()).isTrue();
    assertThat(r.filesCompacted()).isEqualTo((int) filesBefore);
    assertThat(r.snapshotsExpired()).isEqualTo(snapshotsBefore - 2);
    assertThat(r.orphanFiles()).singleElement().asString().endsWith("00000-old-orphan.parquet");
    t.refresh();
    assertThat(t.currentSnapshot().snapshotId()).isEqualTo(snapshotId);
    assertThat(snapshots(t)).isEqualTo(snapshotsBefore);
    assertThat(dataFiles(t)).isEqualTo(filesBefore);
    assertThat(oldOrphan).exists();
  }

  @Test
  void withoutTablesNamedItMaintainsEveryTableInTheCatalog() {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS other");
    spark.sql("CREATE TABLE IF NOT EXISTS other.empty (id bigint) USING iceberg");
    assertThat(TableMaintenance.allTables(spark)).contains("other.empty");
    TableMaintenance.Result r = TableMaintenance.builder(spark).table("other.empty").build().run().get(0);
    assertThat(r.dataFilesAfter()).isZero();
    assertThat(r.snapshotsExpired()).isZero();
  }
}
