"""The typed cost query every surface builds, and the result every engine returns.

A ``CostQuery`` says: which charges (a half-open time range on ``ChargePeriodStart`` plus
filters), how to slice them (time granularity and group-by dimensions or tag keys), what to
sum (a FOCUS cost metric), and optional shaping (top-N with the rest folded into one row,
a comparison with the equal window just before).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal, cast

from costlake.errors import InvalidInput, UnknownDimension
from costlake.focus.schema import COLUMNS, MONEY, QUANTITY, STRING

TAG_PREFIX = "tag:"
OTHER = "(other)"


class Granularity(enum.StrEnum):
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"  # ISO weeks, starting Monday
    MONTH = "month"
    TOTAL = "total"  # the whole range as one bucket


class Metric(enum.StrEnum):
    """What to sum. Aliases are the names the vendor APIs use for the same FOCUS column."""

    BILLED = "BilledCost"
    EFFECTIVE = "EffectiveCost"
    LIST = "ListCost"
    CONTRACTED = "ContractedCost"
    CARBON = "x_CarbonKgCO2e"
    ENERGY = "x_EnergyKwh"
    CONSUMED_QUANTITY = "ConsumedQuantity"

    @classmethod
    def parse(cls, value: str) -> Metric:
        key = value.strip().replace("-", "_").lower()
        alias = _METRIC_ALIASES.get(key)
        if alias is not None:
            return alias
        for m in cls:
            if m.value.lower() == key or m.name.lower() == key:
                return m
        names = ", ".join(sorted({*(m.value for m in cls), *_METRIC_ALIASES}))
        raise InvalidInput(f"unknown metric {value!r}; use one of: {names}")


_METRIC_ALIASES: dict[str, Metric] = {
    "billed": Metric.BILLED,
    "unblended": Metric.BILLED,
    "unblended_cost": Metric.BILLED,
    "cost": Metric.BILLED,
    "effective": Metric.EFFECTIVE,
    "amortized": Metric.EFFECTIVE,
    "amortised": Metric.EFFECTIVE,
    "amortized_cost": Metric.EFFECTIVE,
    "net_amortized": Metric.EFFECTIVE,
    "list": Metric.LIST,
    "on_demand": Metric.LIST,
    "contracted": Metric.CONTRACTED,
    "carbon": Metric.CARBON,
    "energy": Metric.ENERGY,
}


class FilterOp(enum.StrEnum):
    EQUALS = "eq"
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"  # case-insensitive substring
    CONTAINS_CASE = "contains_case"  # case-sensitive substring
    STARTS_WITH = "starts_with"  # case-sensitive prefix
    ENDS_WITH = "ends_with"  # case-sensitive suffix


# Columns one may group or filter by: every text dimension of the canonical schema.
DIMENSIONS: dict[str, str] = {c.name.lower(): c.name for c in COLUMNS if c.type == STRING}
NUMERIC: frozenset[str] = frozenset(c.name for c in COLUMNS if c.type in (MONEY, QUANTITY))


def resolve_key(key: str) -> str:
    """Canonical spelling of a group-by/filter key: a FOCUS column, or ``tag:<key>``."""
    k = key.strip()
    for prefix in (TAG_PREFIX, "tags.", "tag."):
        if k.lower().startswith(prefix) and len(k) > len(prefix):
            return TAG_PREFIX + k[len(prefix) :]
    name = DIMENSIONS.get(k.lower())
    if name is None:
        raise UnknownDimension(
            f"unknown dimension {key!r}: use a FOCUS column such as ServiceName, "
            "SubAccountId, RegionId, ProviderName, or a tag as tag:<key>"
        )
    return name


_SINGLE = frozenset(
    {
        FilterOp.EQUALS,
        FilterOp.CONTAINS,
        FilterOp.CONTAINS_CASE,
        FilterOp.STARTS_WITH,
        FilterOp.ENDS_WITH,
    }
)


@dataclass(frozen=True, slots=True)
class Filter:
    """One condition on a key. A value ``""`` also matches a missing (NULL) value, so that
    "empty" means the same whether a source wrote an empty string or nothing."""

    key: str
    op: FilterOp
    values: tuple[str, ...]
    lower: bool = False
    """Compare the key's value lower-cased (for surfaces that show it lower-cased)."""

    @classmethod
    def of(cls, key: str, op: FilterOp | str, *values: str, lower: bool = False) -> Filter:
        op = FilterOp(op)
        if not values:
            raise InvalidInput(f"filter on {key!r} needs at least one value")
        if op in _SINGLE and len(values) != 1:
            raise InvalidInput(f"filter {op.value} on {key!r} takes exactly one value")
        return cls(resolve_key(key), op, tuple(values), lower)

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key,)


