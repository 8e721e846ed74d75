"""End-to-end check of the dashboards: a running Superset (dashboards up) over a running SQL endpoint (carelake serve).

1. Logs in through Superset's API and finds every dashboard and chart of the bundle (by UUID), each dashboard holding
   exactly the bundle's charts.
2. Fetches every chart's data with POST /api/v1/chart/data, the query built from the chart's params as the chart's
   own front end builds it (imported charts carry no saved query context), and fails on any error.
3. Reads every dataset's rows with the product's own `carelake sql` (one JVM for all of them) and computes what each
   chart should show in pandas: the chart's filters, its grouping and its metrics (the metric's SQL evaluated on the
   rows), its order and row limit. Numbers must match.
4. Opens each dashboard in headless Chromium (Debian's chromium and chromedriver) through Selenium: logs in through
   the form, waits for every chart to finish loading, fails if any chart shows an error, saves a screenshot.

Run by `dashboards check` with the venv's python. Exits 1 with a list of what failed.
"""

import argparse
import datetime as dt
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import prison
import requests
import sqlglot
import yaml
from sqlglot import exp

FAILURES: list[str] = []


def fail(message: str) -> None:
    FAILURES.append(message)
    print(f"  FAIL {message}", flush=True)


def log(message: str) -> None:
    print(message, flush=True)


# --------------------------------------------------------------------------------------------------------------------
# the bundle

def load_bundle(bundle: Path) -> dict:
    def read(sub):
        return {p.relative_to(bundle).as_posix(): yaml.safe_load(p.read_text(encoding="utf-8"))
                for p in sorted((bundle / sub).rglob("*.yaml"))}

    datasets = {d["uuid"]: d for d in read("datasets").values()}
    charts = {c["uuid"]: c for c in read("charts").values()}
    dashboards = {d["uuid"]: d for d in read("dashboards").values()}
    for d in dashboards.values():
        d["chart_uuids"] = [v["meta"]["uuid"] for v in d["position"].values()
                            if isinstance(v, dict) and v.get("type") == "CHART"]
    return {"datasets": datasets, "charts": charts, "dashboards": dashboards}


# --------------------------------------------------------------------------------------------------------------------
# Superset's API

class Superset:
    def __init__(self, url: str, user: str, password: str):
        self.url = url.rstrip("/")
        self.s = requests.Session()
        r = self.s.post(f"{self.url}/api/v1/security/login",
                        json={"username": user, "password": password, "provider": "db", "refresh": True}, timeout=60)
        if r.status_code != 200:
            raise SystemExit(f"check: logging in to {self.url} as {user} failed: HTTP {r.status_code} {r.text[:300]}")
        self.s.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
        r = self.s.get(f"{self.url}/api/v1/security/csrf_token/", timeout=60)
        r.raise_for_status()
        self.s.headers["X-CSRFToken"] = r.json()["result"]
        self.s.headers["Referer"] = self.url

    def get(self, path: str, **params):
        r = self.s.get(f"{self.url}{path}", params=params, timeout=120)
        if r.status_code != 200:
            raise RuntimeError(f"GET {path}: HTTP {r.status_code} {r.text[:300]}")
        return r.json()

    def listing(self, kind: str, columns: list[str]) -> list[dict]:
        rows, page = [], 0
        while True:
            out = self.get(f"/api/v1/{kind}/", q=prison.dumps({"columns": columns, "page": page, "page_size": 100}))
            rows += out["result"]
            if len(rows) >= out["count"] or not out["result"]:
                return rows
            page += 1

    def chart_data(self, payload: dict) -> tuple[int, dict]:
        r = self.s.post(f"{self.url}/api/v1/chart/data", json=payload, timeout=300)
        try:
            body = r.json()
        except ValueError:
            body = {"message": r.text[:500]}
        return r.status_code, body


# --------------------------------------------------------------------------------------------------------------------
# the query each chart's front end sends, from its params

def filters_of(params: dict) -> list[dict]:
    out = []
    for f in params.get("adhoc_filters") or []:
        if f.get("expressionType") != "SIMPLE" or f.get("clause", "WHERE") != "WHERE":
            raise ValueError(f"only simple WHERE filters are checked, not {f}")
        flt = {"col": f["subject"], "op": f["operator"]}
        if f.get("comparator") is not None:
            flt["val"] = f["comparator"]
        out.append(flt)
    return out


