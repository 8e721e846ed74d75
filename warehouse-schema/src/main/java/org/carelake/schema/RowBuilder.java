package org.carelake.schema;

import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** Builds a Row in a contract's column order by column name, so a reader never depends on column positions. */
public final class RowBuilder {

  private final TableContract contract;
  private final Map<String, Object> values = new HashMap<>();

  public RowBuilder(TableContract contract) {
    this.contract = contract;
  }

  public RowBuilder set(String column, Object value) {
    if (!contract.columnNames().contains(column)) {
      throw new IllegalArgumentException(contract.table() + " has no column " + column);
    }
    values.put(column, value);
    return this;
  }

  public Row build() {
    return RowFactory.create(contract.columnNames().stream().map(values::get).toArray());
  }
}