@dataclass(frozen=True, slots=True)
class FilterGroup:
    """Conditions combined: ``all`` must hold, ``any`` must hold, or ``none`` may hold (the
    negation of ``any``). Vendor filter languages with ``or`` and ``not`` compile to these."""

    mode: Literal["all", "any", "none"]
    items: tuple[Filter | FilterGroup, ...]

    def __post_init__(self) -> None:
        if self.mode not in ("all", "any", "none"):
            raise InvalidInput(f"unknown filter group {self.mode!r}")
        if not self.items:
            raise InvalidInput("a filter group needs at least one condition")

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for item in self.items for k in item.keys)


@dataclass(frozen=True, slots=True)
class CostQuery:
    """A question about cost. Times are UTC; ``end`` is exclusive."""

    start: datetime
    end: datetime
    granularity: Granularity = Granularity.TOTAL
    group_by: tuple[str, ...] = ()
    filters: tuple[Filter | FilterGroup, ...] = ()
    metric: Metric = Metric.BILLED
    extra_metrics: tuple[Metric, ...] = ()
    top_n: int | None = None
    fold_rest: bool = True
    """With ``top_n``: fold the other groups into one ``other_label`` row (True), or leave
    them out (False, a plain "top N")."""
    compare_previous: bool = False
    previous_start_at: datetime | None = None
    """Start of the comparison window (it always ends at ``start``); default: one window
    length before ``start``. Calendar comparisons (a month back) set it explicitly."""
    sources: tuple[str, ...] | None = None
    """Restrict to some lake sources (None: all)."""
    account_ids: tuple[str, ...] | None = None
    """Restrict to charges whose BillingAccountId or SubAccountId is listed (None: all)."""
    other_label: str = OTHER
    order_by_cost: bool = True

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            v = getattr(self, name)
            if v.tzinfo is not None:
                object.__setattr__(self, name, v.astimezone(_UTC).replace(tzinfo=None))
        if self.end <= self.start:
            raise InvalidInput("the end of the time range must be after its start")
        if self.previous_start_at is not None:
            p = self.previous_start_at
            if p.tzinfo is not None:
                object.__setattr__(
                    self, "previous_start_at", p.astimezone(_UTC).replace(tzinfo=None)
                )
            if self.previous_start_at >= self.start:  # type: ignore[operator]
                raise InvalidInput("the comparison window must start before the range")
        object.__setattr__(self, "group_by", tuple(resolve_key(k) for k in self.group_by))
        if len(set(self.group_by)) != len(self.group_by):
            raise InvalidInput("a dimension appears twice in group-by")
        if self.top_n is not None and self.top_n < 1:
            raise InvalidInput("top-N must be at least 1")
        if self.top_n is not None and not self.group_by:
            raise InvalidInput("top-N needs at least one group-by dimension")

    @property
    def window(self) -> timedelta:
        return self.end - self.start

    @property
    def previous_start(self) -> datetime:
        return self.previous_start_at or (self.start - self.window)

    @property
    def shift(self) -> timedelta:
        """How far previous-window charges move forward to land in current buckets."""
        return self.start - self.previous_start

    @property
    def scan_start(self) -> datetime:
        return self.previous_start if self.compare_previous else self.start


@dataclass(frozen=True, slots=True)
class ResultColumns:
    """Names of the columns a result has, in order."""

    period: str | None
    groups: tuple[str, ...]
    metrics: tuple[str, ...]

    @property
    def all(self) -> tuple[str, ...]:
        return ((self.period,) if self.period else ()) + self.groups + self.metrics


from datetime import UTC as _UTC  # noqa: E402


@dataclass(frozen=True, slots=True)
class QueryResult:
    """Rows of a cost query: ``period`` (bucket start, absent for TOTAL), one column per
    group-by key (named as given, tags as ``tag:<key>``), ``cost``, ``previous_cost`` when
    comparing, and one column per extra metric (named by its FOCUS column)."""

    query: CostQuery
    columns: ResultColumns
    rows: list[dict[str, object]] = field(default_factory=list)
    engine: str = "duckdb"
    files_scanned: int = 0
    rollup: str | None = None
    """The rollup the answer was read from (None: the line items)."""

    def total(self, column: str = "cost") -> object:
        from decimal import Decimal

        values = (r[column] for r in self.rows if r[column] is not None)
        return sum((cast(Decimal, v) for v in values), Decimal(0))
