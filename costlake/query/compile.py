"""Compile a ``CostQuery`` into one SQL statement, written once and run on every engine.

The statement is produced in DuckDB's dialect over a relation named ``costs`` (the lake's
Parquet files for the org) and transpiled by SQLGlot for other engines (Spark). It scans the
lake once: with a previous-period comparison, the scan covers both windows and the previous
window's rows are shifted forward by the window length into the same buckets.
"""

from __future__ import annotations

from datetime import datetime

import sqlglot
from sqlglot import exp

from costlake.focus.schema import MONEY
from costlake.query.model import (
    TAG_PREFIX,
    CostQuery,
    Filter,
    FilterGroup,
    FilterOp,
    Granularity,
    ResultColumns,
)

TABLE = "costs"
MONEY_SQL = f"DECIMAL({MONEY.precision}, {MONEY.scale})"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def account_predicate(account_ids: tuple[str, ...]) -> str:
    """The isolation predicate: rows of the granted billing or sub accounts only. The one
    place it is written; an empty grant matches no row."""
    ids = ", ".join(lit(a) for a in account_ids) or "NULL"
    return f"(BillingAccountId IN ({ids}) OR SubAccountId IN ({ids}))"


def ts(value: datetime) -> str:
    return f"TIMESTAMP '{value.isoformat(sep=' ', timespec='microseconds')}'"


def key_expr(key: str) -> str:
    """SQL for a group/filter key: a column, or a tag looked up in Tags."""
    if key.startswith(TAG_PREFIX):
        return tag_sql(key[len(TAG_PREFIX) :])
    return ident(key)


def tag_sql(key: str, column: str = "Tags") -> str:
    """The value of tag ``key`` (NULL without it) in a tag column (JSON object text): the one
    place a tag is looked up. The key is a JSON pointer, which spells any key exactly (a
    JSONPath cannot spell the empty key, and Spark's cannot quote); ``to_dialect`` turns
    the lookup into Spark's."""
    pointer = "/" + key.replace("~", "~0").replace("/", "~1")
    return f"json_extract_string({ident(column)}, {lit(pointer)})"


def filter_expr(f: Filter | FilterGroup) -> str:
    if isinstance(f, FilterGroup):
        joined = (" AND " if f.mode == "all" else " OR ").join(filter_expr(i) for i in f.items)
        # A condition on a missing value is NULL in SQL: count it as false before negating.
        return f"(NOT COALESCE(({joined}), FALSE))" if f.mode == "none" else f"({joined})"
    col = key_expr(f.key)
    if f.lower:
        col = f"lower({col})"
    if "" in f.values:
        # An empty value matches a missing one too (see Filter).
        col = f"COALESCE({col}, '')"
    if f.op is FilterOp.CONTAINS_CASE:
        return f"strpos(COALESCE({col}, ''), {lit(f.values[0])}) > 0"
    if f.op is FilterOp.STARTS_WITH:
        return f"left(COALESCE({col}, ''), {len(f.values[0])}) = {lit(f.values[0])}"
    if f.op is FilterOp.ENDS_WITH:
        return f"right(COALESCE({col}, ''), {len(f.values[0])}) = {lit(f.values[0])}"
    if f.op is FilterOp.EQUALS:
        return f"{col} = {lit(f.values[0])}"
    if f.op is FilterOp.IN:
        return f"{col} IN ({', '.join(lit(v) for v in f.values)})"
    if f.op is FilterOp.NOT_IN:
        # NULL is "not in" any list of values: keep untagged rows when excluding a tag value.
        return f"({col} IS NULL OR {col} NOT IN ({', '.join(lit(v) for v in f.values)}))"
    return f"strpos(lower({col}), lower({lit(f.values[0])})) > 0"


def result_columns(q: CostQuery) -> ResultColumns:
    metrics = ["cost"]
    if q.compare_previous:
        metrics.append("previous_cost")
    metrics += [m.value for m in q.extra_metrics]
    if q.compare_previous:
        metrics += [f"previous_{m.value}" for m in q.extra_metrics]
    period = None if q.granularity is Granularity.TOTAL else "period"
    return ResultColumns(period, q.group_by, tuple(metrics))


