"""The arithmetic of allocation, pure: element weights per day, the exact split of one
amount by weights, and a daily cost result turned into per-element rows.

Exactness: an amount is split in integer units of its own last decimal place (the lake's
18), floors first, then the units left over go one each to the largest remainders (ties to
the earlier element), so the parts add up to the amount exactly, whatever its sign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import cast

from costlake.allocation.schemas import UNALLOCATED, Split
from costlake.errors import InvalidInput
from costlake.query.model import CostQuery, Granularity
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import Record

Weights = Callable[[datetime], Mapping[str, Decimal]]
Key = tuple[object, ...]


def largest_remainder(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` split in proportion to ``weights`` (not negative, some positive), each part
    at ``amount``'s own decimal scale; the parts add up to ``amount`` exactly. (The same
    arithmetic :func:`split_rows` applies to each day.)"""
    if any(w < 0 for w in weights):
        raise InvalidInput("weights must not be negative")
    plan = _Day.of({f"{i:09d}": w for i, w in enumerate(weights)})
    if plan is None:
        raise InvalidInput("weights must not all be zero")
    exponent = min(_exponent(amount), 0)
    return [Decimal(f"{u}E{exponent}") for _, u in plan.split(_units(amount, exponent))]


def _exponent(number: Decimal) -> int:
    return int(number.as_tuple().exponent)


def _units(number: Decimal, exponent: int) -> int:
    """``number`` as an integer count of ``10**exponent`` (``exponent`` <= 0 and not above
    the number's own), exact whatever the decimal context."""
    numerator, denominator = number.as_integer_ratio()
    return numerator * 10**-exponent // denominator


def element_label(element: Mapping[str, str]) -> str:
    """How an element shows as a dimension value: the value of a one-key element, else
    ``key=value`` pairs in key order joined by ``", "``."""
    if len(element) == 1:
        return next(iter(element.values()))
    return ", ".join(f"{k}={element[k]}" for k in sorted(element))


def weights_by_day(records: Sequence[Record]) -> Weights:
    """Element weights of a day (naive UTC midnight): its DAILY and HOURLY records added up
    per element; a day with none of those takes its month's MONTHLY records."""
    daily: dict[datetime, dict[str, Decimal]] = {}
    monthly: dict[datetime, dict[str, Decimal]] = {}
    for r in records:
        start = r.period_start.astimezone(UTC).replace(tzinfo=None)
        if r.granularity is Grain.MONTHLY:
            bucket = monthly.setdefault(start, {})
        else:
            bucket = daily.setdefault(start.replace(hour=0), {})
        label = element_label(r.labels)
        bucket[label] = bucket.get(label, Decimal(0)) + r.value

    def of(day: datetime) -> Mapping[str, Decimal]:
        found = daily.get(day)
        return found if found is not None else monthly.get(day.replace(day=1), {})

    return of


def bucket(granularity: Granularity, day: datetime) -> datetime | None:
    """The output bucket of a day; None for one bucket over the whole range."""
    if granularity is Granularity.DAY:
        return day
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.TOTAL:
        return None
    raise InvalidInput("an allocation splits cost by day at the finest: use a day or longer")


