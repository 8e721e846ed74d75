package org.carelake.jobs.service.dqreport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.carelake.jobs.service.dqreport.ReportData.Finding;
import org.carelake.jobs.service.dqreport.ReportData.GeographyFinding;
import org.carelake.jobs.service.dqreport.ReportView.CouncilPage;
import org.carelake.jobs.service.dqreport.ReportView.ProviderPage;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * Renders report pages to self-contained HTML (Thymeleaf templates under {@code dq-report/}, every value escaped by the
 * template engine, CSS inline) and findings to CSV that is safe to open in Excel: UTF-8 with a byte order mark, and a
 * text cell that a spreadsheet would read as a formula ({@code = + - @}, tab, carriage return) gets a leading {@code '}.
 */
public final class ReportRenderer {

  public static final List<String> CSV_HEADER = List.of("provider_id", "provider_name", "location_id", "location_name",
      "service_type", "return_type", "period_start", "period_end", "severity", "rule_code", "rule_class", "rule_description",
      "measure_code", "measure_description", "value", "evidence", "detected_at");

  private static final CSVFormat CSV = CSVFormat.DEFAULT.builder().setRecordSeparator("\r\n").setNullString("").build();
  private static final String BOM = "\uFEFF";

  private final TemplateEngine engine;

  public ReportRenderer() {
    ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(ReportRenderer.class.getClassLoader());
    resolver.setPrefix("dq-report/");
    resolver.setSuffix(".html");
    resolver.setTemplateMode(TemplateMode.HTML);
    resolver.setCharacterEncoding(StandardCharsets.UTF_8.name());
    resolver.setCacheable(true);
    engine = new TemplateEngine();
    engine.setTemplateResolver(resolver);
  }

  public String providerHtml(ProviderPage page) {
    Context ctx = new Context(Locale.UK);
    ctx.setVariable("page", page);
    return engine.process("provider", ctx);
  }

  public String councilHtml(CouncilPage page) {
    Context ctx = new Context(Locale.UK);
    ctx.setVariable("page", page);
    return engine.process("council", ctx);
  }

  /** One row per finding, the columns of {@link #CSV_HEADER}. */
  public static String findingsCsv(List<Finding> findings) {
    StringBuilder out = new StringBuilder(BOM);
    try (CSVPrinter p = new CSVPrinter(out, CSV)) {
      p.printRecord(CSV_HEADER);
      for (Finding f : findings) {
        p.printRecord(safe(f.providerId(), f.providerName(), f.locationId(), f.locationName(), f.serviceType(), f.returnType(),
            f.periodStart(), f.periodEnd(), f.severity(), f.ruleCode(), f.ruleClass(), f.description(), f.measureCode(),
            f.measureDescription(), f.value(), f.evidence(), f.detectedAt()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  /** dq.cqc_unmatched_geography as CSV, for the officer's spreadsheet. */
  public static String geographyCsv(List<GeographyFinding> rows) {
    StringBuilder out = new StringBuilder(BOM);
    try (CSVPrinter p = new CSVPrinter(out, CSV)) {
      p.printRecord("name_kind", "cqc_name", "source_layout", "rule_code", "severity", "locations", "first_seen_snapshot",
          "last_seen_snapshot", "evidence");
      for (GeographyFinding g : rows) {
        p.printRecord(safe(g.nameKind(), g.cqcName(), g.sourceLayout(), g.ruleCode(), g.severity(), g.locations(), g.firstSeen(),
            g.lastSeen(), g.evidence()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static List<Object> safe(Object... values) {
    List<Object> cells = new ArrayList<>(values.length);
    for (Object v : values) {
      if (v instanceof String s) {
        cells.add(neutralise(s));
      } else if (v instanceof LocalDate || v instanceof Instant || v instanceof Number) {
        cells.add(v.toString());
      } else {
        cells.add(v == null ? null : neutralise(v.toString()));
      }
    }
    return cells;
  }

  /**
   * A cell Excel, LibreOffice or Sheets would take for a formula is turned into text with a leading apostrophe
   * (OWASP's advice for CSV injection). Negative numbers a provider typed ("-3") are shown as '-3: still readable.
   */
  public static String neutralise(String s) {
    if (s == null || s.isEmpty()) {
      return s;
    }
    char c = s.charAt(0);
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r' || c == '\n' ? "'" + s : s;
  }
}
