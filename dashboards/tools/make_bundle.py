"""Writes dashboards/bundle/ (Superset's assets export format) from the definitions below.

The bundle in git is what `dashboards up` imports; this script is how it is kept consistent: fixed UUIDs (uuid5 of
each asset's name), physical datasets' columns and types read from the models' YAML (transforms/.../models), the
database URI a placeholder that `dashboards up` replaces. Run it with the Superset venv's python (it needs PyYAML)
after changing a chart, then commit the bundle:

    $CARELAKE_HOME/superset/venv/bin/python dashboards/tools/make_bundle.py
"""

import json
import re
import shutil
import sys
import uuid
from pathlib import Path

import yaml

DASHBOARDS = Path(__file__).resolve().parents[1]
ROOT = DASHBOARDS.parent
MODELS = ROOT / "transforms/src/main/resources/models"
OUT = DASHBOARDS / "bundle"
NS = uuid.UUID("6f0c7b9e-3a52-4d1e-9a57-2b1f3c0a7e11")
VERSION = "1.0.0"


def uid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NS, f"{kind}:{name}"))


DATABASE = {
    "database_name": "carelake",
    "sqlalchemy_uri": "SQL_ENDPOINT_URI",
    "cache_timeout": None,
    "expose_in_sqllab": True,
    "allow_run_async": False,
    "allow_ctas": False,
    "allow_cvas": False,
    "allow_dml": False,
    "allow_csv_upload": False,
    "extra": {"allows_virtual_table_explore": True, "metadata_params": {}, "engine_params": {}},
    "uuid": uid("database", "carelake"),
    "version": VERSION,
}

# ---------------------------------------------------------------------------------------------------------------
# datasets

TYPES = {"string": "STRING", "date": "DATE", "timestamp": "TIMESTAMP", "bigint": "BIGINT", "int": "INT",
         "boolean": "BOOLEAN", "double": "DOUBLE"}


def model_columns(layer_table: str) -> list[dict]:
    layer, table = layer_table.split(".")
    spec = yaml.safe_load((MODELS / layer / table / f"{table}.yml").read_text(encoding="utf-8"))
    return spec["columns"]


LABELS = {
    "location_name": "Service", "provider_name": "Provider", "provider_id": "Provider ID", "location_id": "Location ID",
    "service_type": "Service type", "geography_name": "Geography", "rating_age_days": "Age of rating (days)",
    "report_date": "CQC report", "is_commissioned": "Commissioned", "kpi_name": "KPI", "assessed": "Assessed",
    "target_pct": "Target %", "value_pct": "Value %", "rag": "RAG", "consecutive_breaches": "Periods in breach",
    "is_critical": "Critical KPI", "period_start": "Period", "reason_code": "Reason", "subject": "Subject",
    "evidence": "Evidence", "since_date": "Since", "returns_due": "Due", "returns_late": "Late",
    "returns_missing": "Missing", "timeliness_pct": "Timeliness %", "returns_inaccurate": "Inaccurate",
    "accuracy_pct": "Accuracy %", "inaccurate_months": "Months inaccurate",
    "is_persistently_inaccurate": "Persistently inaccurate", "inaccuracy_evidence": "Evidence",
    "return_type": "Return", "due_date": "Due", "is_received": "Received", "days_late": "Days late",
    "rule_code": "Rule", "description": "Finding", "measure_code": "Measure", "value": "Value",
    "risk_rank": "Rank", "risk_score": "Score", "is_enhanced_monitoring_triggered": "Enhanced monitoring trigger",
    "reasons_text": "Why", "last_scheduled_visit_date": "Last scheduled visit", "next_proactive_due": "Next visit due",
    "days_overdue": "Days overdue", "last_visit_date": "Last visit of any type",
    "concerns_last_3_months": "Concerns, last 3 months", "concerns_previous_3_months": "Previous 3 months",
    "beds": "Beds", "is_large_scale_enquiry": "Large scale enquiry", "action_type": "Action", "scope": "Scope",
    "start_date": "Started", "days_active": "Days in force", "suspends_referrals": "Referrals suspended",
    "reason": "Reason", "services": "Services", "providers": "Providers", "contracted_beds": "Contracted beds",
    "contracted_weekly_hours": "Contracted hours a week", "cqc_registered_beds": "CQC registered beds",
    "rated_services": "Rated by CQC", "pct_good_or_outstanding": "% Good or Outstanding",
    "published_pct_good_or_outstanding": "Published % (LG Inform, care homes)", "locations_in_scope": "Locations loaded",
    "rated_locations": "Rated", "rating": "Rating", "key_question": "Key question", "snapshot_date": "CQC snapshot",
    "month_start": "Month", "severity": "Severity", "rule_class": "Class",
}


