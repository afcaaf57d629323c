"""Pure translations between CloudZero's billing parameters and shapes and the core's.

No I/O here: the router hands these functions the request body and the core's result, so
every rule (times, cost types, filters, the time series per group) is testable without a
server. Figures are the engine's exact decimals turned into floats, never rounded: a
CloudZero client sums them itself.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from costlake.allocation.schemas import Split
from costlake.dialects.cloudzero.dimensions import Dimension, resolve
from costlake.errors import InvalidInput
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric, QueryResult

GRANULARITY = {
    "daily": Granularity.DAY,
    "monthly": Granularity.MONTH,
    "cumulative": Granularity.TOTAL,
}
DEFAULT_GRANULARITY = "daily"
DEFAULT_COST_TYPE = "real"
NOT_SET = ""
"""What a group shows for a charge without a value (no region, no such tag): the document
types group values as strings, so not null."""


@dataclass(frozen=True, slots=True)
class CostType:
    metric: Metric
    excluded_categories: tuple[str, ...] = ()
    """FOCUS ChargeCategory values left out of the sum."""


COST_TYPES: dict[str, CostType] = {
    "billed": CostType(Metric.BILLED),
    "discounted": CostType(Metric.CONTRACTED),
    "amortized": CostType(Metric.EFFECTIVE),
    "discounted_amortized": CostType(Metric.EFFECTIVE),
    "invoiced_amortized": CostType(Metric.EFFECTIVE),
    "real": CostType(Metric.EFFECTIVE, ("Credit",)),
    "on_demand": CostType(Metric.LIST),
}
"""Each CloudZero cost type as a FOCUS column and the charges it leaves out (the table and
the reasons are in docs/dialects/cloudzero.md)."""


def moment(value: str, field: str) -> datetime:
    """An ISO 8601 date-time (UTC if it has no offset) or a date alone (its midnight, UTC)."""
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), UTC)
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(
            f"{field}: {value[:40]!r} is not an ISO 8601 date-time or date"
        ) from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def group_dimensions(group_by: Sequence[str] | None) -> list[Dimension]:
    dims = [resolve(name, f"group_by[{i}]") for i, name in enumerate(group_by or ())]
    seen: set[str] = set()
    for i, d in enumerate(dims):
        if d.column in seen:
            raise InvalidInput(f"group_by[{i}]: {d.id} appears twice")
        seen.add(d.column)
    return dims


def value_rules(
    spec: Mapping[str, Any] | None, field: str
) -> list[tuple[Dimension, tuple[str, ...], tuple[str, ...]]]:
    """``{dimension: [values]}`` keeps charges with one of the values; ``{dimension:
    {"exclude": [values]}}`` (or ``{"include": [...], "exclude": [...]}``) leaves some out.
    Returns (dimension, include, exclude) per key; refusals name ``<field>.<dimension>``."""
    out = []
    for name, rule in (spec or {}).items():
        where = f"{field}.{name}"
        dim = resolve(name, where)
        if isinstance(rule, list):
            rule = {"include": rule}
        if not isinstance(rule, dict) or not rule or set(rule) - {"include", "exclude"}:
            raise InvalidInput(
                f"{where}: give a list of values, or an object with 'include' and/or "
                "'exclude' lists"
            )
        parts: dict[str, tuple[str, ...]] = {}
        for part in ("include", "exclude"):
            values = rule.get(part, [])
            if part in rule and (
                not isinstance(values, list)
                or not values
                or not all(isinstance(v, str) for v in values)
            ):
                raise InvalidInput(f"{where}: {part} must be a non-empty list of strings")
            parts[part] = tuple(values)
        out.append((dim, parts["include"], parts["exclude"]))
    return out


def filters(spec: Mapping[str, Any] | None) -> list[Filter]:
    """A billing ``filter``: dimensions combined with AND, values of one dimension with OR
    (allocation dimensions apart: :func:`split_of`)."""
    out: list[Filter] = []
    for dim, include, exclude in value_rules(spec, "filter"):
        if dim.stream is not None:
            continue
        if include:
            out.append(Filter(dim.column, FilterOp.IN, include))
        if exclude:
            out.append(Filter(dim.column, FilterOp.NOT_IN, exclude))
    return out


def split_of(dims: Sequence[Dimension], spec: Mapping[str, Any] | None) -> Split | None:
    """The allocation split a question asks: the one allocation stream among ``group_by``
    (its position there) and ``filter`` (elements kept or left out); None without one."""
    rules = [r for r in value_rules(spec, "filter") if r[0].stream is not None]
    named = {d.stream for d in dims if d.stream} | {d.stream for d, _, _ in rules}
    if len(named) > 1:
        raise InvalidInput("group_by: one allocation dimension per question")
    if not named:
        return None
    (stream,) = named
    assert stream is not None
    position = next((i for i, d in enumerate(dims) if d.stream == stream), None)
    include = tuple(v for _, inc, _ in rules for v in inc)
    exclude = tuple(v for _, _, exc in rules for v in exc)
    return Split(stream, position, include, exclude)


@dataclass(frozen=True, slots=True)
class BillingQuestion:
    query: CostQuery
    dimensions: tuple[Dimension, ...]
    split: Split | None = None
    """Cost split by an allocation stream's elements (core: :mod:`costlake.allocation`)."""


