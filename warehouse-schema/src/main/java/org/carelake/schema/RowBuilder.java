package org.carelake.schema;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Builds a Row in a contract's column order by column name, so a reader never depends on column positions. */
public final class RowBuilder {

  /** Column positions per table, worked out once: ingestion builds a row per line read, so this is on the hot path. */
  private static final Map<Identity, Map<String, Integer>> POSITIONS = new ConcurrentHashMap<>();

  /** A contract by identity (two versions of one table's contract must not share positions), hashed cheaply. */
  private record Identity(TableContract contract) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Identity other && other.contract == contract;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(contract);
    }
  }

  private final TableContract contract;
  private final Map<String, Integer> positions;
  private final Object[] values;

  public RowBuilder(TableContract contract) {
    this.contract = contract;
    this.positions = POSITIONS.computeIfAbsent(new Identity(contract), k -> {
      List<String> names = contract.columnNames();
      Map<String, Integer> m = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        m.put(names.get(i), i);
      }
      return Map.copyOf(m);
    });
    this.values = new Object[positions.size()];
  }

  public RowBuilder set(String column, Object value) {
    Integer i = positions.get(column);
    if (i == null) {
      throw new IllegalArgumentException(contract.table() + " has no column " + column);
    }
    values[i] = value;
    return this;
  }

  public Row build() {
    return RowFactory.create(values.clone());
  }
}
