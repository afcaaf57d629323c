"""Custom costs from the lake: which rows they are, their properties, their sums per step.

Custom costs are the charges of sources that are not the four cloud providers: SaaS, AI,
observability, CloudZero CBF and AnyCost drops, OpenTelemetry-priced usage. A row is one
when its ``ProviderName`` is none of the spellings of AWS, Azure, Google Cloud and Oracle
(compared lower-cased), whatever format it arrived in. Each property reads one FOCUS
column (:data:`COLUMNS`; docs/dialects/kubecost.md has the table):
``domain`` is the vendor (``ProviderName`` lower-cased) and ``costSource`` its category
(``ServiceCategory`` mapped to a short word by :data:`CATEGORIES`).

One statement answers a request (:mod:`.sql`): lines per day (or hour) and set of property
values, the cost type applied to each line, merged per step and requested key in the
engine; each row it returns is one line of the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from costlake.customcosts import sql
from costlake.customcosts.schemas import (
    Condition,
    CostType,
    Group,
    Line,
    Op,
    Predicate,
    Prop,
    Step,
)
from costlake.customcosts.sql import PROPS
from costlake.kit.providers import CLOUD_PROVIDERS, provider_names
from costlake.lake.store import LakeSnapshot
from costlake.query.compile import ts
from costlake.query.model import CostQuery, Filter, FilterGroup, FilterOp, Granularity, Metric
from costlake.query.service import QueryService

COLUMNS: dict[Prop, str] = {
    Prop.ZONE: "RegionId",
    Prop.ACCOUNT_NAME: "BillingAccountName",
    Prop.CHARGE_CATEGORY: "ChargeCategory",
    Prop.DESCRIPTION: "ChargeDescription",
    Prop.RESOURCE_NAME: "ResourceName",
    Prop.RESOURCE_TYPE: "ResourceType",
    Prop.PROVIDER_ID: "ResourceId",
    Prop.USAGE_UNIT: "ConsumedUnit",
    Prop.DOMAIN: "ProviderName",
    Prop.COST_SOURCE: "ServiceCategory",
}
LOWERED = frozenset({Prop.CHARGE_CATEGORY, Prop.DOMAIN})
"""Properties shown lower-cased (``usage``, ``datadog``), as OpenCost's plugins write them."""

CATEGORIES: dict[str, str] = {
    "AI and Machine Learning": "ai",
    "Analytics": "analytics",
    "Business Applications": "business-applications",
    "Compute": "compute",
    "Databases": "database",
    "Developer Tools": "developer-tools",
    "Identity": "identity",
    "Integration": "integration",
    "Internet of Things": "iot",
    "Management and Governance": "observability",
    "Media": "media",
    "Migration": "migration",
    "Mobile": "mobile",
    "Multicloud": "multicloud",
    "Networking": "networking",
    "Security": "security",
    "Storage": "storage",
    "Web": "web",
    "Other": "other",
}
"""FOCUS ``ServiceCategory`` (a closed list) -> ``costSource``; any other value is ``other``."""
OTHER = "other"


_CLOUD_NAMES = tuple(n.lower() for n in provider_names(CLOUD_PROVIDERS) or ())


def selection() -> Filter:
    """The rows that are custom costs: not from a cloud provider."""
    return Filter.of("ProviderName", FilterOp.NOT_IN, *_CLOUD_NAMES, lower=True)


def is_custom(provider: str | None) -> bool:
    """Python's twin of :func:`selection`."""
    return provider is None or provider.lower() not in _CLOUD_NAMES


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment


