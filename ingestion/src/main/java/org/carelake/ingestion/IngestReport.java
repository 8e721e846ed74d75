package org.carelake.ingestion;

import java.util.List;

/** The result of one ingest command: an outcome per file or document, and the totals. */
public record IngestReport(String batchId, String layout, List<FileOutcome> files) {

  public IngestReport {
    files = List.copyOf(files);
  }

  public long read() {
    return files.stream().filter(f -> !f.alreadyLanded()).mapToLong(FileOutcome::read).sum();
  }

  public long landed() {
    return files.stream().mapToLong(FileOutcome::landed).sum();
  }

  public long quarantined() {
    return files.stream().mapToLong(FileOutcome::quarantined).sum();
  }

  public long alreadyLanded() {
    return files.stream().filter(FileOutcome::alreadyLanded).count();
  }

  public String summary() {
    return String.format("layout %s, batch %s: %d source(s) new, %d already landed; rows read %d = landed %d + quarantined %d",
        layout, batchId, files.size() - alreadyLanded(), alreadyLanded(), read(), landed(), quarantined());
  }
}
