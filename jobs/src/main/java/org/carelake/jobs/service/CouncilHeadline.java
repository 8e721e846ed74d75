package org.carelake.jobs.service;

import java.util.List;
import org.springframework.stereotype.Service;

/**
 * What a head of service asks second: the commissioned market, how its services do against their contract KPIs in
 * the latest complete month, whether returns arrive on time, who is in critical failure, and where to look next.
 */
@Service
public class CouncilHeadline {

  static final String MARKET = """
      SELECT service_type, services, providers, contracted_beds, contracted_weekly_hours, rated_services, pct_good_or_outstanding
      FROM marts.mart_market_overview ORDER BY CASE WHEN service_type = 'all' THEN 1 ELSE 0 END, service_type""";

  static final String KPIS = """
      WITH latest AS (
        SELECT kpi_code, max(period_start) AS period_start FROM marts.mart_kpi_compliance
        WHERE is_period_complete AND rag <> 'no_data' GROUP BY kpi_code
      )
      SELECT k.kpi_code, k.assessed, date_format(k.period_start, 'yyyy-MM') AS period, max(k.target_pct) AS target,
             count_if(rag = 'green') AS green, count_if(rag = 'amber') AS amber, count_if(rag = 'red') AS red,
             count_if(rag = 'no_data') AS no_data, count_if(is_critical_breach) AS critical_breaches
      FROM marts.mart_kpi_compliance k JOIN latest l ON l.kpi_code = k.kpi_code AND l.period_start = k.period_start
      GROUP BY k.kpi_code, k.assessed, k.period_start ORDER BY k.kpi_code""";

  static final String SUBMISSIONS = """
      SELECT return_type, count(*) AS expected, count_if(is_received) AS received, count_if(is_on_time) AS on_time,
             round(100 * count_if(is_on_time) / count(*), 1) AS pct_on_time, count_if(is_missing) AS missing,
             count_if(is_service_failure) AS service_failures
      FROM core.fct_submission GROUP BY return_type ORDER BY return_type""";

  static final String FAILURES = """
      SELECT reason_code, count(DISTINCT contract_id) AS services, count(*) AS findings
      FROM marts.mart_critical_failures GROUP BY reason_code ORDER BY reason_code""";

  static final String RISK = """
      SELECT risk_rank, risk_score, location_id, left(coalesce(location_name, ''), 32) AS location, service_type,
             array_join(enhanced_monitoring_triggers, ' ') AS triggers,
             left(coalesce(reasons[0], ''), 90) AS main_reason
      FROM marts.mart_provider_risk ORDER BY risk_rank, location_id LIMIT 10""";

  private final Lakehouse lakehouse;

  public CouncilHeadline(Lakehouse lakehouse) {
    this.lakehouse = lakehouse;
  }

  public String render() {
    var spark = lakehouse.spark();
    String asOf = String.valueOf(spark.sql("SELECT as_of_date FROM core.dim_as_of").first().get(0));
    return "Commissioned market (active contracts, as of " + asOf + ")\n"
        + TextTable.render(List.of("service_type", "services", "providers", "beds", "weekly_hours", "rated", "pct_good_outstanding"),
            spark.sql(MARKET).collectAsList())
        + "\nKPI compliance, latest complete period with data (services by RAG)\n"
        + TextTable.render(List.of("kpi", "assessed", "period", "target", "green", "amber", "red", "no_data", "critical"),
            spark.sql(KPIS).collectAsList())
        + "\nProvider returns expected so far\n"
        + TextTable.render(List.of("return", "expected", "received", "on_time", "pct_on_time", "missing", "3_missing_in_a_row"),
            spark.sql(SUBMISSIONS).collectAsList())
        + "\nCritical performance failures (marts.mart_critical_failures)\n"
        + TextTable.render(List.of("reason", "services", "findings"), spark.sql(FAILURES).collectAsList())
        + "\nWhere to look next: the ten highest risk scores (marts.mart_provider_risk, reasons in full there)\n"
        + TextTable.render(List.of("rank", "score", "location_id", "location", "service_type", "enhanced_monitoring_triggers", "main_reason"),
            spark.sql(RISK).collectAsList());
  }
}