def label(name: str) -> str:
    return LABELS.get(name) or (name[0].upper() + name[1:]).replace("_", " ")


def column(name: str, typ: str, description: str | None = None) -> dict:
    if typ.startswith("decimal"):
        sql_type = typ.upper()
    else:
        sql_type = TYPES[typ]
    return {
        "column_name": name, "verbose_name": label(name), "is_dttm": typ in ("date", "timestamp"), "is_active": True,
        "type": sql_type, "advanced_data_type": None, "groupby": True, "filterable": True, "expression": None,
        "description": description, "python_date_format": None, "extra": {},
    }


def metric(name: str, expression: str, label: str, d3format: str | None = None, description: str | None = None) -> dict:
    return {"metric_name": name, "verbose_name": label, "metric_type": None, "expression": expression,
            "description": description, "d3format": d3format, "currency": None, "extra": {}, "warning_text": None}


def count(label="Services"):
    return metric("count", "COUNT(*)", label, ",d")


def pct(name, num, den, label):
    return metric(name, f"100.0 * SUM({num}) / NULLIF(SUM({den}), 0)", label, ".1f")


def pct_true(name, col, label, over=None):
    if over is None:
        return metric(name, f"100.0 * AVG(CASE WHEN {col} THEN 1 ELSE 0 END)", label, ".1f")
    return metric(name, f"100.0 * SUM(CASE WHEN {col} THEN 1 ELSE 0 END) / NULLIF(SUM(CASE WHEN {over} THEN 1 ELSE 0 END), 0)",
                  label, ".1f")


def count_true(name, col, label):
    return metric(name, f"SUM(CASE WHEN {col} THEN 1 ELSE 0 END)", label, ",d")


def count_eq(name, col, value, label):
    return metric(name, f"SUM(CASE WHEN {col} = '{value}' THEN 1 ELSE 0 END)", label, ",d")


def total(name, col, label, fmt=",d"):
    return metric(name, f"SUM({col})", label, fmt)


def distinct(name, col, label):
    return metric(name, f"COUNT(DISTINCT {col})", label, ",d")


DATASETS: dict[str, dict] = {}


def physical(table: str, metrics: list[dict], description: str, skip: tuple = ()) -> str:
    """A physical dataset over a model: every scalar column of its YAML (arrays and structs are left out)."""
    cols = [column(c["name"], c["type"], c.get("description")) for c in model_columns(table)
            if c["name"] not in skip and not c["type"].startswith(("array", "struct", "map"))]
    schema, name = table.split(".")
    DATASETS[name] = {"table_name": name, "schema": schema, "sql": None, "columns": cols, "metrics": metrics,
                      "description": description}
    return name


def virtual(name: str, sql: str, columns: list[tuple], metrics: list[dict], description: str) -> str:
    cols = [column(*c) for c in columns]
    DATASETS[name] = {"table_name": name, "schema": "marts", "sql": sql.strip() + "\n", "columns": cols,
                      "metrics": metrics, "description": description}
    return name


def cols_of(table: str, names: list[str]) -> list[tuple]:
    by_name = {c["name"]: c for c in model_columns(table)}
    return [(n, by_name[n]["type"], by_name[n].get("description")) for n in names]


# The council: the local authority where most of its active contracted services are (core.dim_contract).
COUNCIL = ("(SELECT la_code, region_code FROM core.dim_contract WHERE is_active AND la_code IS NOT NULL "
           "GROUP BY la_code, region_code ORDER BY count(*) DESC, la_code LIMIT 1)")

BENCH_COLS = ["snapshot_date", "geography_level", "geography_code", "geography_name", "service_type", "key_question",
              "locations_in_scope", "rated_locations", "outstanding", "good", "requires_improvement", "inadequate",
              "good_or_outstanding", "pct_good_or_outstanding", "published_pct_good_or_outstanding"]
BENCH = virtual(
    "council_ratings_benchmark",
    f"""
SELECT {', '.join('b.' + c for c in BENCH_COLS)},
  CASE b.geography_level WHEN 'local_authority' THEN 1 WHEN 'region' THEN 2 ELSE 3 END AS geography_order,
  b.snapshot_date = (SELECT max(snapshot_date) FROM marts.mart_ratings_benchmark) AS is_latest_snapshot
FROM marts.mart_ratings_benchmark b
CROSS JOIN {COUNCIL} council
WHERE (b.geography_level = 'local_authority' AND b.geography_code = council.la_code)
   OR (b.geography_level = 'region' AND b.geography_code = council.region_code)
   OR b.geography_level = 'england'
""",
    cols_of("marts.mart_ratings_benchmark", BENCH_COLS)
    + [("geography_order", "int", "1 council, 2 its region, 3 England"),
       ("is_latest_snapshot", "boolean", "the latest CQC snapshot loaded")],
    [pct("pct_good_outstanding", "good_or_outstanding", "rated_locations", "% Good or Outstanding")],
    "marts.mart_ratings_benchmark for the council (the local authority of most of its active contracts), its region "
    "and England",
)

