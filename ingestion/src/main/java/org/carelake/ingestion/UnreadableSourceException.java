package org.carelake.ingestion;

/** A whole source cannot be read (unknown layout, wrong encoding, empty): nothing of it is landed. */
public class UnreadableSourceException extends RuntimeException {
  public UnreadableSourceException(String message) {
    super(message);
  }

  public UnreadableSourceException(String message, Throwable cause) {
    super(message, cause);
  }
}
