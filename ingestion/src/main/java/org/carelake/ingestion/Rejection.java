package org.carelake.ingestion;

/**
 * A row or document that could not be landed. {@code rule} is a short stable code, {@code reason} says what was
 * wrong in words a council officer understands.
 */
public record Rejection(Lineage lineage, String layout, String document, String rule, String reason, String record)
    implements java.io.Serializable {}