def query_of(chart: dict, dataset: dict) -> dict:
    p, viz = chart["params"], chart["viz_type"]
    temporal = {c["column_name"] for c in dataset["columns"] if c.get("is_dttm")}
    q = {"filters": filters_of(p), "extras": {"having": "", "where": ""}, "applied_time_extras": {},
         "columns": [], "metrics": [], "orderby": [], "row_limit": p.get("row_limit") or 10000,
         # as the front end sends them (Superset validates them, e.g. a formula line's colour)
         "annotation_layers": [a for a in p.get("annotation_layers") or [] if a.get("show", True)],
         "series_limit": 0, "order_desc": True, "url_params": {}, "custom_params": {}, "custom_form_data": {}}
    if viz == "table" and p.get("query_mode") == "raw":
        q["columns"] = list(p["all_columns"])
        q["orderby"] = [json.loads(o) for o in p.get("order_by_cols") or []]
        q["metrics"] = None  # raw records: no GROUP BY (an empty list would group by every column)
    elif viz == "table":
        q["columns"] = list(p["groupby"])
        q["metrics"] = list(p["metrics"])
        sort = p.get("timeseries_limit_metric")
        q["orderby"] = [[sort, not p.get("order_desc", True)]] if sort else [[p["metrics"][0], False]]
    elif viz == "big_number_total":
        q["metrics"] = [p["metric"]]
    elif viz.startswith("echarts_timeseries"):
        x = p["x_axis"]
        axis = {"label": x, "sqlExpression": x, "columnType": "BASE_AXIS", "expressionType": "SQL"}
        if x in temporal and p.get("time_grain_sqla"):
            axis["timeGrain"] = p["time_grain_sqla"]
        q["columns"] = [axis] + list(p.get("groupby") or [])
        q["metrics"] = list(p["metrics"])
        q["orderby"] = [[p["metrics"][0], False]]
    elif viz == "pie":
        q["columns"] = list(p["groupby"])
        q["metrics"] = [p["metric"]]
        q["orderby"] = [[p["metric"], False]]
    else:
        raise ValueError(f"viz_type {viz} has no query builder in the check")
    return q


def column_label(c) -> str:
    return c["label"] if isinstance(c, dict) else c


def time_grain_of(c):
    return c.get("timeGrain") if isinstance(c, dict) else None


# --------------------------------------------------------------------------------------------------------------------
# the same in pandas, on the rows `carelake sql` returned

def typed_frame(csv: Path, dataset: dict) -> pd.DataFrame:
    raw = pd.read_csv(csv, dtype=str, keep_default_na=False)
    df = pd.DataFrame(index=raw.index)
    for c in dataset["columns"]:
        name, typ = c["column_name"], (c.get("type") or "STRING").upper()
        s = raw[name].replace("", None)
        if typ in ("BIGINT", "INT", "SMALLINT", "TINYINT") or typ.startswith(("DECIMAL", "DOUBLE", "FLOAT")):
            df[name] = pd.to_numeric(s)
        elif typ == "BOOLEAN":
            df[name] = s.map({"true": True, "false": False, None: None}).astype(object)
        else:
            df[name] = s.astype(object)
    return df


def apply_filters(df: pd.DataFrame, filters: list[dict]) -> pd.DataFrame:
    keep = pd.Series(True, index=df.index)
    for f in filters:
        s, op, v = df[f["col"]], f["op"], f.get("val")
        if op == "==":
            keep &= s.notna() & (s == v)
        elif op == "!=":
            keep &= s.notna() & (s != v)
        elif op == "IN":
            keep &= s.isin(v)
        elif op == "NOT IN":
            keep &= s.notna() & ~s.isin(v)
        elif op == "IS TRUE":
            keep &= s.map(lambda x: x is True)
        elif op == "IS FALSE":
            keep &= s.map(lambda x: x is False)
        elif op == "IS NULL":
            keep &= s.isna()
        elif op == "IS NOT NULL":
            keep &= s.notna()
        elif op in (">", "<", ">=", "<="):
            keep &= s.notna() & {"<": s < v, ">": s > v, "<=": s <= v, ">=": s >= v}[op]
        else:
            raise ValueError(f"filter operator {op} is not checked")
    return df[keep]


