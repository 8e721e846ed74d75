package org.carelake.ingestion;

import java.sql.Timestamp;
import org.carelake.schema.RowBuilder;

/** The lineage every raw row carries: where it was read, which bytes, which row, when, by which run. */
public record Lineage(String sourceFile, String sha256, Long row, Timestamp ingestedAt, String batchId) implements java.io.Serializable {

  public Lineage atRow(long r) {
    return new Lineage(sourceFile, sha256, r, ingestedAt, batchId);
  }

  public RowBuilder applyTo(RowBuilder b) {
    return b.set("_source_file", sourceFile)
        .set("_source_sha256", sha256)
        .set("_source_row", row)
        .set("_ingested_at", ingestedAt)
        .set("_batch_id", batchId);
  }
}
