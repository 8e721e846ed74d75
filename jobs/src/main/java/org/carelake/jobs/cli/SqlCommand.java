package org.carelake.jobs.cli;

import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.carelake.jobs.service.CsvOutput;
import org.carelake.jobs.service.Lakehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sql", mixinStandardHelpOptions = true,
    description = {"Run Spark SQL on the catalog and print the result as CSV with a header on stdout (logs go to stderr).",
        "Several queries need --output-dir: the results are written there as 1.csv, 2.csv, ... in the order given",
        "(one JVM for many queries, as the dashboards' end-to-end check does)."})
public class SqlCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;

  public SqlCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Parameters(arity = "1..*", paramLabel = "QUERY", description = "e.g. \"SELECT * FROM marts.mart_ratings_benchmark LIMIT 5\"")
  List<String> queries;

  @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", description = "write each query's result to DIR/<n>.csv")
  Path outputDir;

  @Override
  public Integer call() throws Exception {
    if (queries.size() > 1 && outputDir == null) {
      System.err.println("sql: " + queries.size() + " queries given; add --output-dir DIR to write each result to DIR/<n>.csv");
      return 2;
    }
    var spark = lakehouse.spark();
    org.carelake.transforms.SqlFunctions.register(spark);
    if (outputDir == null) {
      BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      CsvOutput.write(spark.sql(queries.get(0)), out);
      out.flush();
      return 0;
    }
    Files.createDirectories(outputDir);
    for (int i = 0; i < queries.size(); i++) {
      Path file = outputDir.resolve((i + 1) + ".csv");
      try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        CsvOutput.write(spark.sql(queries.get(i)), out);
      }
      System.err.println("sql: query " + (i + 1) + " -> " + file);
    }
    return 0;
  }
}