def truncate(value, grain):
    if value is None:
        return None
    d = dt.date.fromisoformat(str(value)[:10])
    if grain in (None, "P1D"):
        return d.isoformat()
    if grain == "P1M":
        return d.replace(day=1).isoformat()
    if grain == "P1Y":
        return d.replace(month=1, day=1).isoformat()
    raise ValueError(f"time grain {grain} is not checked")


class MetricEvaluator:
    """A metric's SQL (aggregates, arithmetic, CASE, NULLIF) evaluated on a group of rows, with SQL's null rules."""

    def __init__(self, expression: str):
        self.expression = expression
        self.tree = sqlglot.parse_one(expression, read="spark")

    def __call__(self, rows: pd.DataFrame):
        return self.scalar(self.tree, rows)

    def scalar(self, node, rows):
        if isinstance(node, exp.Paren):
            return self.scalar(node.this, rows)
        if isinstance(node, exp.Literal):
            return float(node.this) if not node.is_string else node.this
        if isinstance(node, exp.Count):
            arg = node.this
            if isinstance(arg, exp.Star):
                return len(rows)
            if isinstance(arg, exp.Distinct):
                return int(self.row(arg.expressions[0], rows).dropna().nunique())
            return int(self.row(arg, rows).notna().sum())
        if isinstance(node, (exp.Sum, exp.Avg, exp.Max, exp.Min)):
            s = pd.to_numeric(self.row(node.this, rows).dropna())
            if s.empty:
                return None
            return {exp.Sum: s.sum, exp.Avg: s.mean, exp.Max: s.max, exp.Min: s.min}[type(node)]()
        if isinstance(node, exp.Nullif):
            a, b = self.scalar(node.this, rows), self.scalar(node.expression, rows)
            return None if a is None or (b is not None and a == b) else a
        if isinstance(node, (exp.Mul, exp.Div, exp.Add, exp.Sub)):
            a, b = self.scalar(node.this, rows), self.scalar(node.expression, rows)
            if a is None or b is None:
                return None
            if isinstance(node, exp.Div):
                return None if b == 0 else a / b
            return {exp.Mul: a * b, exp.Add: a + b, exp.Sub: a - b}[type(node)]
        raise ValueError(f"metric {self.expression!r}: {type(node).__name__} is not evaluated by the check")

    def row(self, node, rows) -> pd.Series:
        if isinstance(node, exp.Paren):
            return self.row(node.this, rows)
        if isinstance(node, exp.Column):
            return rows[node.name]
        if isinstance(node, exp.Literal):
            return pd.Series(float(node.this) if not node.is_string else node.this, index=rows.index, dtype=object)
        if isinstance(node, exp.Case):
            out = self.row(node.args["default"], rows) if node.args.get("default") else pd.Series(None, index=rows.index)
            out = out.astype(object)
            for branch in reversed(node.args["ifs"]):
                cond = self.cond(branch.this, rows)
                out = out.where(~cond, self.row(branch.args["true"], rows))
            return out
        raise ValueError(f"metric {self.expression!r}: row expression {type(node).__name__} is not evaluated")

    def cond(self, node, rows) -> pd.Series:
        if isinstance(node, exp.Paren):
            return self.cond(node.this, rows)
        if isinstance(node, exp.Column):
            return rows[node.name].map(lambda x: x is True)
        if isinstance(node, (exp.EQ, exp.NEQ)):
            left, right = self.row(node.this, rows), self.row(node.expression, rows)
            known = left.notna() & right.notna()
            return known & ((left == right) if isinstance(node, exp.EQ) else (left != right))
        if isinstance(node, exp.Not):
            inner = node.this
            return rows[inner.name].map(lambda x: x is False) if isinstance(inner, exp.Column) else ~self.cond(inner, rows)
        raise ValueError(f"metric {self.expression!r}: condition {type(node).__name__} is not evaluated")