def _located(
    queries: QueryService, snap: LakeSnapshot, start: datetime, end: datetime
) -> tuple[tuple[Filter, ...], tuple[str, ...]] | None:
    """Filters selecting the custom rows in [start, end) by their ``ProviderName`` values,
    and the sources holding them, read from the daily rollups (a few thousand rows, not
    the line items); None when a partition has no daily rollup. The line items are then
    scanned only in those sources; a window without custom costs reads nothing else.

    Two filters, one answer: the exact names (DuckDB prunes row groups by their min/max
    with an ``IN`` list, but only as an optional filter, after decoding every column of
    every row), and the same names lower-cased against the lower-cased column (an
    expression DuckDB evaluates inside the scan, decoding the other columns only for the
    rows it keeps): 250 against 400-490 ms of CPU at 10M rows (docs/dialects/kubecost.md)."""
    day = _naive(start).replace(hour=0, minute=0, second=0, microsecond=0)
    end = _naive(end)
    daily = snap.rollup_files("daily", day, end)
    if daily is None:
        return None
    found = queries.engine.rows(
        "SELECT DISTINCT ProviderName AS provider, x_SourceId AS source FROM costs "
        f"WHERE ChargePeriodStart >= {ts(day)} AND ChargePeriodStart < {ts(end)}",
        daily,
    ) if daily else []  # fmt: skip
    custom = [r for r in found if is_custom(r["provider"])]  # type: ignore[arg-type]
    names = tuple(sorted({str(r["provider"] or "") for r in custom}))
    sources = tuple(sorted({str(r["source"]) for r in custom}))
    names = names or ("",)
    lowered = tuple(sorted({n.lower() for n in names}))
    exact = Filter("ProviderName", FilterOp.IN, names)
    return (exact, Filter("ProviderName", FilterOp.IN, lowered, lower=True)), sources


def shown(prop: Prop, raw: object) -> str:
    """A property's value as shown (``""`` when missing)."""
    if prop is Prop.COST_SOURCE:
        return CATEGORIES.get(str(raw), OTHER) if raw else ""
    text = "" if raw is None else str(raw)
    return text.lower() if prop in LOWERED else text


_CORE_OPS = {
    Op.EQUALS: FilterOp.EQUALS,
    Op.CONTAINS: FilterOp.CONTAINS_CASE,
    Op.PREFIX: FilterOp.STARTS_WITH,
    Op.SUFFIX: FilterOp.ENDS_WITH,
}


def _holds(op: Op, value: str, wanted: str) -> bool:
    if op is Op.EQUALS:
        return value == wanted
    if op is Op.CONTAINS:
        return wanted in value
    if op is Op.PREFIX:
        return value.startswith(wanted)
    return value.endswith(wanted)


def _never(column: str) -> FilterGroup:
    return FilterGroup(
        "all", (Filter(column, FilterOp.IN, ("",)), Filter(column, FilterOp.NOT_IN, ("",)))
    )


def _leaf(prop: Prop, op: Op, value: str) -> Filter | FilterGroup:
    column = COLUMNS[prop]
    if prop is not Prop.COST_SOURCE:
        return Filter.of(column, _CORE_OPS[op], value, lower=prop in LOWERED)
    # costSource is a mapping of ServiceCategory: test the mapped words, then match back.
    parts: list[Filter | FilterGroup] = []
    if value == "" and op is Op.EQUALS:
        parts.append(Filter(column, FilterOp.IN, ("",)))
    keys = tuple(k for k, word in CATEGORIES.items() if _holds(op, word, value))
    if keys:
        parts.append(Filter(column, FilterOp.IN, keys))
    if _holds(op, OTHER, value):
        parts.append(Filter(column, FilterOp.NOT_IN, ("", *CATEGORIES)))
    if not parts:
        return _never(column)
    return parts[0] if len(parts) == 1 else FilterGroup("any", tuple(parts))


def compile_predicate(p: Predicate) -> Filter | FilterGroup:
    """A predicate on properties as a filter on FOCUS columns."""
    if isinstance(p, Group):
        items = tuple(compile_predicate(i) for i in p.items)
        return (
            items[0] if len(items) == 1 else FilterGroup("all" if p.mode == "all" else "any", items)
        )
    assert isinstance(p, Condition)
    leaves = tuple(_leaf(p.prop, p.op, v) for v in p.values)
    if p.negate:
        return FilterGroup("none", leaves)
    return leaves[0] if len(leaves) == 1 else FilterGroup("any", leaves)


def _line(row: dict[str, object]) -> Line:
    def money(name: str) -> Decimal:
        value = row[name]
        assert isinstance(value, Decimal | int)
        return Decimal(value)

    billed_lines, all_lines = row["billed_lines"], row["all_lines"]
    if billed_lines == all_lines:
        counted = CostType.BILLED
    elif billed_lines == 0:
        counted = CostType.LIST
    else:
        counted = CostType.BLENDED
    props = {p: str(row[p.value]) for p in PROPS}
    return Line(
        props, money("billed"), money("listed"), money("counted"), counted, money("quantity")
    )


