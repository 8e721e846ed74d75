package org.carelake.jobs.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.carelake.jobs.config.MaintenanceProperties;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.TextTable;
import org.carelake.schema.maintenance.TableMaintenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {"Iceberg table maintenance, table by table: compact small data files (bin-pack), rewrite manifests,",
        "expire snapshots older than the retention (keeping the last few: time travel before the oldest kept ends),",
        "delete orphan files (files no snapshot references) older than a threshold, so writes in flight are never touched.",
        "Defaults from carelake.maintenance.* (application.yml)."})
public class MaintainCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;
  private final MaintenanceProperties settings;

  public MaintainCommand(Lakehouse lakehouse, MaintenanceProperties settings) {
    this.lakehouse = lakehouse;
    this.settings = settings;
  }

  @Option(names = "--table", paramLabel = "NAMESPACE.TABLE", description = "a table to maintain (repeatable); default every table in the catalog")
  List<String> tables = new ArrayList<>();

  @Option(names = "--retain-days", paramLabel = "N", description = "expire snapshots older than N days (default carelake.maintenance.snapshot-retention-days)")
  Integer retainDays;

  @Option(names = "--retain-last", paramLabel = "N", description = "always keep each table's last N snapshots (default carelake.maintenance.retain-last)")
  Integer retainLast;

  @Option(names = "--orphan-age-days", paramLabel = "N", description = "delete only orphan files older than N days, at least 1 (default carelake.maintenance.orphan-file-age-days)")
  Integer orphanAgeDays;

  @Option(names = "--target-file-size-mb", paramLabel = "MB", description = "compaction's target file size (default carelake.maintenance.target-file-size-mb)")
  Integer targetFileSizeMb;

  @Option(names = "--min-input-files", paramLabel = "N", description = "compact a partition only with at least N small files (default carelake.maintenance.min-input-files)")
  Integer minInputFiles;

  @Option(names = "--dry-run", description = "report what would be compacted, expired and deleted; change nothing")
  boolean dryRun;

  @Override
  public Integer call() {
    int days = retainDays != null ? retainDays : settings.getSnapshotRetentionDays();
    int last = retainLast != null ? retainLast : settings.getRetainLast();
    int orphanDays = orphanAgeDays != null ? orphanAgeDays : settings.getOrphanFileAgeDays();
    int targetMb = targetFileSizeMb != null ? targetFileSizeMb : settings.getTargetFileSizeMb();
    int minFiles = minInputFiles != null ? minInputFiles : settings.getMinInputFiles();
    if (days < 0 || last < 1 || orphanDays < 1 || targetMb < 1 || minFiles < 1) {
      System.err.println("maintain: --retain-days must be >= 0, --retain-last >= 1, --orphan-age-days >= 1 (younger files may belong to a write in flight), "
          + "--target-file-size-mb and --min-input-files >= 1");
      return 2;
    }
    var spark = lakehouse.spark();
    List<String> all = TableMaintenance.allTables(spark);
    for (String t : tables) {
      if (!all.contains(t)) {
        System.err.println("maintain: no table " + t + " in the catalog (tables are named namespace.table, e.g. marts.mart_kpi_compliance)");
        return 2;
      }
    }
    System.out.printf("%s: snapshots older than %d days expired (keeping the last %d), orphan files older than %d days deleted, "
            + "target file size %d MB%n", dryRun ? "maintain --dry-run (nothing is changed)" : "maintain", days, last, orphanDays, targetMb);
    TableMaintenance maintenance = TableMaintenance.builder(spark)
        .tables(tables)
        .snapshotRetention(Duration.ofDays(days))
        .retainLast(last)
        .orphanFileAge(Duration.ofDays(orphanDays))
        .targetFileSizeBytes(targetMb * 1024L * 1024L)
        .minInputFiles(minFiles)
        .dryRun(dryRun)
        .build();
    List<Row> rows = new ArrayList<>();
    long expired = 0;
    long orphans = 0;
    for (String table : tables.isEmpty() ? all : tables) {
      TableMaintenance.Result r = maintenance.maintain(table);
      expired += r.snapshotsExpired();
      orphans += r.orphanFilesRemoved();
      rows.add(RowFactory.create(r.table(),
          r.dataFilesBefore() + (dryRun ? "" : " -> " + r.dataFilesAfter()),
          mb(r.bytesBefore()) + (dryRun ? "" : " -> " + mb(r.bytesAfter())),
          Integer.toString(r.filesCompacted()),
          r.snapshotsBefore() + " / " + r.snapshotsExpired(),
          Long.toString(r.orphanFilesRemoved()),
          String.format(Locale.ROOT, "%.1f", r.seconds())));
      if (dryRun) {
        r.orphanFiles().forEach(f -> System.err.println("maintain: orphan " + f));
      }
    }
    System.out.print(TextTable.render(List.of("table", "data files", "MB", dryRun ? "would compact" : "compacted",
        dryRun ? "snapshots / would expire" : "snapshots / expired", dryRun ? "orphans found" : "orphans removed", "seconds"), rows));
    System.out.printf("%d tables, %d snapshots %s, %d orphan files %s%n", rows.size(), expired, dryRun ? "would be expired" : "expired",
        orphans, dryRun ? "would be deleted" : "deleted");
    return 0;
  }

  private static String mb(long bytes) {
    return String.format(Locale.ROOT, "%.2f", bytes / 1024.0 / 1024.0);
  }
}
