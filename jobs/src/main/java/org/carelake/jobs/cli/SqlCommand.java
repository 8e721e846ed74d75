package org.carelake.jobs.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.carelake.jobs.service.CsvOutput;
import org.carelake.jobs.service.Lakehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Run Spark SQL on the catalog and print the result as CSV with a header on stdout (logs go to stderr).")
public class SqlCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;

  public SqlCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Parameters(index = "0", paramLabel = "QUERY", description = "e.g. \"SELECT * FROM marts.mart_ratings_benchmark LIMIT 5\"")
  String query;

  @Override
  public Integer call() throws Exception {
    var spark = lakehouse.spark();
    org.carelake.transforms.SqlFunctions.register(spark);
    BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
    CsvOutput.write(spark.sql(query), out);
    out.flush();
    return 0;
  }
}