def split_rows(
    query: CostQuery,
    all_rows: Sequence[Mapping[str, object]],
    target_rows: Sequence[Mapping[str, object]],
    weights: Weights,
    split: Split,
) -> list[dict[str, object]]:
    """Rows of ``query`` with the split's column: daily rows of all the cost asked
    (``all_rows``) and of its part the stream targets (``target_rows``, same keys), each
    day's targeted cost split across the day's elements, the rest :data:`UNALLOCATED`.

    Amounts are handled as integers of the finest decimal place among them (the lake's 18),
    so every split and every sum is exact and no decimal context is involved."""
    groups = query.group_by
    costs = [_cost(r) for r in all_rows]
    inside = [_cost(r) for r in target_rows]
    exponent = min([0, *(_exponent(c) for c in costs), *(_exponent(c) for c in inside)])
    targeted = {
        _key(r, groups): _units(c, exponent) for r, c in zip(target_rows, inside, strict=True)
    }
    days: dict[datetime, _Day | None] = {}
    sums: dict[tuple[datetime | None, Key, str], int] = {}
    for row, cost in zip(all_rows, costs, strict=True):
        key = _key(row, groups)
        day = row["period"]
        assert isinstance(day, datetime)
        if day not in days:
            days[day] = _Day.of(weights(day))
        plan = days[day]
        total = _units(cost, exponent)
        part = targeted.get(key, 0) if plan is not None else 0
        at, values = bucket(query.granularity, day), key[1:]
        shares = plan.split(part) if plan is not None else ()
        for label, amount in shares:
            if amount:
                out = (at, values, label)
                sums[out] = sums.get(out, 0) + amount
        if total - part or not any(a for _, a in shares):
            out = (at, values, UNALLOCATED)
            sums[out] = sums.get(out, 0) + total - part
    return _rows(query, split, sums, exponent)


class _Day:
    """One day's elements and their weights as integers, ready to split amounts."""

    __slots__ = ("labels", "weights", "whole")

    def __init__(self, labels: list[str], weights: list[int]) -> None:
        self.labels, self.weights, self.whole = labels, weights, sum(weights)

    @classmethod
    def of(cls, weights: Mapping[str, Decimal]) -> _Day | None:
        labels = sorted(weights)
        if not labels or sum(weights.values(), Decimal(0)) <= 0:
            return None
        scale = min(min(_exponent(weights[k]) for k in labels), 0)
        return cls(labels, [_units(weights[k], scale) for k in labels])

    def split(self, units: int) -> list[tuple[str, int]]:
        """``units`` in proportion to the weights, by largest remainder (exact)."""
        sign, magnitude = (-1 if units < 0 else 1), abs(units)
        whole = self.whole
        floors, remainders = [], []
        for w in self.weights:
            q, r = divmod(magnitude * w, whole)
            floors.append(q)
            remainders.append(r)
        rest = magnitude - sum(floors)
        if rest:
            order = sorted(range(len(floors)), key=lambda i: (-remainders[i], i))
            for i in order[:rest]:
                floors[i] += 1
        return [(label, sign * f) for label, f in zip(self.labels, floors, strict=True)]


def _rows(
    query: CostQuery,
    split: Split,
    sums: Mapping[tuple[datetime | None, Key, str], int],
    exponent: int,
) -> list[dict[str, object]]:
    """Result rows in the engine's order of periods and groups, then elements in the order
    they first appear (by name within a day, ``Unallocated`` after them); the elements the
    split does not keep are left out, and without a position (a filter only) the kept ones
    are added up."""
    kept = cast(Mapping[tuple[datetime | None, Key, str | None], int], sums)
    if split.include or split.exclude or split.position is None:
        merged: dict[tuple[datetime | None, Key, str | None], int] = {}
        for (at, values, element), amount in sums.items():
            if split.keeps(element):
                key = (at, values, element if split.position is not None else None)
                merged[key] = merged.get(key, 0) + amount
        kept = merged
    columns = list(query.group_by)
    position = split.position
    if position is not None:
        columns.insert(position, split.column)
    out: list[dict[str, object]] = []
    for (at, values, label), amount in kept.items():
        if position is not None:
            values = (*values[:position], label, *values[position:])
        row: dict[str, object] = {} if at is None else {"period": at}
        row.update(zip(columns, values, strict=True))
        row["cost"] = Decimal(f"{amount}E{exponent}")
        out.append(row)
    return out


def _key(row: Mapping[str, object], groups: Sequence[str]) -> Key:
    return (row["period"], *(row[g] for g in groups))


def _cost(row: Mapping[str, object]) -> Decimal:
    value = row.get("cost")
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))