def expected_rows(df: pd.DataFrame, query: dict, dataset: dict) -> pd.DataFrame:
    rows = apply_filters(df, query["filters"])
    metrics = {m["metric_name"]: m for m in dataset["metrics"]}
    cols = [column_label(c) for c in query["columns"]]
    grains = {column_label(c): time_grain_of(c) for c in query["columns"] if time_grain_of(c)}
    if grains:
        rows = rows.copy()
        for c, g in grains.items():
            rows[c] = rows[c].map(lambda v, g=g: truncate(v, g))
    if query["metrics"] is None:
        return rows[cols].reset_index(drop=True)
    evaluators = {m: MetricEvaluator(metrics[m]["expression"]) for m in query["metrics"]}
    out = []
    if cols:
        keyed = rows.copy()
        for c in cols:
            keyed[c] = keyed[c].map(lambda v: "\x00NULL" if v is None or (isinstance(v, float) and math.isnan(v)) else v)
        groups = keyed.groupby(cols, sort=False, dropna=False)
        for key, _ in groups:
            key = key if isinstance(key, tuple) else (key,)
            idx = groups.groups[key if len(key) > 1 else key[0]]
            g = rows.loc[idx]
            out.append([None if k == "\x00NULL" else k for k in key] + [evaluators[m](g) for m in query["metrics"]])
    else:
        out.append([evaluators[m](rows) for m in query["metrics"]])
    return pd.DataFrame(out, columns=cols + list(query["metrics"]))