def billing_query(
    *,
    start: str,
    end: str,
    group_by: Sequence[str] | None,
    filter: Mapping[str, Any] | None,  # noqa: A002 - the document's name
    granularity: str | None,
    cost_type: str | None,
    account_ids: tuple[str, ...] | None,
) -> BillingQuestion:
    """The core query a ``POST /v2/billing/costs`` body asks; ``end`` is exclusive."""
    first, last = moment(start, "start"), moment(end, "end")
    if last <= first:
        raise InvalidInput("end: must be after start")
    dims = group_dimensions(group_by)
    kind = COST_TYPES[cost_type or DEFAULT_COST_TYPE]
    where = filters(filter)
    if kind.excluded_categories:
        where.append(Filter("ChargeCategory", FilterOp.NOT_IN, kind.excluded_categories))
    query = CostQuery(
        first,
        last,
        granularity=GRANULARITY[granularity or DEFAULT_GRANULARITY],
        group_by=tuple(d.column for d in dims if d.stream is None),
        filters=tuple(where),
        metric=kind.metric,
        account_ids=account_ids,
        order_by_cost=False,
    )
    return BillingQuestion(query, tuple(dims), split_of(dims, filter))


def timestamp(moment: datetime) -> str:
    """``2024-10-01T00:00:00Z``: a bucket's start, UTC."""
    return moment.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def series(result: QueryResult, dims: Sequence[Dimension]) -> list[dict[str, Any]]:
    """One item per group, the largest total cost first (ties by group values): its
    ``group`` and its ``cost`` points in time order (buckets without charges are left out;
    a cumulative answer is one point at the range's start)."""
    q, columns = result.query, result.columns.groups
    groups: dict[tuple[str, ...], list[tuple[datetime, Decimal]]] = {}
    for row in result.rows:
        key = tuple(NOT_SET if row[c] is None else str(row[c]) for c in columns)
        at = row.get("period", q.start)
        groups.setdefault(key, []).append((at, row["cost"] or Decimal(0)))  # type: ignore[arg-type]
    totals = {k: sum((v for _, v in pts), Decimal(0)) for k, pts in groups.items()}
    order = sorted(groups, key=lambda k: (-totals[k], k))
    stamps = {at: timestamp(at) for pts in groups.values() for at, _ in pts}  # few buckets
    return [
        {
            "group": {d.id: v for d, v in zip(dims, key, strict=True)},
            "cost": [
                {"timestamp": stamps[at], "value": float(v)}
                for at, v in sorted(groups[key], key=lambda p: p[0])
            ],
        }
        for key in order
    ]


def pagination(links: Mapping[str, Any]) -> dict[str, Any]:
    """The document's flat ``{next, previous, total}`` from the framework's link pages; a
    link that does not exist is left out (the document types links as strings)."""
    cursor = links.get("cursor") or {}
    out: dict[str, Any] = {k: cursor[k] for k in ("next", "previous") if cursor.get(k)}
    out["total"] = links["total"]
    return out
