#!/usr/bin/env python3
"""Translate carelake's Spark SQL models to DuckDB SQL with SQLGlot (pinned in requirements.txt).

Input on stdin: a JSON object {"<layer>.<name>": "<Spark SQL>", ...} (order kept).
Output on stdout: a JSON object {"<layer>.<name>": {"sql": "<DuckDB SQL>"} | {"error": "<why>"}, ...}.
A model SQLGlot cannot translate is reported with its error, never dropped.

The translation is sqlglot.transpile(sql, read="spark", write="duckdb"); the few places where its output does
not mean the same in DuckDB are fixed by the narrow AST rewrites below, each saying why.
"""
import json
import sys

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.scope import Scope, traverse_scope


def translate(sql: str) -> str:
    statements = sqlglot.parse(sql, read="spark")
    statements = [s for s in statements if s is not None]
    if len(statements) != 1:
        raise ValueError(f"expected one SELECT statement, found {len(statements)}")
    tree = statements[0]
    for rewrite in REWRITES:
        tree = tree.transform(rewrite)
    for rewrite in TREE_REWRITES:
        tree = rewrite(tree)
    return tree.sql(dialect="duckdb", pretty=True)


# --- Narrow rewrites of the parsed Spark tree before it is written as DuckDB SQL ------------------------------

# Spark's trunc(d, 'MM') / trunc(d, 'YYYY') take Oracle-style unit names; SQLGlot passes them through to
# DuckDB's date_trunc, which knows only 'month', 'year', ... ('quarter' and 'week' pass unchanged).
_TRUNC_UNITS = {"MM": "MONTH", "MON": "MONTH", "MONTH": "MONTH", "YY": "YEAR", "YYYY": "YEAR", "YEAR": "YEAR",
                "Q": "QUARTER", "QUARTER": "QUARTER", "WEEK": "WEEK", "DD": "DAY", "DAY": "DAY"}


def trunc_units(node):
    if isinstance(node, (exp.DateTrunc, exp.TimestampTrunc)):
        unit = node.args.get("unit")
        if isinstance(unit, exp.Literal) and unit.is_string:
            name = _TRUNC_UNITS.get(unit.this.upper())
            if name is None:
                raise ValueError(f"trunc unit {unit.this!r} has no DuckDB equivalent here")
            node.set("unit", exp.Literal.string(name))
    return node


# Spark's from_utc_timestamp(ts, tz) reads ts as UTC and gives the wall-clock time in tz. SQLGlot writes
# CAST(ts AS TIMESTAMP) AT TIME ZONE tz, which in DuckDB does the opposite (reads a naive timestamp as local
# to tz). Spark parses no AT TIME ZONE syntax, so every AtTimeZone here came from from_utc_timestamp: say
# "this is UTC" first, then convert: (CAST(ts AS TIMESTAMP) AT TIME ZONE 'UTC') AT TIME ZONE tz.
def from_utc_timestamp(node):
    if isinstance(node, exp.AtTimeZone) and not node.meta.get("carelake_utc"):
        inner = exp.AtTimeZone(this=node.this, zone=exp.Literal.string("UTC"))
        inner.meta["carelake_utc"] = True
        outer = exp.AtTimeZone(this=exp.Paren(this=inner), zone=node.args["zone"])
        outer.meta["carelake_utc"] = True
        return outer
    return node


# Spark's from_json(doc, '<DDL schema>') takes a Spark schema; DuckDB's from_json takes a JSON structure
# ('{"a": "VARCHAR", "c": [{"code": "VARCHAR"}]}'). Both are lenient (a value of the wrong type is NULL).
_JSON_SCALARS = {
    exp.DataType.Type.TEXT: "VARCHAR", exp.DataType.Type.VARCHAR: "VARCHAR", exp.DataType.Type.INT: "INTEGER",
    exp.DataType.Type.BIGINT: "BIGINT", exp.DataType.Type.DOUBLE: "DOUBLE", exp.DataType.Type.BOOLEAN: "BOOLEAN",
    exp.DataType.Type.DATE: "DATE", exp.DataType.Type.TIMESTAMP: "TIMESTAMP",
}


def _json_structure(dtype):
    if dtype.this == exp.DataType.Type.STRUCT:
        return {col.name: _json_structure(col.args["kind"]) for col in dtype.expressions}
    if dtype.this == exp.DataType.Type.ARRAY:
        return [_json_structure(dtype.expressions[0])]
    if dtype.this in _JSON_SCALARS:
        return _JSON_SCALARS[dtype.this]
    raise ValueError(f"from_json schema type {dtype.sql('spark')} is not mapped")


def from_json_schema(node):
    if isinstance(node, exp.FromJson):
        schema = node.args.get("expression")
        if isinstance(schema, exp.Literal) and schema.is_string:
            dtype = exp.DataType.build(f"STRUCT<{schema.this}>", dialect="spark")
            node.set("expression", exp.Literal.string(json.dumps(_json_structure(dtype))))
    return node


