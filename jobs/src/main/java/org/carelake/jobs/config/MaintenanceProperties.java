package org.carelake.jobs.config;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Iceberg table maintenance ({@code carelake maintain}): how long the council keeps snapshots (time travel ends before
 * the oldest one kept), and the compaction and orphan-file settings.
 */
@ConfigurationProperties(prefix = "carelake.maintenance")
public class MaintenanceProperties {

  /** Snapshots older than this many days are expired, unless among the last {@code retainLast}. */
  private int snapshotRetentionDays = 90;
  /** The newest snapshots of every table always kept, however old. */
  private int retainLast = 10;
  /** Only files no snapshot references and older than this many days are deleted (a write in flight is younger). */
  private int orphanFileAgeDays = 3;
  /** Compaction's target data file size. */
  private int targetFileSizeMb = 128;
  /** Compaction rewrites a partition's small files only when there are at least this many. */
  private int minInputFiles = 5;

  public int getSnapshotRetentionDays() {
    return snapshotRetentionDays;
  }

  public void setSnapshotRetentionDays(int snapshotRetentionDays) {
    this.snapshotRetentionDays = snapshotRetentionDays;
  }

  public int getRetainLast() {
    return retainLast;
  }

  public void setRetainLast(int retainLast) {
    this.retainLast = retainLast;
  }

  public int getOrphanFileAgeDays() {
    return orphanFileAgeDays;
  }

  public void setOrphanFileAgeDays(int orphanFileAgeDays) {
    this.orphanFileAgeDays = orphanFileAgeDays;
  }

  public int getTargetFileSizeMb() {
    return targetFileSizeMb;
  }

  public void setTargetFileSizeMb(int targetFileSizeMb) {
    this.targetFileSizeMb = targetFileSizeMb;
  }

  public int getMinInputFiles() {
    return minInputFiles;
  }

  public void setMinInputFiles(int minInputFiles) {
    this.minInputFiles = minInputFiles;
  }

  /** In words, for messages: "90 days, keeping the last 10 snapshots". */
  public String describe() {
    return snapshotRetentionDays + " days, keeping at least the last " + retainLast + " snapshots";
  }
}
