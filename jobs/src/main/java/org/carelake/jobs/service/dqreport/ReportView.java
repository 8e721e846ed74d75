package org.carelake.jobs.service.dqreport;

import java.util.List;
import org.carelake.jobs.service.dqreport.ReportData.Finding;
import org.carelake.jobs.service.dqreport.ReportData.GeographyFinding;
import org.carelake.jobs.service.dqreport.ReportData.TableExtract;

/** What the report pages show, already worded and formatted: the templates only lay it out. */
public final class ReportView {

  private ReportView() {}

  /** A short status word drawn as a tag; {@code tone} is good, bad, warn or neutral (text says it too, not colour alone). */
  public record Tag(String text, String tone) {
    static Tag good(String text) {
      return new Tag(text, "good");
    }

    static Tag bad(String text) {
      return new Tag(text, "bad");
    }

    static Tag warn(String text) {
      return new Tag(text, "warn");
    }

    static Tag neutral(String text) {
      return new Tag(text, "neutral");
    }

    /** Shown as plain text: a "No" in a column of mostly "No" should not draw the eye. */
    static Tag plain(String text) {
      return new Tag(text, "plain");
    }
  }

  /**
   * Returns counted over some set of expected submissions, and the findings on them: {@code errorFindings} are those on
   * received returns (as marts.mart_provider_data_quality counts them), {@code findings} all of them, missing returns too.
   */
  public record Counts(long due, long received, long onTime, long late, long missing, long accurate, long withErrors,
      long errorFindings, long warningFindings, long findings) {

    /** "17 returns due · 16 received, 2 of them late · 1 missing · 3 received with errors". */
    public String summary() {
      StringBuilder b = new StringBuilder(plural(due, "return") + " due · " + received + " received");
      if (late > 0) {
        b.append(", ").append(late).append(late == 1 ? " of them late" : " of them late");
      }
      b.append(" · ").append(missing).append(" missing · ").append(withErrors).append(" received with errors");
      return b.toString();
    }

    static String plural(long n, String noun) {
      return n + " " + noun + (n == 1 ? "" : "s");
    }
  }

  /** One KPI against its target: "87.50%", "95%", Met / Not met / No returns received. */
  public record Kpi(String name, String value, String target, Tag tag, String explanation) {}

  /** The rolling twelve-month KPIs of marts.mart_provider_data_quality, worded. */
  public record KpiView(String window, Kpi timeliness, Kpi accuracy, Counts counts, Tag serviceFailure, String serviceFailureText,
      Tag persistentlyInaccurate, String persistentlyInaccurateText) {}

  /** A late or missing return. */
  public record ReturnLine(String service, String serviceHref, String returnType, String period, String due, String submitted,
      Tag status) {}

  /** One finding as a row of the findings table. */
  public record FindingLine(Tag severity, String ruleCode, String ruleClass, String rule, String measureCode,
      String measureDescription, String value, String evidence) {}

  /** The findings on one return of one service. */
  public record PeriodBlock(String heading, String status, Tag statusTag, long errors, long warnings, List<FindingLine> findings) {}

  /** One contracted service (a CQC location) with its returns' findings, newest period first. */
  public record ServiceBlock(String anchor, String name, String locationId, String serviceType, Counts counts,
      List<PeriodBlock> periods, long returnsWithoutFindings) {}

  /** A provider's page. {@code overviewHref} is null when the report was made for that provider alone. */
  public record ProviderPage(String providerId, String providerName, String asOf, String generatedAt, String periodLabel,
      boolean periodFiltered, String overviewHref, String csvHref, KpiView kpis, Counts selected, List<ReturnLine> lateOrMissing,
      List<ServiceBlock> services, List<Finding> findings) {

    public boolean empty() {
      return selected.due() == 0 && findings.isEmpty();
    }

    public String title() {
      return providerName == null || providerName.isBlank() ? "Provider " + providerId : providerName;
    }
  }

  /** One provider in the council overview, ranked worst first. */
  public record ProviderRow(int rank, String providerId, String name, String href, String services, Kpi timeliness, Kpi accuracy,
      Tag serviceFailure, Tag persistentlyInaccurate, Counts selected, String attention) {}

  /** The council overview page. {@code datasetChecks} is null when the warehouse has no such table. */
  public record CouncilPage(String asOf, String generatedAt, String periodLabel, boolean periodFiltered, String csvHref,
      String geographyCsvHref, List<ProviderRow> providers, Counts selected, long meetingBothTargets, long serviceFailures,
      long persistentlyInaccurate, long withoutReturnsDue, List<GeographyFinding> geography, TableExtract datasetChecks) {}
}