RATING_COLS = ["as_of_date", "location_id", "location_name", "provider_id", "provider_name", "service_type",
               "care_home_beds", "la_name", "key_question", "rating", "report_date", "rating_age_days",
               "is_requires_improvement_or_inadequate"]
RATING = virtual(
    "council_location_rating",
    f"""
SELECT {', '.join('r.' + c for c in RATING_COLS)},
  k.location_id IS NOT NULL AS is_commissioned
FROM marts.mart_location_latest_rating r
CROSS JOIN {COUNCIL} council
LEFT JOIN (SELECT DISTINCT location_id FROM core.dim_contract WHERE is_active AND location_id IS NOT NULL) k
  ON k.location_id = r.location_id
WHERE r.la_code = council.la_code
""",
    cols_of("marts.mart_location_latest_rating", RATING_COLS)
    + [("is_commissioned", "boolean", "the council has an active contract at the location")],
    [count("Services"), count_true("ri_or_inadequate", "is_requires_improvement_or_inadequate",
                                   "Rated Requires improvement or Inadequate")],
    "marts.mart_location_latest_rating for the council's area, with whether the council commissions the service",
)

KPI_COLS = ["contract_id", "provider_id", "location_id", "location_name", "service_type", "kpi_code", "kpi_name",
            "assessed", "period_start", "period_end", "returns_expected", "returns_with_inputs", "value_pct",
            "target_pct", "direction", "rag", "is_breach", "consecutive_breaches", "is_critical", "is_critical_breach"]
KPI_METRICS = [
    count("Services"),
    count_eq("green", "rag", "green", "Green"), count_eq("amber", "rag", "amber", "Amber"),
    count_eq("red", "rag", "red", "Red"), count_eq("no_data", "rag", "no_data", "No data"),
    metric("pct_meeting_target", "100.0 * SUM(CASE WHEN rag = 'green' THEN 1 ELSE 0 END) / "
           "NULLIF(SUM(CASE WHEN rag <> 'no_data' THEN 1 ELSE 0 END), 0)", "% meeting target", ".1f"),
]
KPI_LATEST = virtual(
    "kpi_latest_period",
    f"""
SELECT {', '.join(KPI_COLS)}
FROM marts.mart_kpi_latest_period
""",
    cols_of("marts.mart_kpi_latest_period", KPI_COLS),
    KPI_METRICS,
    "marts.mart_kpi_latest_period: each active contract's KPIs in their latest complete period",
)
KPI = physical("marts.mart_kpi_compliance", KPI_METRICS, "Contracted services' KPIs against contract targets per period")
CRITICAL = physical("marts.mart_critical_failures",
                    [count("Failures"), distinct("services", "contract_id", "Services in critical failure")],
                    "Active contracted services in critical performance failure and why")
SUBMISSIONS = physical(
    "marts.mart_submission_quality",
    [count("Returns expected"),
     pct_true("on_time_pct", "is_on_time", "Timeliness %"),
     pct_true("accurate_pct", "is_accurate", "Accuracy %", over="is_received"),
     # drawn as a line beside them (Superset's formula annotation shows in the legend but draws nothing here)
     metric("target_95", "MAX(95.0)", "Target 95%", ".0f")],
    "Every expected submission with timeliness and accuracy")
PROVIDER_DQ = physical(
    "marts.mart_provider_data_quality",
    [count("Providers"),
     pct("timeliness_12m", "returns_on_time", "returns_due", "Timeliness %"),
     pct("accuracy_12m", "returns_accurate", "returns_received", "Accuracy %"),
     count_true("persistently_inaccurate", "is_persistently_inaccurate", "Persistently inaccurate providers")],
    "Each provider's data-submission KPIs over the rolling twelve months")
FINDING_COLS = ["finding_id", "provider_id", "location_id", "return_type", "period_start", "rule_code", "rule_class",
                "severity", "description", "measure_code", "value", "evidence", "detected_at"]
FINDINGS = virtual(
    "submission_findings",
    f"""
SELECT {', '.join('f.' + c for c in FINDING_COLS)}, l.location_name
FROM dq.submission_finding f
LEFT JOIN (SELECT location_id, max(location_name) AS location_name FROM core.dim_contract GROUP BY location_id) l
  ON l.location_id = f.location_id
""",
    cols_of("dq.submission_finding", FINDING_COLS) + [("location_name", "string", "from the contract register")],
    [count("Findings")],
    "dq.submission_finding with the service's name",
)
RISK = physical("marts.mart_provider_risk",
                [count("Services"), metric("max_risk_score", "MAX(risk_score)", "Highest score", ".1f")],
                "The weekly risk ranking (the components and triggers arrays are left out; reasons_text says them)")
