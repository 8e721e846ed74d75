package org.carelake.jobs.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.carelake.ingestion.returns.Measure;
import org.carelake.ingestion.returns.MeasureCatalogue;
import org.carelake.jobs.config.CarelakeProperties;

/** A Lakehouse on the test JVM's one SparkSession (and its current catalog), and small monthly return files. */
final class TestWarehouse {

  static final String PROVIDER = "1-101641521";

  private TestWarehouse() {}

  static Path seeds() {
    return Path.of(System.getProperty("carelake.repo.root", "..")).toAbsolutePath().normalize().resolve("seeds");
  }

  static Lakehouse lakehouse(SparkSession spark, Path home) {
    CarelakeProperties properties = new CarelakeProperties();
    properties.setHome(home);
    properties.setSeedsDir(seeds());
    return new Lakehouse(properties) {
      @Override
      public synchronized SparkSession spark() {
        return spark;
      }
    };
  }

  /** A few numeric home-support measures of the monthly return. */
  static List<Measure> measures(MeasureCatalogue catalogue, int n) {
    return catalogue.applicable("monthly", "home_support").stream().filter(m -> !m.unit().equals("date")).limit(n).toList();
  }

  /**
   * A folder of August 2025 monthly returns, one file per location {@code from..to} (ids {@code 1-4<from>...}), each
   * measure given {@code value}.
   */
  static Path returns(Path dir, int from, int to, List<Measure> measures, String value) throws IOException {
    return returns(dir, from, to, measures, value, LocalDate.of(2025, 8, 1));
  }

  /** Monthly returns of locations {@code from..to} for the month starting {@code start}, sent 5 days after it ends. */
  static Path returns(Path dir, int from, int to, List<Measure> measures, String value, LocalDate start) throws IOException {
    Files.createDirectories(dir);
    for (int i = from; i <= to; i++) {
      String location = String.format("1-4%010d", i);
      StringBuilder csv = new StringBuilder("provider_id,location_id,return_type,period_start,period_end,submitted_at,measure_code,value,comment\n");
      for (Measure m : measures) {
        csv.append(String.join(",", PROVIDER, location, "monthly", start.toString(), start.plusMonths(1).minusDays(1).toString(),
            start.plusMonths(1).plusDays(4) + "T10:00:00+01:00", m.code(), value, "")).append('\n');
      }
      Files.writeString(dir.resolve(location + ".csv"), csv);
    }
    return dir;
  }
}