def compile_query(q: CostQuery, *, ordered: bool = True) -> str:
    """The SQL (DuckDB dialect) answering ``q`` over the relation ``costs``; without
    ``ordered``, rows come in no particular order (for a statement that wraps this one)."""
    cols = result_columns(q)
    shift = int(q.shift.total_seconds())
    current = f"ChargePeriodStart >= {ts(q.start)}"
    where = [f"ChargePeriodStart >= {ts(q.scan_start)}", f"ChargePeriodStart < {ts(q.end)}"]
    where += [filter_expr(f) for f in q.filters]
    if q.account_ids is not None:
        where.append(account_predicate(q.account_ids))
    if q.sources is not None:
        where.append(f"x_SourceId IN ({', '.join(lit(s) for s in q.sources) or 'NULL'})")

    select: list[str] = []
    if cols.period:
        moment = (
            f"CASE WHEN {current} THEN ChargePeriodStart "
            f"ELSE ChargePeriodStart + INTERVAL {shift} SECOND END"
            if q.compare_previous
            else "ChargePeriodStart"
        )
        select.append(f"date_trunc('{q.granularity.value}', {moment}) AS period")
    g_alias = [f"g{i}" for i in range(len(q.group_by))]
    select += [f"{key_expr(k)} AS {a}" for k, a in zip(q.group_by, g_alias, strict=True)]
    metric_exprs = _metric_sums(q, current)
    select += [f"{expr} AS {ident(name)}" for name, expr in metric_exprs]

    group_positions = ", ".join(str(i + 1) for i in range(len(select) - len(metric_exprs)))
    base = f"SELECT {', '.join(select)} FROM {TABLE} WHERE {' AND '.join(where)}" + (
        f" GROUP BY {group_positions}" if group_positions else ""
    )

    keys = (["period"] if cols.period else []) + g_alias
    names = [ident(n) for n, _ in metric_exprs]
    limit = ""
    if q.top_n is not None and q.fold_rest:
        body = _fold_top_n(q, base, g_alias, keys, names)
    elif q.top_n is not None and not cols.period:
        body, limit = base, f" LIMIT {q.top_n}"
    elif q.top_n is not None:
        body = _keep_top_n(q, base, g_alias)
    else:
        body = base
    out = [
        ("period" if k == "period" else f"{k} AS {ident(q.group_by[g_alias.index(k)])}")
        for k in keys
    ] + names
    order = ["period"] if cols.period else []
    if q.order_by_cost:
        order.append(f"{ident('cost')} DESC")
    order += g_alias
    # A single total row with no cost order has nothing to order by.
    by = f" ORDER BY {', '.join(order)}" if order and (ordered or limit) else ""
    return f"SELECT {', '.join(out)} FROM ({body}) AS r{by}{limit}"


def _metric_sums(q: CostQuery, current: str) -> list[tuple[str, str]]:
    sums: list[tuple[str, str]] = []
    metrics = [("cost", q.metric.value)] + [(m.value, m.value) for m in q.extra_metrics]
    for name, column in metrics:
        if q.compare_previous:
            sums.append((name, f"SUM(CASE WHEN {current} THEN {ident(column)} END)"))
        else:
            sums.append((name, f"SUM({ident(column)})"))
    if q.compare_previous:
        prev = [("previous_cost", q.metric.value)] + [
            (f"previous_{m.value}", m.value) for m in q.extra_metrics
        ]
        # Keep metric order: cost, previous_cost, extras..., previous extras...
        sums = (
            [sums[0], (prev[0][0], f"SUM(CASE WHEN NOT ({current}) THEN {ident(prev[0][1])} END)")]
            + sums[1:]
            + [(n, f"SUM(CASE WHEN NOT ({current}) THEN {ident(c)} END)") for n, c in prev[1:]]
        )
    return sums


def _fold_top_n(
    q: CostQuery, base: str, groups: list[str], keys: list[str], names: list[str]
) -> str:
    """Keep the N groups with the largest cost over the whole range; fold the rest."""
    assert q.top_n is not None
    on = " AND ".join(f"b.{g} IS NOT DISTINCT FROM t.{g}" for g in groups)
    ranked = (
        f"SELECT {', '.join(groups)}, row_number() OVER (ORDER BY SUM(cost) DESC NULLS LAST, "
        f"{', '.join(f'{g} ASC NULLS FIRST' for g in groups)}) AS rn "
        f"FROM base GROUP BY {', '.join(groups)}"
    )
    folded = [
        ("b.period AS period")
        if k == "period"
        else f"CASE WHEN t.rn <= {q.top_n} THEN b.{k} ELSE {lit(q.other_label)} END AS {k}"
        for k in keys
    ]
    sums = [f"SUM(b.{n}) AS {n}" for n in names]
    group = ", ".join(str(i + 1) for i in range(len(keys)))
    return (
        f"WITH base AS ({base}), ranked AS ({ranked}) "
        f"SELECT {', '.join(folded + sums)} FROM base AS b JOIN ranked AS t ON {on} "
        f"GROUP BY {group}"
    )


def _keep_top_n(q: CostQuery, base: str, groups: list[str]) -> str:
    """Only the rows of the N groups with the largest cost over the whole range."""
    assert q.top_n is not None
    on = " AND ".join(f"b.{g} IS NOT DISTINCT FROM t.{g}" for g in groups)
    ranked = (
        f"SELECT {', '.join(groups)}, row_number() OVER (ORDER BY SUM(cost) DESC NULLS LAST, "
        f"{', '.join(f'{g} ASC NULLS FIRST' for g in groups)}) AS rn "
        f"FROM base GROUP BY {', '.join(groups)}"
    )
    return (
        f"WITH base AS ({base}), ranked AS ({ranked}) "
        f"SELECT b.* FROM base AS b JOIN ranked AS t ON {on} WHERE t.rn <= {q.top_n}"
    )


def to_dialect(sql: str, dialect: str) -> str:
    """The same statement in another engine's SQL dialect. A tag lookup (``tag_sql``)
    becomes a lookup in the tags read as a map, which takes any key as it is."""
    if dialect == "duckdb":
        return sql
    return sqlglot.parse_one(sql, read="duckdb").transform(_tag_lookup).sql(dialect)


def _tag_lookup(node: exp.Expression) -> exp.Expression:
    if not isinstance(node, exp.JSONExtractScalar):
        return node
    path = node.expression
    if not (isinstance(path, exp.Literal) and path.is_string and path.this.startswith("/")):
        return node
    key = path.this[1:].replace("~1", "/").replace("~0", "~")
    as_map = exp.func("from_json", node.this.copy(), exp.Literal.string("map<string,string>"))
    return exp.Bracket(this=as_map, expressions=[exp.Literal.string(key)])