VISITS = physical("marts.mart_visit_schedule",
                  [count("Services"), count_true("overdue", "is_visit_overdue", "Services with a visit overdue")],
                  "Active contracted services and their visits")
SG_COLS = [c["name"] for c in model_columns("marts.mart_safeguarding_trends")]
SAFEGUARDING = virtual(
    "safeguarding_trends",
    f"""
SELECT {', '.join('s.' + c for c in SG_COLS)},
  s.month_start = (SELECT max(month_start) FROM marts.mart_safeguarding_trends WHERE is_month_complete) AS is_latest_complete_month
FROM marts.mart_safeguarding_trends s
""",
    cols_of("marts.mart_safeguarding_trends", SG_COLS)
    + [("is_latest_complete_month", "boolean", "the latest month that is complete at as_of_date")],
    [count("Services"), total("concerns", "concerns_total", "Concerns"),
     total("s42_enquiries", "s42_enquiries_opened", "Section 42 enquiries opened"),
     total("concluded", "enquiries_concluded", "Enquiries concluded")],
    "marts.mart_safeguarding_trends with the latest complete month flagged",
)
ACTIONS = physical("marts.mart_contract_actions",
                   [count("Actions x services"), distinct("services", "contract_id", "Services under an action")],
                   "The council's contract actions at as_of_date")
MARKET = physical("marts.mart_market_overview", [count("Rows")], "Active contracted services by service type")

# ---------------------------------------------------------------------------------------------------------------
# charts

CHARTS: dict[str, dict] = {}
_filter_seq = [0]


def f_eq(col, value):
    return _flt(col, "==", value, "EQUALS")


def f_ne(col, value):
    return _flt(col, "!=", value, "NOT_EQUALS")


def f_in(col, values):
    return _flt(col, "IN", list(values), "IN")


def f_true(col):
    return _flt(col, "IS TRUE", None, "IS_TRUE")


def f_false(col):
    return _flt(col, "IS FALSE", None, "IS_FALSE")


def _flt(col, op, value, op_id):
    _filter_seq[0] += 1
    return {"clause": "WHERE", "expressionType": "SIMPLE", "subject": col, "operator": op, "operatorId": op_id,
            "comparator": value, "isExtra": False, "isNew": False, "sqlExpression": None,
            "filterOptionName": f"filter_{_filter_seq[0]:04d}"}


def chart(key: str, name: str, dataset: str, viz: str, params: dict, description: str | None = None) -> str:
    base = {"datasource": f"{dataset}__table", "viz_type": viz, "adhoc_filters": [], "extra_form_data": {},
            "dashboards": []}
    base.update(params)
    CHARTS[key] = {"slice_name": name, "dataset": dataset, "viz_type": viz, "params": base, "description": description}
    return key


def table(key, name, dataset, columns, order, filters=(), row_limit=1000, column_config=None, conditional=None,
          description=None):
    return chart(key, name, dataset, "table", {
        "query_mode": "raw", "all_columns": list(columns), "groupby": [], "metrics": [], "percent_metrics": [],
        "order_by_cols": [json.dumps([c, asc]) for c, asc in order], "row_limit": row_limit,
        "server_pagination": False, "server_page_length": 10, "page_length": 0, "order_desc": True,
        "adhoc_filters": list(filters), "include_search": False, "show_cell_bars": False, "show_totals": False,
        "table_timestamp_format": "%Y-%m-%d", "allow_render_html": False, "color_pn": False,
        "column_config": column_config or {}, "conditional_formatting": conditional or [],
    }, description)


def table_agg(key, name, dataset, groupby, metrics, sort_metric=None, ascending=False, filters=(), row_limit=1000,
              column_config=None, conditional=None, description=None):
    return chart(key, name, dataset, "table", {
        "query_mode": "aggregate", "groupby": list(groupby), "metrics": list(metrics), "all_columns": [],
        "percent_metrics": [], "timeseries_limit_metric": sort_metric, "order_desc": not ascending,
        "row_limit": row_limit, "server_pagination": False, "server_page_length": 10, "page_length": 0,
        "adhoc_filters": list(filters), "include_search": False, "show_cell_bars": False, "show_totals": False,
        "table_timestamp_format": "%Y-%m-%d", "allow_render_html": False, "color_pn": False,
        "column_config": column_config or {}, "conditional_formatting": conditional or [],
    }, description)


def big_number(key, name, dataset, metric_name, subheader, filters=(), fmt="SMART_NUMBER", description=None):
    return chart(key, name, dataset, "big_number_total", {
        "metric": metric_name, "adhoc_filters": list(filters), "subheader": subheader, "header_font_size": 0.4,
        "subheader_font_size": 0.15, "y_axis_format": fmt, "time_format": "smart_date", "force_timestamp_formatting": False,
    }, description)


