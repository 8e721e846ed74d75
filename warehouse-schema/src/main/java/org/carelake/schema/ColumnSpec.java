package org.carelake.schema;

import java.util.List;

/** One column of a table contract: Spark SQL type, nullability and, where the domain fixes them, accepted values. */
public record ColumnSpec(String name, String type, boolean nullable, String description, List<String> acceptedValues) {

  public ColumnSpec {
    acceptedValues = acceptedValues == null ? List.of() : List.copyOf(acceptedValues);
  }

  public String ddl() {
    String comment = description == null ? "" : " COMMENT '" + description.replace("'", "\\'") + "'";
    return "`" + name + "` " + type + (nullable ? "" : " NOT NULL") + comment;
  }
}