def norm(value, kind: str | None = None):
    """One comparable form for a cell from Superset's JSON or from the CSV."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (np.integer,)):
        value = int(value)
    if isinstance(value, (np.floating,)):
        value = float(value)
    if isinstance(value, (np.bool_,)):
        value = bool(value)
    if kind in ("DATE", "TIMESTAMP"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = dt.datetime.fromtimestamp(value / 1000, tz=dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        text = str(value).replace("T", " ")
        if kind == "DATE" or text.endswith(" 00:00:00"):
            return text[:10]
        return text[:19]
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if value == "":
        return None
    return value


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-6 + 1e-9 * max(abs(a), abs(b)) or abs(a - b) <= 5e-5 * max(1.0, abs(a))
    return a == b


def compare(name: str, got: list[dict], want: pd.DataFrame, query: dict, dataset: dict) -> None:
    kinds = {c["column_name"]: (c.get("type") or "STRING").upper() for c in dataset["columns"]}
    labels = list(want.columns)

    def kind(label):
        base = kinds.get(label)
        if base and base.startswith(("DECIMAL", "DOUBLE", "FLOAT", "INT", "BIGINT")):
            return None
        return base if base in ("DATE", "TIMESTAMP") else None

    missing = [c for c in labels if got and c not in got[0]]
    if missing:
        fail(f"{name}: Superset's data has no column(s) {missing} (has {list(got[0])})")
        return
    got_rows = [tuple(norm(r.get(c), kind(c)) for c in labels) for r in got]
    want_rows = [tuple(norm(v, kind(c)) for c, v in zip(labels, rec)) for rec in want.itertuples(index=False)]
    limit = query.get("row_limit") or 10000
    order = [(o[0], o[1]) for o in query.get("orderby") or [] if isinstance(o[0], str)]
    limited = len(want_rows) > limit

    def sort_key(row):
        return tuple((v is None, str(type(v)), v if v is not None else "") for v in row)

    if limited:
        # the first `limit` rows in the chart's order: same order keys, and every row one of the expected rows
        if len(got_rows) != limit:
            fail(f"{name}: {len(got_rows)} rows, expected the row limit {limit} of {len(want_rows)}")
            return
        okeys = [(labels.index(c), asc) for c, asc in order if c in labels]
        if len(okeys) != len(order):
            fail(f"{name}: a row limit with an order on columns the chart does not show cannot be checked")
            return
        ws = list(want_rows)
        for i, asc in reversed(okeys):  # Spark's order: nulls first ascending, last descending
            ws = sorted(ws, key=lambda r, i=i: (r[i] is not None, r[i] if r[i] is not None else 0), reverse=not asc)
        want_keys = [tuple(r[i] for i, _ in okeys) for r in ws[:limit]]
        got_keys = [tuple(r[i] for i, _ in okeys) for r in got_rows]
        if not all(all(same(a, b) for a, b in zip(x, y)) for x, y in zip(got_keys, want_keys)):
            fail(f"{name}: the first {limit} rows differ in their order keys: got {got_keys[:5]}..., want {want_keys[:5]}...")
        pool = list(want_rows)
        for r in got_rows:
            match = next((w for w in pool if all(same(a, b) for a, b in zip(r, w))), None)
            if match is None:
                fail(f"{name}: row {r} is not in `carelake sql`'s rows")
                return
            pool.remove(match)
        log(f"  ok   {name}: {len(got_rows)} rows (the first {limit} of {len(want_rows)}) match")
        return
    if len(got_rows) != len(want_rows):
        fail(f"{name}: {len(got_rows)} rows from Superset, {len(want_rows)} from `carelake sql`")
        return
    for r, w in zip(sorted(got_rows, key=sort_key), sorted(want_rows, key=sort_key)):
        if not all(same(a, b) for a, b in zip(r, w)):
            fail(f"{name}: Superset {dict(zip(labels, r))} != carelake sql {dict(zip(labels, w))}")
            return
    if order:
        okeys = []
        for c, asc in order:  # the leading order columns the chart shows
            if c not in labels:
                break
            okeys.append((labels.index(c), asc))
        keys = [tuple(r[i] for i, _ in okeys) for r in got_rows]
        for a, b in zip(keys, keys[1:]):
            for (i, asc), x, y in zip(okeys, a, b):
                if x == y or x is None or y is None:
                    continue
                if (x > y) if asc else (x < y):
                    fail(f"{name}: rows not in the chart's order ({order}): {a} before {b}")
                    return
                break
    log(f"  ok   {name}: {len(got_rows)} row(s) match")


def carelake_sql(carelake: str, queries: list[str], out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    cmd = [carelake, "sql", "-o", str(out)] + queries
    t0 = time.time()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise SystemExit(f"check: `carelake sql` failed (exit {p.returncode}):\n{p.stderr[-3000:]}")
    log(f"carelake sql: {len(queries)} dataset(s) read in {time.time() - t0:.0f} s")


def dataset_sql(d: dict) -> str:
    cols = ", ".join(f"`{c['column_name']}`" for c in d["columns"])
    if d.get("sql"):
        return f"SELECT {cols} FROM (\n{d['sql'].rstrip().rstrip(';')}\n) virtual_table"
    return f"SELECT {cols} FROM {d['schema']}.{d['table_name']}"


# --------------------------------------------------------------------------------------------------------------------
# the browser

BROWSER_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1600,1200"]
ERROR_SELECTORS = [".antd5-alert-error", ".ant-alert-error", "[class*='alert-error']", "[data-test='error-alert']",
                   ".alert-danger", "[data-test='chart-error']"]
CHART_HOLDER = "[class*='dashboard-chart-id-']"  # a chart's holder (markdown holders have none)
LOADING_SELECTORS = ["[data-test='loading-indicator']", ".loading", "[aria-label='Loading']"]


def browser_check(url: str, user: str, password: str, dashboards: list[dict], charts: dict, shots: Path) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not try to download a driver or browser
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    profile = tempfile.mkdtemp(prefix="carelake-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in BROWSER_FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_page_load_timeout(120)
        driver.get(f"{url}/login/")
        wait = WebDriverWait(driver, 60)
        field = wait.until(lambda d: first(d, By.CSS_SELECTOR, ["input[name='username']", "#username",
                                                                 "[data-test='username-input']"]))
        field.send_keys(user)
        first(driver, By.CSS_SELECTOR, ["input[name='password']", "#password", "[data-test='password-input']"]).send_keys(password)
        first(driver, By.CSS_SELECTOR, ["[data-test='login-button']", "button[type='submit']", "input[type='submit']"]).click()
        wait.until(lambda d: "/login" not in d.current_url)
        log(f"browser: logged in through the form ({driver.current_url})")
        shots.mkdir(parents=True, exist_ok=True)
        for d in dashboards:
            t0 = time.time()
            driver.set_window_size(1600, 1200)
            driver.get(f"{url}/superset/dashboard/{d['slug']}/")
            expected = len(d["chart_uuids"])
            try:
                WebDriverWait(driver, 180, poll_frequency=1).until(lambda drv: charts_settled(drv, expected))
            except Exception:  # noqa: BLE001 - a timeout is reported with what the page shows
                fail(f"dashboard '{d['dashboard_title']}': charts did not finish loading in 180 s "
                     f"({describe(driver)})")
            height = driver.execute_script(
                "const c = document.querySelector('.dashboard-content') || document.body;"
                "return Math.max(document.body.scrollHeight, c.getBoundingClientRect().bottom + window.scrollY + 40);")
            driver.set_window_size(1600, min(int(height) + 60, 12000))
            time.sleep(2)  # ECharts resize animations settle
            try:
                WebDriverWait(driver, 60, poll_frequency=1).until(lambda drv: charts_settled(drv, expected))
            except Exception:  # noqa: BLE001
                fail(f"dashboard '{d['dashboard_title']}': charts did not settle after resizing ({describe(driver)})")
            errors = chart_errors(driver)
            shot = shots / f"{d['slug']}.png"
            driver.save_screenshot(str(shot))
            empty = driver.execute_script(
                "return [...document.querySelectorAll(arguments[0])].filter(h => "
                "/No results were returned/.test(h.innerText)).map(h => (h.querySelector('.header-title') || h)"
                ".innerText.split('\\n')[0]);", CHART_HOLDER)
            for e in errors:
                fail(f"dashboard '{d['dashboard_title']}': a chart shows an error: {e}")
            note = f"; empty: {empty}" if empty else ""
            log(f"  {'ok  ' if not errors else 'FAIL'} dashboard '{d['dashboard_title']}': {expected} charts rendered "
                f"in {time.time() - t0:.0f} s, screenshot {shot}{note}")
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def first(driver, by, selectors):
    for s in selectors:
        found = driver.find_elements(by, s)
        if found:
            return found[0]
    return None


def charts_settled(driver, expected: int) -> bool:
    return driver.execute_script("""
        const holders = [...document.querySelectorAll(arguments[2])];
        if (holders.length < arguments[0]) return false;
        const loading = arguments[1].some(s => [...document.querySelectorAll(s)].some(e => e.offsetParent !== null));
        if (loading) return false;
        // every chart drew something: a canvas or svg (ECharts), a table, a big number, an error or an empty state
        return holders.every(h => h.querySelector('canvas, svg, table, .header-line, .superset-legacy-chart-big-number, '
            + '[data-test="error-alert"], .ant-alert, .ant-empty, [class*="EmptyState"], .big_number_total, '
            + '.markdown-container') !== null || /No results were returned/.test(h.innerText));
    """, expected, LOADING_SELECTORS, CHART_HOLDER)


def chart_errors(driver) -> list[str]:
    return driver.execute_script("""
        const out = [];
        for (const s of arguments[0]) {
          for (const e of document.querySelectorAll(s)) {
            const holder = e.closest(arguments[1]);
            const title = holder ? (holder.innerText || '').split('\\n')[0] : '';
            out.push((title ? title + ': ' : '') + (e.innerText || e.textContent || '').trim().slice(0, 300));
          }
        }
        return [...new Set(out)];
    """, ERROR_SELECTORS, CHART_HOLDER)


def describe(driver) -> str:
    return driver.execute_script("""
        const holders = document.querySelectorAll(arguments[1]).length;
        const loading = arguments[0].map(s => document.querySelectorAll(s).length).reduce((a, b) => a + b, 0);
        return holders + ' charts, ' + loading + ' loading indicators, url ' + location.href;
    """, LOADING_SELECTORS, CHART_HOLDER)


# --------------------------------------------------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password-file", type=Path, required=True)
    ap.add_argument("--bundle", type=Path, required=True)
    ap.add_argument("--carelake", required=True, help="the product's launcher, run as `carelake sql -o DIR Q...`")
    ap.add_argument("--work", type=Path, required=True, help="scratch directory for the `carelake sql` results")
    ap.add_argument("--screenshots", type=Path, help="where to save a PNG per dashboard (default WORK/screenshots)")
    ap.add_argument("--no-browser", action="store_true", help="skip the headless browser")
    ap.add_argument("--reuse-sql", action="store_true",
                    help="reuse WORK/sql from the previous run instead of running `carelake sql` (when changing charts only)")
    args = ap.parse_args()
    t_start = time.time()
    password = args.password_file.read_text(encoding="utf-8").strip()
    bundle = load_bundle(args.bundle)
    log(f"bundle: {len(bundle['dashboards'])} dashboards, {len(bundle['charts'])} charts, {len(bundle['datasets'])} datasets")

    api = Superset(args.url, args.user, password)
    log(f"api: logged in to {args.url} as {args.user}")
    dashboards = {d["uuid"]: d for d in api.listing("dashboard", ["id", "uuid", "dashboard_title", "slug"])}
    charts = {c["uuid"]: c for c in api.listing("chart", ["id", "uuid", "slice_name", "viz_type", "datasource_id"])}
    for uuid, d in bundle["dashboards"].items():
        if uuid not in dashboards:
            fail(f"dashboard '{d['dashboard_title']}' ({uuid}) is not in Superset")
            continue
        held = api.get(f"/api/v1/dashboard/{dashboards[uuid]['id']}/charts")["result"]
        want = {charts[c]["id"] for c in d["chart_uuids"] if c in charts}
        got = {c["id"] for c in held}
        if got != want or len(want) != len(d["chart_uuids"]):
            fail(f"dashboard '{d['dashboard_title']}' holds charts {sorted(got)}, the bundle {sorted(want)} "
                 f"({len(d['chart_uuids'])} in its layout)")
        else:
            log(f"  ok   dashboard '{d['dashboard_title']}' (/superset/dashboard/{d['slug']}/) holds its {len(got)} charts")
    for uuid, c in bundle["charts"].items():
        if uuid not in charts:
            fail(f"chart '{c['slice_name']}' ({uuid}) is not in Superset")
        elif charts[uuid]["viz_type"] != c["viz_type"]:
            fail(f"chart '{c['slice_name']}' is a {charts[uuid]['viz_type']} in Superset, a {c['viz_type']} in the bundle")

    # the rows of every dataset a chart uses, through the product's own `carelake sql`, in one JVM
    used = sorted({c["dataset_uuid"] for c in bundle["charts"].values()})
    sql_dir = args.work / "sql"
    queries = [dataset_sql(bundle["datasets"][u]) for u in used]
    stamp = sql_dir / "queries.json"
    if args.reuse_sql and stamp.exists() and json.loads(stamp.read_text()) == queries:
        log(f"carelake sql: reusing {sql_dir} (--reuse-sql)")
    else:
        carelake_sql(args.carelake, queries, sql_dir)
        stamp.write_text(json.dumps(queries))
    frames = {u: typed_frame(sql_dir / f"{i + 1}.csv", bundle["datasets"][u]) for i, u in enumerate(used)}

    log("chart data: POST /api/v1/chart/data for every chart, compared with `carelake sql`")
    for uuid, c in sorted(bundle["charts"].items(), key=lambda kv: kv[1]["slice_name"]):
        if uuid not in charts:
            continue
        name = f"'{c['slice_name']}'"
        dataset = bundle["datasets"][c["dataset_uuid"]]
        try:
            query = query_of(c, dataset)
        except ValueError as e:
            fail(f"{name}: {e}")
            continue
        payload = {"datasource": {"id": charts[uuid]["datasource_id"], "type": "table"}, "force": True,
                   "queries": [query], "result_format": "json", "result_type": "full",
                   "form_data": {**c["params"], "slice_id": charts[uuid]["id"]}}
        t0 = time.time()
        status, body = api.chart_data(payload)
        if status != 200:
            fail(f"{name}: POST /api/v1/chart/data answered HTTP {status}: {json.dumps(body)[:500]}")
            continue
        result = body["result"][0]
        if result.get("error") or result.get("status") not in ("success", None):
            fail(f"{name}: {result.get('status')}: {result.get('error')}")
            continue
        try:
            want = expected_rows(frames[c["dataset_uuid"]], query, dataset)
        except ValueError as e:
            fail(f"{name}: {e}")
            continue
        compare(f"{name} [{time.time() - t0:.1f} s]", result["data"], want, query, dataset)

    if not args.no_browser:
        shots = args.screenshots or (args.work / "screenshots")
        order = sorted(bundle["dashboards"].values(), key=lambda d: d["dashboard_title"])
        browser_check(args.url, args.user, password, order, bundle["charts"], shots)

    took = time.time() - t_start
    if FAILURES:
        print(f"\ndashboards check: {len(FAILURES)} failure(s) in {took:.0f} s:", file=sys.stderr)
        for f in FAILURES:
            print(f"  - {f}", file=sys.stderr)
        return 1
    log(f"\ndashboards check: {len(bundle['dashboards'])} dashboards and {len(bundle['charts'])} charts ok, numbers match "
        f"`carelake sql`{'' if args.no_browser else ', screenshots saved'} ({took:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