def series(key, name, dataset, viz, x_axis, metrics, groupby=(), filters=(), time_grain=None, y_format="SMART_NUMBER",
           y_bounds=(None, None), stack=False, show_value=False, annotations=(), x_title="", y_title="",
           x_sort_asc=True, description=None, extra=None):
    params = {
        "x_axis": x_axis, "time_grain_sqla": time_grain, "metrics": list(metrics), "groupby": list(groupby),
        "adhoc_filters": list(filters), "row_limit": 10000, "truncate_metric": True, "show_empty_columns": True,
        "comparison_type": "values", "annotation_layers": list(annotations), "forecastPeriods": 10,
        "forecastInterval": 0.8, "x_axis_title": x_title, "x_axis_title_margin": 15 if x_title else 0,
        "y_axis_title": y_title, "y_axis_title_margin": 30 if y_title else 0, "y_axis_title_position": "Left",
        "sort_series_type": "name", "sort_series_ascending": True, "color_scheme": "supersetColors", "show_legend": True, "legendType": "scroll",
        "legendOrientation": "top", "x_axis_time_format": "smart_date", "y_axis_format": y_format,
        "y_axis_bounds": list(y_bounds), "rich_tooltip": True, "tooltipTimeFormat": "smart_date",
        "truncateXAxis": True, "zoomable": False, "x_axis_sort_asc": x_sort_asc, "x_axis_sort_series": "name",
        "x_axis_sort_series_ascending": True, "only_total": True, "show_value": show_value, "stack": "Stack" if stack else None,
        "orientation": "vertical", "markerEnabled": True, "markerSize": 6, "seriesType": "line",
    }
    params.update(extra or {})
    return chart(key, name, dataset, viz, params, description)


def red_below(col, value=95):
    return {"column": col, "operator": "<", "targetValue": value, "colorScheme": "#EF5350"}


PCT = {"d3NumberFormat": ".1f"}
PCT2 = {"d3NumberFormat": ".2f"}

# 1. Ratings
series("ratings_by_kq", "% Good or Outstanding by key question: council, region, England (latest snapshot)", BENCH,
       "echarts_timeseries_bar", "key_question", ["pct_good_outstanding"], groupby=["geography_name"],
       filters=[f_true("is_latest_snapshot"), f_eq("service_type", "all")], y_format=".1f", y_bounds=(0, 100),
       show_value=True, y_title="% Good or Outstanding")
series("ratings_by_service_type", "% Good or Outstanding overall by service type (latest snapshot)", BENCH,
       "echarts_timeseries_bar", "service_type", ["pct_good_outstanding"], groupby=["geography_name"],
       filters=[f_true("is_latest_snapshot"), f_eq("key_question", "Overall")], y_format=".1f", y_bounds=(0, 100),
       show_value=True, y_title="% Good or Outstanding")
series("ratings_trend", "% Good or Outstanding overall over CQC snapshots", BENCH, "echarts_timeseries_line",
       "snapshot_date", ["pct_good_outstanding"], groupby=["geography_name"],
       filters=[f_eq("key_question", "Overall"), f_eq("service_type", "all")], time_grain="P1D", y_format=".1f",
       y_bounds=(50, 100), y_title="% Good or Outstanding")
table("ratings_coverage", "Benchmark coverage (latest snapshot, overall)", BENCH,
      ["geography_name", "service_type", "locations_in_scope", "rated_locations", "pct_good_or_outstanding",
       "published_pct_good_or_outstanding"],
      [("geography_order", True), ("service_type", True)],
      filters=[f_true("is_latest_snapshot"), f_eq("key_question", "Overall")],
      column_config={"pct_good_or_outstanding": PCT2, "published_pct_good_or_outstanding": PCT2})
big_number("ri_count", "Services rated Requires improvement or Inadequate overall", RATING, "ri_or_inadequate",
           "in the council's area (latest CQC rating)", filters=[f_eq("key_question", "Overall")])
table("ri_services", "Services rated Requires improvement or Inadequate overall, oldest rating first", RATING,
      ["location_name", "service_type", "rating", "report_date", "rating_age_days", "is_commissioned"],
      [("rating_age_days", False), ("location_name", True)],
      filters=[f_eq("key_question", "Overall"), f_true("is_requires_improvement_or_inadequate")],
      conditional=[{"column": "rating_age_days", "operator": ">", "targetValue": 730, "colorScheme": "#EF5350"}])

