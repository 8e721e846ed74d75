package org.carelake.jobs.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.TextTable;
import org.carelake.transforms.quality.Deequ;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "dq-suggest", mixinStandardHelpOptions = true,
    description = {"Profile a table with Deequ and print the constraints it suggests (column, constraint, Deequ code):",
        "a starting point for new dataset checks in org.carelake.transforms.quality.DatasetChecks. Reads the whole table",
        "several times; nothing is written."})
public class DqSuggestCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;

  public DqSuggestCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Parameters(index = "0", paramLabel = "TABLE", description = "e.g. core.fct_return_measure")
  String table;

  @Override
  public Integer call() {
    if (!table.matches("[A-Za-z_][A-Za-z0-9_]*\\.[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("TABLE must be <namespace>.<table>, e.g. core.fct_return_measure: " + table);
    }
    SparkSession spark = lakehouse.spark();
    if (!spark.catalog().tableExists(table)) {
      throw new IllegalArgumentException("no table " + table + " in the catalog (run build first?)");
    }
    List<Deequ.Suggestion> suggestions = Deequ.suggest(spark.table(table));
    System.out.println("Constraint suggestions for " + table + ": " + suggestions.size());
    List<Row> rows = new ArrayList<>();
    for (Deequ.Suggestion s : suggestions) {
      rows.add(RowFactory.create(s.column(), s.description(), s.code()));
    }
    System.out.print(TextTable.render(List.of("column", "constraint", "code"), rows));
    return 0;
  }
}
