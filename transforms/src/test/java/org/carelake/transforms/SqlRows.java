package org.carelake.transforms;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** A query's rows as "[a, b, c]" strings: expected rows in a test read like the table. */
final class SqlRows {

  private SqlRows() {}

  static List<String> of(SparkSession spark, String sql) {
    return spark.sql(sql).collectAsList().stream().map(r -> {
      Object[] o = new Object[r.size()];
      for (int i = 0; i < r.size(); i++) {
        o[i] = r.get(i);
      }
      return Arrays.asList(o).toString();
    }).toList();
  }
}