# 2. Provider performance
table_agg("kpi_rag", "KPI RAG against targets (latest complete period of each active contract)", KPI_LATEST,
          ["kpi_name", "assessed", "target_pct"], ["count", "green", "amber", "red", "no_data", "pct_meeting_target"],
          sort_metric="pct_meeting_target", ascending=True,
          column_config={"target_pct": {"d3NumberFormat": ".0f"}},
          conditional=[{"column": "pct_meeting_target", "operator": "<", "targetValue": 80, "colorScheme": "#EF5350"},
                       {"column": "pct_meeting_target", "operator": ">=", "targetValue": 95, "colorScheme": "#5AC189"}])
big_number("critical_services", "Services in critical performance failure", CRITICAL, "services",
           "CQC Inadequate, a critical KPI red, three returns missing or persistently inaccurate data")
series("kpi_rag_trend", "RAG of monthly KPIs by period", KPI, "echarts_timeseries_bar", "period_start", ["count"],
       groupby=["rag"], filters=[f_eq("assessed", "month")], time_grain="P1M", stack=True, y_title="Service KPIs",
       extra={"sort_series_type": "sum", "sort_series_ascending": False})  # green at the bottom
table("kpi_breaches", "KPIs in breach now, longest streak first", KPI_LATEST,
      ["location_name", "service_type", "kpi_name", "value_pct", "target_pct", "rag", "consecutive_breaches",
       "is_critical", "period_start"],
      [("consecutive_breaches", False), ("is_critical", False), ("location_name", True), ("kpi_name", True)],
      filters=[f_true("is_breach")], column_config={"value_pct": PCT2, "target_pct": {"d3NumberFormat": ".0f"}},
      conditional=[{"column": "consecutive_breaches", "operator": ">=", "targetValue": 3, "colorScheme": "#EF5350"}])
table("critical_failures", "Critical performance failures", CRITICAL,
      ["location_name", "service_type", "reason_code", "subject", "evidence", "since_date"],
      [("location_name", True), ("reason_code", True), ("subject", True)])

# 3. Submission quality
big_number("timeliness", "Timeliness of returns, rolling 12 months (target 95%)", PROVIDER_DQ, "timeliness_12m",
           "% of returns due that arrived on time", fmt=".1f")
big_number("accuracy", "Accuracy of returns, rolling 12 months (target 95%)", PROVIDER_DQ, "accuracy_12m",
           "% of returns received without an error finding", fmt=".1f")
series("dq_trend", "Timeliness and accuracy by month due, against 95%", SUBMISSIONS, "echarts_timeseries_line",
       "due_date", ["on_time_pct", "accurate_pct", "target_95"], time_grain="P1M", y_format=".1f", y_bounds=(80, 100),
       y_title="%")
table("provider_dq", "Providers' timeliness and accuracy, least accurate first", PROVIDER_DQ,
      ["provider_id", "provider_name", "returns_due", "returns_late", "returns_missing", "timeliness_pct",
       "returns_inaccurate", "accuracy_pct", "inaccurate_months", "is_persistently_inaccurate"],
      [("accuracy_pct", True), ("timeliness_pct", True), ("provider_id", True)],
      column_config={"timeliness_pct": PCT2, "accuracy_pct": PCT2},
      conditional=[red_below("timeliness_pct"), red_below("accuracy_pct")])
table("late_missing", "Late and missing returns", SUBMISSIONS,
      ["location_name", "service_type", "return_type", "period_start", "due_date", "is_received", "days_late"],
      [("due_date", False), ("location_name", True), ("return_type", True)], filters=[f_false("is_on_time")])
table("inaccurate_findings", "Inaccurate submissions and their findings", FINDINGS,
      ["location_name", "return_type", "period_start", "rule_code", "description", "measure_code", "value", "evidence"],
      [("period_start", False), ("location_name", True), ("rule_code", True), ("measure_code", True)],
      filters=[f_eq("severity", "error"), f_ne("rule_class", "missing_submission")])
table("persistently_inaccurate", "Persistently inaccurate providers", PROVIDER_DQ,
      ["provider_id", "provider_name", "accuracy_pct", "inaccurate_months", "inaccuracy_evidence"],
      [("accuracy_pct", True), ("provider_id", True)], filters=[f_true("is_persistently_inaccurate")],
      column_config={"accuracy_pct": PCT2})
series("findings_by_class", "Findings by class and severity", FINDINGS, "echarts_timeseries_bar", "rule_class",
       ["count"], groupby=["severity"], stack=True, y_title="Findings", x_sort_asc=True,
       extra={"xAxisLabelRotation": 30})

# 4. Risk and activity
table("risk_ranking", "Where to look next: the risk ranking", RISK,
      ["risk_rank", "risk_score", "location_name", "service_type", "is_enhanced_monitoring_triggered", "reasons_text"],
      [("risk_rank", True), ("location_name", True)], row_limit=25,
      column_config={"risk_score": {"d3NumberFormat": ".1f"}, "reasons_text": {"columnWidth": 700}})