# LATERAL VIEW stack(n, k1, v1, k2, v2, ...) s AS k, v (Spark's unpivot) has no DuckDB form in SQLGlot (it is
# written back verbatim). Rewrite to the same rows as a lateral join on a UNION ALL of one-row SELECTs.
def lateral_stack(node):
    if not isinstance(node, exp.Select):
        return node
    for lateral in list(node.args.get("laterals") or []):
        stack = lateral.this
        if not isinstance(stack, exp.Stack):
            continue
        if lateral.args.get("outer"):
            raise ValueError("LATERAL VIEW OUTER stack is not supported")
        n = int(stack.this.this)
        values = stack.expressions
        alias = lateral.args["alias"]
        names = [c.name for c in alias.columns]
        if len(values) != n * len(names):
            raise ValueError(f"stack({n}, ...) has {len(values)} values for columns {names}")
        rows = []
        for i in range(n):
            row = values[i * len(names):(i + 1) * len(names)]
            rows.append(exp.select(*[exp.alias_(v.copy(), name) for v, name in zip(row, names)]))
        union = rows[0]
        for r in rows[1:]:
            union = exp.union(union, r, distinct=False)
        join = exp.Join(this=exp.Lateral(this=exp.Subquery(this=union), alias=exp.TableAlias(this=alias.this.copy())),
                        kind="CROSS")
        lateral.pop()
        node.append("joins", join)
    return node


# Spark's sequence(start, stop, interval) over DATEs gives DATEs; DuckDB's generate_series has no DATE form and
# gives TIMESTAMPs, which then leak into the tables (a DATE column becomes a TIMESTAMP, a date concatenated into
# a text gains " 00:00:00"). Where the start is a date, cast the elements back to DATE. "Is a date" is decided
# from the syntax (a DATE literal or cast, trunc(), make_date(), to_date(), date_add/date_sub/add_months, or
# least/greatest/coalesce over such), following a bare column through the CTE or subquery it is selected from.
_DATE_FUNCS = (exp.DateTrunc, exp.DateFromParts, exp.TsOrDsToDate, exp.StrToDate, exp.DateAdd, exp.DateSub,
               exp.AddMonths, exp.CurrentDate, exp.LastDay)


def _is_date(node, scope, depth=0):
    if depth > 8 or node is None:
        return False
    if isinstance(node, (exp.Paren, exp.Alias)):
        return _is_date(node.this, scope, depth + 1)
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    if isinstance(node, _DATE_FUNCS):
        return True
    if isinstance(node, exp.Anonymous) and node.name.lower() == "make_date":
        return True
    if isinstance(node, (exp.Least, exp.Greatest, exp.Coalesce, exp.Min, exp.Max)):
        args = [a for a in [node.this, *node.expressions] if a is not None]
        return any(_is_date(a, scope, depth + 1) for a in args)
    if isinstance(node, exp.Column) and scope is not None:
        sources = scope.selected_sources
        candidates = [sources[node.table]] if node.table in sources else list(sources.values())
        for _, source in candidates:
            if isinstance(source, Scope) and isinstance(source.expression, exp.Select):
                for projection in source.expression.selects:
                    if projection.alias_or_name == node.name:
                        return _is_date(projection, source, depth + 1)
    return False


def date_sequences(tree):
    scopes = {}
    for scope in traverse_scope(tree):
        for node in scope.expression.find_all(exp.GenerateSeries):
            scopes.setdefault(id(node), scope)
    for node in list(tree.find_all(exp.GenerateSeries)):
        if _is_date(node.args.get("start"), scopes.get(id(node))):
            cast = sqlglot.parse_one("LIST_TRANSFORM(x, d -> CAST(d AS DATE))", read="duckdb")
            node.replace(cast)
            cast.find(exp.Column).replace(node)
    return tree


# Spark's date_add/date_sub (TsOrDsAdd here) and add_months always return a DATE; SQLGlot writes them as
# date + INTERVAL, which is a TIMESTAMP in DuckDB. Cast the result back to DATE (same value, same type).
def date_arithmetic(node):
    if isinstance(node, (exp.TsOrDsAdd, exp.AddMonths)) and not node.meta.get("carelake_date"):
        node.meta["carelake_date"] = True
        return exp.cast(node, exp.DataType.build("DATE"))
    return node


# Spark's count_if(c) is count(if(c, true, null)): 0 when c is never true, even when every c is NULL. DuckDB's
# count_if returns NULL when every c is NULL. Write it as count(CASE WHEN c THEN 1 END), which is Spark's meaning.
def count_if(node):
    if isinstance(node, exp.CountIf):
        return exp.Count(this=exp.Case(ifs=[exp.If(this=node.this, true=exp.Literal.number(1))]))
    return node


# Spark's dayofweek is 1 (Sunday) .. 7 (Saturday); DuckDB's is 0 (Sunday) .. 6 (Saturday), and SQLGlot maps one
# to the other unchanged. Add one.
def day_of_week(node):
    if isinstance(node, exp.DayOfWeek) and not node.meta.get("carelake_dow"):
        node.meta["carelake_dow"] = True
        return exp.Paren(this=exp.Add(this=node, expression=exp.Literal.number(1)))
    return node


