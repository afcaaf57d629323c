"""``costlake query``: ask the lake a cost question from the shell."""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Annotated

import typer

from costlake.cli.context import handle_errors, open_platform, out
from costlake.cli.table import cost_table
from costlake.errors import InvalidInput
from costlake.kit.jsonout import decimal_text, dumps_rows
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric
from costlake.query.service import QueryService, require_data


def parse_filter(text: str) -> Filter:
    """``K=V`` equals, ``K=V1|V2`` any of, ``K!=V1|V2`` none of, ``K~V`` contains."""
    for sep, op in (("!=", FilterOp.NOT_IN), ("~", FilterOp.CONTAINS), ("=", FilterOp.IN)):
        if sep in text:
            key, _, value = text.partition(sep)
            values = tuple(value.split("|")) if op is not FilterOp.CONTAINS else (value,)
            if op is FilterOp.IN and len(values) == 1:
                op = FilterOp.EQUALS
            return Filter.of(key, op, *values)
    raise InvalidInput(f"filter {text!r} must look like KEY=VALUE, KEY=A|B, KEY!=A or KEY~TEXT")


def parse_time(text: str, name: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"--{name} {text!r} is not a date (YYYY-MM-DD) or ISO time") from None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return decimal_text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


@handle_errors
def query(
    start: Annotated[str, typer.Option(help="Start of the range (inclusive), YYYY-MM-DD")],
    end: Annotated[str, typer.Option(help="End of the range (exclusive), YYYY-MM-DD")],
    org: Annotated[str, typer.Option(help="Tenant to query")] = "default",
    group_by: Annotated[
        str | None,
        typer.Option(
            help="Comma-separated FOCUS columns or tags (tag:team), e.g. ServiceName,tag:env"
        ),
    ] = None,
    granularity: Annotated[Granularity, typer.Option(help="Time buckets")] = Granularity.TOTAL,
    filter: Annotated[
        list[str] | None,
        typer.Option("--filter", help="KEY=VALUE, KEY=A|B, KEY!=A|B or KEY~TEXT; repeatable"),
    ] = None,
    metric: Annotated[
        str,
        typer.Option(
            help="BilledCost (unblended), EffectiveCost (amortized), ListCost, ContractedCost"
        ),
    ] = "BilledCost",
    top: Annotated[
        int | None, typer.Option(help="Keep the N largest groups, fold the rest")
    ] = None,
    compare: Annotated[bool, typer.Option(help="Add the previous window of equal length")] = False,
    output: Annotated[str, typer.Option(help="table, csv or json")] = "table",
    engine: Annotated[
        str | None, typer.Option(help="duckdb (embedded) or spark; default: COSTLAKE_ENGINE")
    ] = None,
) -> None:
    """Sum cost over a time range, sliced by time, dimensions and tags."""
    if output not in ("table", "csv", "json"):
        raise InvalidInput("--output must be table, csv or json")
    q = CostQuery(
        start=parse_time(start, "start"),
        end=parse_time(end, "end"),
        granularity=granularity,
        group_by=tuple(k for k in (group_by or "").split(",") if k.strip()),
        filters=tuple(parse_filter(f) for f in filter or []),
        metric=Metric.parse(metric),
        top_n=top,
        compare_previous=compare,
    )
    with open_platform(engine=engine) as platform:
        require_data(platform.lake, org)
        result = platform.queries.run(org, q)
        totals = currency_totals(platform.queries, org, q) if output == "table" else {}
    rows = result.rows
    if not q.group_by and q.granularity is Granularity.TOTAL and not rows:
        rows = [{n: Decimal(0) for n in result.columns.metrics}]
    names = list(result.columns.all)
    if output == "json":
        sys.stdout.buffer.write(dumps_rows(rows) + b"\n")
    elif output == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(names)
        for r in rows:
            w.writerow([_text(r.get(n)) for n in names])
        sys.stdout.write(buf.getvalue())
    else:
        out.print(cost_table(result, totals))


def currency_totals(service: QueryService, org: str, q: CostQuery) -> dict[str, dict[str, Decimal]]:
    """Each billing currency's sum of every metric column, for the table's total rows."""
    by_currency = replace(
        q, group_by=("BillingCurrency",), granularity=Granularity.TOTAL, top_n=None
    )
    result = service.run(org, by_currency)
    totals: dict[str, dict[str, Decimal]] = {}
    for r in result.rows:
        sums = totals.setdefault(str(r["BillingCurrency"] or "USD"), {})
        for m in result.columns.metrics:
            value = r[m]
            if isinstance(value, Decimal):
                sums[m] = value
    return totals
