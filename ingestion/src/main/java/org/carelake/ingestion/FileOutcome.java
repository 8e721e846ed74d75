package org.carelake.ingestion;

/** What happened to one source file or document: rows read, landed and quarantined, or skipped as already landed. */
public record FileOutcome(String source, String layout, long read, long landed, long quarantined, boolean alreadyLanded)
    implements java.io.Serializable {

  public FileOutcome {
    if (!alreadyLanded && landed + quarantined != read) {
      throw new IllegalStateException(source + ": landed " + landed + " + quarantined " + quarantined + " != read " + read);
    }
  }
}
