package org.carelake.ingestion.cqc;

import java.util.List;
import org.carelake.ingestion.SourceBytes;

/**
 * Location documents read from the CQC API or a folder of its saved responses. {@code index} is the listing the
 * ids came from (null for the live API, whose listing is paged); {@code missing} are listed ids whose document
 * could not be had.
 */
public record ApiBatch(SourceBytes index, int listed, List<SourceBytes> documents, List<Missing> missing) {

  public record Missing(String locationId, String where, String rule, String reason) {}

  public ApiBatch {
    documents = List.copyOf(documents);
    missing = List.copyOf(missing);
  }
}