def _one_line_unit(windows: Sequence[tuple[datetime, datetime]], hourly: bool) -> str | None:
    """``'hour'``/``'day'`` when every window is exactly one line long and the first
    starts on a line boundary (daily steps of days), so a line's step is its distance
    from the first start; else None."""
    length = timedelta(hours=1) if hourly else timedelta(days=1)
    first = _naive(windows[0][0])
    aligned = first.replace(minute=0, second=0, microsecond=0, hour=first.hour if hourly else 0)
    if first == aligned and all(e - s == length for s, e in windows):
        return "hour" if hourly else "day"
    return None


def custom_costs(
    queries: QueryService,
    org: str,
    windows: Sequence[tuple[datetime, datetime]],
    *,
    aggregate: Sequence[Prop] = (),
    predicate: Predicate | None = None,
    cost_type: CostType = CostType.BLENDED,
    hourly: bool = False,
    account_ids: tuple[str, ...] | None = None,
) -> list[Step]:
    """The custom cost lines of each window (consecutive, UTC), merged per ``aggregate``
    key (every property when empty), restricted to ``predicate`` and the granted accounts.

    A line is a day of a set of property values (an hour with ``hourly``), as OpenCost
    stores custom costs; the cost type applies to each such line before they are merged.
    Several windows must start on the line grain's boundaries.

    Answers are kept with the org's lake version (:meth:`QueryService.remember`): a
    dashboard asking the same question again (Grafana refreshing ``window=30d``) is
    answered without a query until the lake changes. The lines are shared between such
    callers: read them, never change them."""
    key = (
        "customcosts", tuple(windows), tuple(aggregate), predicate, cost_type, hourly,
        account_ids,
    )  # fmt: skip
    return list(
        queries.remember(
            org,
            key,
            lambda: _custom_costs(
                queries,
                org,
                windows,
                tuple(aggregate),
                predicate,
                cost_type,
                hourly,
                account_ids,
            ),  # fmt: skip
        )
    )


def _custom_costs(
    queries: QueryService,
    org: str,
    windows: Sequence[tuple[datetime, datetime]],
    aggregate: tuple[Prop, ...],
    predicate: Predicate | None,
    cost_type: CostType,
    hourly: bool,
    account_ids: tuple[str, ...] | None,
) -> tuple[Step, ...]:
    if not windows or windows[0][0] >= windows[-1][1]:
        return tuple(Step(s, e, ()) for s, e in windows)
    _, snap = queries.snapshot(org)
    located = (
        _located(queries, snap, windows[0][0], windows[-1][1]) if queries.use_rollups else None
    )
    if located is not None and not located[1]:
        return tuple(Step(s, e, ()) for s, e in windows)  # no custom costs in the window
    filters: tuple[Filter | FilterGroup, ...] = located[0] if located else (selection(),)
    if predicate is not None:
        filters += (compile_predicate(predicate),)
    grain = Granularity.HOUR if hourly else Granularity.DAY
    q = CostQuery(
        windows[0][0],
        windows[-1][1],
        granularity=grain,
        group_by=tuple(COLUMNS.values()),
        filters=filters,
        metric=Metric.BILLED,
        extra_metrics=(Metric.LIST, Metric.CONSUMED_QUANTITY),
        account_ids=account_ids,
        order_by_cost=False,
    )
    keys = tuple(aggregate) or PROPS
    # Only the sources holding custom costs; no x_SourceId condition in the statement (a
    # column less to read): the files are the partitions of those sources.
    files = snap.files(q.scan_start, q.end, located[1] if located else None)
    shown_sql = {p: sql.shown_sql(p, COLUMNS[p], p in LOWERED, CATEGORIES) for p in PROPS}
    step = sql.step_sql([_naive(s) for s, _ in windows], _one_line_unit(windows, hourly))
    statement = sql.lines_sql(q, keys, cost_type, shown_sql, step)
    rows = queries.engine.rows(statement, files) if files else []
    lines: list[list[Line]] = [[] for _ in windows]
    for row in rows:
        i = row["step"]
        assert isinstance(i, int)
        if 0 <= i < len(windows):
            lines[i].append(_line(row))
    return tuple(Step(s, e, tuple(found)) for (s, e), found in zip(windows, lines, strict=True))