big_number("overdue_count", "Services with a visit overdue", VISITS, "overdue",
           "proactive visit or annual audit past its due date")
table("overdue_visits", "Overdue visits", VISITS,
      ["location_name", "service_type", "last_scheduled_visit_date", "next_proactive_due", "days_overdue", "last_visit_date"],
      [("days_overdue", False), ("location_name", True)], filters=[f_true("is_visit_overdue")])
series("safeguarding_trend", "Safeguarding concerns and section 42 enquiries by month", SAFEGUARDING,
       "echarts_timeseries_bar", "month_start", ["concerns", "s42_enquiries"], filters=[f_true("is_month_complete")],
       time_grain="P1M", y_title="Concerns", show_value=True)
table("safeguarding_rising", "Services with rising safeguarding concerns (latest complete month)", SAFEGUARDING,
      ["location_name", "service_type", "concerns_last_3_months", "concerns_previous_3_months", "beds",
       "is_large_scale_enquiry"],
      [("concerns_last_3_months", False), ("location_name", True)],
      filters=[f_true("is_latest_complete_month"), f_eq("trend", "rising")])
table("active_actions", "Suspensions, notices and other contract actions in force", ACTIONS,
      ["action_type", "location_name", "service_type", "scope", "start_date", "days_active", "suspends_referrals", "reason"],
      [("start_date", True), ("action_id", True), ("contract_id", True)], filters=[f_eq("status", "active")])
table("market", "Market overview: active contracted services", MARKET,
      ["service_type", "services", "providers", "contracted_beds", "contracted_weekly_hours", "cqc_registered_beds",
       "rated_services", "pct_good_or_outstanding"],
      [("services", False), ("service_type", True)],
      column_config={"pct_good_or_outstanding": PCT2, "contracted_weekly_hours": {"d3NumberFormat": ",.0f"}})

# ---------------------------------------------------------------------------------------------------------------
# dashboards: rows of (chart key or markdown text, width of 12, height in grid units of 8 px)

RAG_COLORS = {"green": "#5AC189", "amber": "#FCC700", "red": "#EF5350", "no_data": "#B2B2B2",
              "error": "#EF5350", "warning": "#FCC700", "Target 95%": "#EF5350"}

DASHBOARDS_SPEC = [
    ("ratings", "Ratings", "CQC ratings of adult social care services: the council against its region and England", [
        [("md", "**CQC ratings** of registered adult social care services. *Council* is the local authority where most "
                "of the council's active contracts are; region and England are computed over the CQC data loaded "
                "(the coverage table says how many locations that is).", 12, 14)],
        [("ratings_by_kq", 8, 55), ("ri_count", 4, 55)],
        [("ratings_by_service_type", 6, 55), ("ratings_trend", 6, 55)],
        [("ri_services", 12, 50)],
        [("ratings_coverage", 12, 52)],
    ]),
    ("provider-performance", "Provider performance", "Contracted services' KPIs against targets and critical failures", [
        [("kpi_rag", 8, 60), ("critical_services", 4, 60)],
        [("kpi_rag_trend", 12, 55)],
        [("kpi_breaches", 12, 70)],
        [("critical_failures", 12, 70)],
    ]),
    ("submission-quality", "Submission quality", "Providers' returns: timeliness and accuracy against 95%", [
        [("timeliness", 3, 50), ("accuracy", 3, 50), ("dq_trend", 6, 50)],
        [("provider_dq", 12, 70)],
        [("persistently_inaccurate", 6, 45), ("findings_by_class", 6, 45)],
        [("late_missing", 12, 60)],
        [("inaccurate_findings", 12, 70)],
    ]),
    ("risk-and-activity", "Risk and activity", "Where to look next: risk ranking, visits, safeguarding, contract actions, market", [
        [("risk_ranking", 12, 120)],
        [("overdue_count", 3, 45), ("overdue_visits", 9, 45)],
        [("safeguarding_trend", 7, 55), ("safeguarding_rising", 5, 55)],
        [("active_actions", 12, 30)],
        [("market", 12, 45)],
    ]),
]


