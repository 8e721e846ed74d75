package org.carelake.jobs.service.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.spark.sql.SparkSession;
import org.carelake.jobs.config.CarelakeProperties;
import org.carelake.jobs.config.MaintenanceProperties;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.schema.TableContract;
import org.carelake.schema.TableSnapshots;
import org.carelake.schema.TestLakehouse;
import org.carelake.schema.maintenance.TableMaintenance;
import org.junit.jupiter.api.Test;

/** Time travel to a snapshot that maintenance expired is a 404 (NotFoundException) that names the retention, not a 500. */
class ExpiredSnapshotTest {

  @Test
  void askingForAnExpiredSnapshotSaysWhyAndHowFarBackTimeTravelReaches() throws Exception {
    SparkSession spark = TestLakehouse.spark();
    TestLakehouse.freshCatalog();
    TableContract contract = TableContract.fromYaml(new ByteArrayInputStream("""
        table: marts.mart_example
        key: [id]
        columns:
          - {name: id, type: bigint, nullable: false}
        """.getBytes(StandardCharsets.UTF_8)), "test");
    spark.sql("CREATE NAMESPACE IF NOT EXISTS marts");
    spark.sql(contract.createTableSql());
    spark.sql("INSERT INTO marts.mart_example VALUES (1)");
    TableSnapshots snapshots = new TableSnapshots(spark);
    long first = snapshots.current("marts.mart_example").orElseThrow().snapshotId();
    Instant beforeSecond = Instant.now();
    Thread.sleep(20);
    spark.sql("INSERT INTO marts.mart_example VALUES (2)");
    TableMaintenance.builder(spark).table("marts.mart_example").snapshotRetention(Duration.ZERO).retainLast(1).build().run();

    Lakehouse lakehouse = new Lakehouse(new CarelakeProperties()) {
      @Override
      public synchronized SparkSession spark() {
        return spark;
      }
    };
    TableQuery query = new TableQuery(lakehouse, new ServedTables(), new MaintenanceProperties());

    assertThatThrownBy(() -> query.snapshot(contract, Long.toString(first)))
        .isInstanceOf(TableQuery.NotFoundException.class)
        .hasMessageContaining("has no snapshot " + first)
        .hasMessageContaining("older than 90 days, keeping at least the last 10 snapshots")
        .hasMessageContaining("carelake maintain");
    assertThatThrownBy(() -> query.snapshot(contract, beforeSecond.toString()))
        .isInstanceOf(TableQuery.NotFoundException.class)
        .hasMessageContaining("time travel reaches back to")
        .hasMessageContaining("older than 90 days");
    assertThat(query.snapshot(contract, null).snapshotId()).isNotEqualTo(first);
  }
}
