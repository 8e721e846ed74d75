package org.carelake.schema;

/** A rule every row must satisfy, as a Spark SQL boolean expression over the table's columns. */
public record Invariant(String name, String expression) {}
