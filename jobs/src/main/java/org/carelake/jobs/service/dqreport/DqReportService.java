package org.carelake.jobs.service.dqreport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.carelake.jobs.service.Lakehouse;
import org.carelake.jobs.service.dqreport.ReportData.Snapshot;
import org.carelake.jobs.service.dqreport.ReportView.ProviderPage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

/**
 * {@code dq-report}: the data-quality report on provider submissions, as HTML a provider's manager and a council officer
 * can both read, and the same findings as CSV. For one provider: {@code provider-<id>.html} and {@code .csv}. For the
 * council: {@code index.html} (providers worst first, CQC names matching no council, warehouse checks when there are
 * any), {@code findings.csv}, {@code cqc-geography.csv} and the two files for every provider.
 */
@Service
public class DqReportService {

  public static final String INDEX = "index.html";
  public static final String ALL_FINDINGS = "findings.csv";
  public static final String GEOGRAPHY = "cqc-geography.csv";

  /** What a run wrote. */
  public record Outcome(Path dir, List<Path> files, int providers, int findings, long bytes, Duration took) {}

  private static final Logger LOG = LoggerFactory.getLogger(DqReportService.class);

  private final Lakehouse lakehouse;
  private final Clock clock = Clock.systemUTC();
  private final ReportRenderer renderer = new ReportRenderer();

  public DqReportService(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  /** The report for one provider; an id the warehouse does not know is refused (IllegalArgumentException). */
  public Outcome provider(String providerId, Optional<PeriodRange> period, Path outDir) throws IOException {
    if (providerId == null || providerId.isBlank()) {
      throw new IllegalArgumentException("--provider needs a provider id");
    }
    Instant start = clock.instant();
    Snapshot data = new ReportReader(lakehouse.spark()).read(providerId);
    if (!data.providerNames().containsKey(providerId) && data.submissions().isEmpty() && data.findings().isEmpty()) {
      throw new IllegalArgumentException("unknown provider '" + providerId + "': no such provider_id in core.dim_provider "
          + "(list them with: ./carelake sql \"SELECT provider_id, provider_name FROM core.dim_provider WHERE is_contracted\")");
    }
    logRead(data, start);
    ReportFiles files = new ReportFiles(outDir);
    ReportBuilder builder = new ReportBuilder(data, period, start);
    List<Path> written = new ArrayList<>();
    ProviderPage page = writeProvider(builder, providerId, null, files, written);
    return outcome(files, written, 1, page.findings().size(), start);
  }

  /** The council overview and one report per provider with a return due, a finding or a KPI row. */
  public Outcome all(Optional<PeriodRange> period, Path outDir) throws IOException {
    Instant start = clock.instant();
    Snapshot data = new ReportReader(lakehouse.spark()).read(null);
    logRead(data, start);
    ReportFiles files = new ReportFiles(outDir);
    ReportBuilder builder = new ReportBuilder(data, period, start);
    List<Path> written = new ArrayList<>();
    Map<String, String> stems = stems(builder.providerIds());
    for (String id : builder.providerIds()) {
      writeProvider(builder, id, INDEX, files, written, stems.get(id));
    }
    written.add(files.write(ALL_FINDINGS, ReportRenderer.findingsCsv(builder.findings(null))));
    written.add(files.write(GEOGRAPHY, ReportRenderer.geographyCsv(data.geography())));
    written.add(files.write(INDEX, renderer.councilHtml(builder.councilPage(id -> stems.get(id) + ".html", ALL_FINDINGS, GEOGRAPHY))));
    return outcome(files, written, builder.providerIds().size(), builder.findings(null).size(), start);
  }

  private void logRead(Snapshot data, Instant start) {
    LOG.info("dq-report: read {} findings, {} expected returns, {} provider KPI rows in {} ms", data.findings().size(),
        data.submissions().size(), data.kpis().size(), Duration.between(start, clock.instant()).toMillis());
  }

  /** File stems for providers, unique even if two ids clean up to the same name. */
  static Map<String, String> stems(Iterable<String> providerIds) {
    Map<String, String> stems = new HashMap<>();
    Map<String, Integer> used = new HashMap<>();
    for (String id : providerIds) {
      String stem = ReportFiles.providerStem(id);
      int n = used.merge(stem.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
      stems.put(id, n == 1 ? stem : stem + "-" + n);
    }
    return stems;
  }

  private ProviderPage writeProvider(ReportBuilder builder, String id, String overview, ReportFiles files, List<Path> written)
      throws IOException {
    return writeProvider(builder, id, overview, files, written, ReportFiles.providerStem(id));
  }

  private ProviderPage writeProvider(ReportBuilder builder, String id, String overview, ReportFiles files, List<Path> written,
      String stem) throws IOException {
    ProviderPage page = builder.providerPage(id, overview, stem + ".csv");
    written.add(files.write(stem + ".html", renderer.providerHtml(page)));
    written.add(files.write(stem + ".csv", ReportRenderer.findingsCsv(page.findings())));
    return page;
  }

  private Outcome outcome(ReportFiles files, List<Path> written, int providers, int findings, Instant start) throws IOException {
    long bytes = 0;
    for (Path p : written) {
      bytes += Files.size(p);
    }
    return new Outcome(files.dir(), written, providers, findings, bytes, Duration.between(start, clock.instant()));
  }
}