def dashboard(slug, title, description, rows):
    chart_ids = {key: i + 1 for i, key in enumerate(CHARTS)}
    position = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": title}},
    }
    for r, row in enumerate(rows, 1):
        row_id = f"ROW-{slug}-{r}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {"type": "ROW", "id": row_id, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                            "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for c, cell in enumerate(row, 1):
            if cell[0] == "md":
                _, text, width, height = cell
                item_id = f"MARKDOWN-{slug}-{r}-{c}"
                position[item_id] = {"type": "MARKDOWN", "id": item_id, "children": [],
                                     "parents": ["ROOT_ID", "GRID_ID", row_id],
                                     "meta": {"width": width, "height": height, "code": text}}
            else:
                key, width, height = cell
                item_id = f"CHART-{key}"
                position[item_id] = {"type": "CHART", "id": item_id, "children": [],
                                     "parents": ["ROOT_ID", "GRID_ID", row_id],
                                     "meta": {"width": width, "height": height, "chartId": chart_ids[key],
                                              "sliceName": CHARTS[key]["slice_name"], "uuid": uid("chart", key)}}
            position[row_id]["children"].append(item_id)
    metadata = {
        "color_scheme": "supersetColors", "refresh_frequency": 0, "expanded_slices": {}, "label_colors": RAG_COLORS,
        "shared_label_colors": [], "color_scheme_domain": [], "timed_refresh_immune_slices": [],
        "cross_filters_enabled": False, "native_filter_configuration": [], "default_filters": "{}",
        "chart_configuration": {}, "global_chart_configuration": {"scope": {"rootPath": ["ROOT_ID"], "excluded": []},
                                                                 "chartsInScope": []},
    }
    return {"dashboard_title": title, "description": description, "css": "", "slug": f"carelake-{slug}",
            "certified_by": None, "certification_details": None, "published": True, "uuid": uid("dashboard", slug),
            "position": position, "metadata": metadata, "version": VERSION}


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper, value):
    # SQL and markdown as literal blocks, so the bundle reads (and diffs) as text
    style = "|" if "\n" in value and not any(line != line.rstrip() for line in value.split("\n")) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def write(path: Path, data: dict):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")


def main() -> int:
    used = {cell[0] for _, _, _, rows in DASHBOARDS_SPEC for row in rows for cell in row if cell[0] != "md"}
    unused = set(CHARTS) - used
    if unused:
        raise SystemExit(f"charts on no dashboard: {sorted(unused)}")
    for name, ds in DATASETS.items():
        clash = {m["metric_name"] for m in ds["metrics"]} & {c["column_name"] for c in ds["columns"]}
        if clash:
            raise SystemExit(f"dataset {name}: metric names that are also column names: {sorted(clash)}")
    for key, c in CHARTS.items():
        names = {m["metric_name"] for m in DATASETS[c["dataset"]]["metrics"]}
        cols = {col["column_name"] for col in DATASETS[c["dataset"]]["columns"]}
        p = c["params"]
        wanted_metrics = list(p.get("metrics") or []) + ([p["metric"]] if p.get("metric") else [])
        wanted_cols = list(p.get("all_columns") or []) + list(p.get("groupby") or []) + (
            [p["x_axis"]] if p.get("x_axis") else []) + [json.loads(o)[0] for o in p.get("order_by_cols") or []] + [
            f["subject"] for f in p.get("adhoc_filters") or []]
        if set(wanted_metrics) - names or set(wanted_cols) - cols:
            raise SystemExit(f"chart {key}: unknown metrics {sorted(set(wanted_metrics) - names)} "
                             f"or columns {sorted(set(wanted_cols) - cols)}")
    if OUT.exists():
        shutil.rmtree(OUT)
    write(OUT / "metadata.yaml", {"version": VERSION, "type": "assets", "timestamp": "2026-01-01T00:00:00+00:00"})
    write(OUT / "databases/carelake.yaml", DATABASE)
    for name, ds in DATASETS.items():
        write(OUT / f"datasets/carelake/{name}.yaml", {
            "table_name": ds["table_name"], "main_dttm_col": None, "description": ds["description"],
            "default_endpoint": None, "offset": 0, "cache_timeout": None, "schema": ds["schema"], "catalog": None,
            "sql": ds["sql"], "params": None, "template_params": None, "filter_select_enabled": True,
            "fetch_values_predicate": None, "extra": None, "normalize_columns": False, "always_filter_main_dttm": False,
            "uuid": uid("dataset", name), "metrics": ds["metrics"], "columns": ds["columns"], "version": VERSION,
            "database_uuid": DATABASE["uuid"]})
    for key, c in CHARTS.items():
        write(OUT / f"charts/{key}.yaml", {
            "slice_name": c["slice_name"], "description": c["description"], "certified_by": None,
            "certification_details": None, "viz_type": c["viz_type"], "params": c["params"], "query_context": None,
            "cache_timeout": None, "uuid": uid("chart", key), "version": VERSION,
            "dataset_uuid": uid("dataset", c["dataset"])})
    for slug, title, description, rows in DASHBOARDS_SPEC:
        write(OUT / f"dashboards/{slug}.yaml", dashboard(slug, title, description, rows))
    print(f"make_bundle: wrote {OUT}: {len(DATASETS)} datasets, {len(CHARTS)} charts, {len(DASHBOARDS_SPEC)} dashboards")
    return 0


if __name__ == "__main__":
    sys.exit(main())