# Spark's percentile(x, p) is the exact percentile with linear interpolation, a DOUBLE. SQLGlot writes DuckDB's
# QUANTILE, which is quantile_disc (an element of the set, no interpolation: the median of 82, 95 is 82, not
# 88.5). Write QUANTILE_CONT over x as DOUBLE (Spark casts the input to DOUBLE as well).
def percentile(node):
    if isinstance(node, exp.Quantile):
        return exp.Anonymous(this="QUANTILE_CONT", expressions=[
            exp.cast(node.this, exp.DataType.build("DOUBLE")), node.args["quantile"]])
    return node


# Spark's concat_ws(sep, ...) joins the elements of an array argument; DuckDB's concat_ws renders a list as text
# ('[a, b]'). Where an argument is an array expression (all the models' array arguments are written in place,
# e.g. concat_ws(', ', sort_array(collect_list(x)))), join it with array_to_string(arg, sep), which also skips
# NULL elements as Spark does.
_ARRAY_NODES = tuple(getattr(exp, name) for name in (
    "ArrayAgg", "ArrayUniqueAgg", "SortArray", "ArraySort", "ArrayFilter", "Transform", "ArrayDistinct", "Array",
    "RegexpSplit", "Split", "ArrayConcat") if hasattr(exp, name))


def concat_ws_arrays(node):
    if isinstance(node, exp.ConcatWs):
        sep, *args = node.expressions
        for arg in args:
            if isinstance(arg, _ARRAY_NODES):
                arg.replace(exp.Anonymous(this="ARRAY_TO_STRING", expressions=[arg.copy(), sep.copy()]))
    return node


# Spark's to_json(struct) leaves out fields that are NULL (ignoreNullFields); DuckDB's to_json writes "f":null.
# The text differs, and so does any hash of it (dim_location.attributes_hash). A JSON merge patch onto {} drops
# NULL members at every level (RFC 7396) and keeps the order of the others, giving Spark's text. Not covered:
# a DECIMAL field (Spark writes 95.0000, DuckDB 95.0); no model hashes a decimal this way.
def to_json_nulls(node):
    if isinstance(node, exp.JSONFormat) and isinstance(node.this, exp.Struct) and not node.meta.get("carelake_json"):
        node.meta["carelake_json"] = True
        return exp.Anonymous(this="JSON_MERGE_PATCH", expressions=[exp.Literal.string("{}"), node])
    return node


# Spark's size(collect_set(x)) (it has no count(DISTINCT x) over a window) is the number of distinct non-NULL x.
# SQLGlot writes ARRAY_LENGTH(LIST(DISTINCT x) FILTER (WHERE x IS NOT NULL) OVER (...)): the same number, but
# DuckDB then builds a list for every row of the window. Over stg_return_measure's 888,547 rows (one thread) that
# took about 20 times as long as COUNT(DISTINCT x) OVER (...), which gives the same answer. Not a change of
# meaning: the reference should not be slowed by a spelling SQLGlot chose.
def size_of_collect_set(node):
    if isinstance(node, exp.ArraySize):
        inner = node.this
        agg = inner.this if isinstance(inner, exp.Window) else inner
        if isinstance(agg, exp.ArrayUniqueAgg):
            count = exp.Count(this=exp.Distinct(expressions=[agg.this.copy()]))
            if isinstance(inner, exp.Window):
                window = inner.copy()
                window.set("this", count)
                return window
            return count
    return node


# Spark's round(a / b, n) rounds half up: over decimals an exact quotient, over integers and doubles the double's
# shortest decimal text. DuckDB divides decimals in DOUBLE and rounds the binary value, so 100 * 87 / 4000 is 2.175 to
# Spark (2.18) and 2.17499999... to DuckDB (2.17). Round the quotient as DECIMAL(38, 10) (2.1750000000) and give back
# the DOUBLE DuckDB would have given: the same type, Spark's rounding.
def round_quotient(node):
    if isinstance(node, exp.Round) and not node.meta.get("carelake_round"):
        inner = node.this
        while isinstance(inner, exp.Paren):
            inner = inner.this
        if isinstance(inner, exp.Div):
            node.meta["carelake_round"] = True
            node.set("this", exp.cast(node.this, exp.DataType.build("DECIMAL(38, 10)")))
            return exp.cast(node, exp.DataType.build("DOUBLE"))
    return node


REWRITES = [trunc_units, from_utc_timestamp, from_json_schema, lateral_stack, date_arithmetic, count_if, day_of_week,
            percentile, concat_ws_arrays, to_json_nulls, size_of_collect_set, round_quotient]
TREE_REWRITES = [date_sequences]


def main() -> int:
    models = json.load(sys.stdin)
    out = {}
    for table, sql in models.items():
        try:
            out[table] = {"sql": translate(sql)}
        except Exception as e:  # reported per model; the caller decides
            out[table] = {"error": f"{type(e).__name__}: {e}"}
    json.dump(out, sys.stdout, indent=1)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
