package org.carelake.jobs.cli;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.ingestion.returns.ReturnPeriod;
import org.carelake.ingestion.returns.ReturnWorkbook;
import org.carelake.jobs.service.Lakehouse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "template", mixinStandardHelpOptions = true,
    description = {"Write the blank monitoring return workbook for one contracted service and period: the measures that",
        "apply to its service type, with descriptions and units, in the council's template layout."})
public class TemplateCommand implements Callable<Integer> {

  private final Lakehouse lakehouse;

  public TemplateCommand(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  @Option(names = "--location", required = true, paramLabel = "ID", description = "CQC location ID of the contracted service")
  String locationId;

  @Option(names = "--return", required = true, paramLabel = "TYPE", description = "monthly, quarterly or annual")
  String returnType;

  @Option(names = "--period", required = true, paramLabel = "DATE", description = "period start (or any day in it), YYYY-MM-DD")
  LocalDate period;

  @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "the .xlsx to write")
  Path output;

  @Override
  public Integer call() throws Exception {
    if (!ReturnPeriod.RETURN_TYPES.contains(returnType)) {
      throw new IllegalArgumentException("--return must be one of " + ReturnPeriod.RETURN_TYPES);
    }
    LocalDate start = ReturnPeriod.startContaining(returnType, period);
    LocalDate end = ReturnPeriod.endFor(returnType, start);
    List<Row> contract = lakehouse.spark().sql(
        "SELECT provider_id, service_type FROM raw.contract_register WHERE location_id = '" + locationId.replace("'", "")
            + "' ORDER BY _ingested_at DESC, _source_row LIMIT 1").collectAsList();
    if (contract.isEmpty()) {
      throw new IllegalArgumentException("location " + locationId + " has no contract in the register: ingest the contract register first");
    }
    MeasureCatalogue catalogue = MeasureCatalogue.load(lakehouse.properties().getSeedsDir());
    var measures = catalogue.applicable(returnType, contract.get(0).getString(1));
    var header = new ReturnWorkbook.Header(contract.get(0).getString(0), locationId, returnType, start, end);
    if (output.toAbsolutePath().getParent() != null) {
      Files.createDirectories(output.toAbsolutePath().getParent());
    }
    try (OutputStream out = Files.newOutputStream(output)) {
      ReturnWorkbook.writeTemplate(header, measures, out);
    }
    System.out.println("wrote " + output + ": " + returnType + " return " + start + " to " + end + " for " + locationId
        + " (" + contract.get(0).getString(1) + "), " + measures.size() + " measures");
    return 0;
  }
}
