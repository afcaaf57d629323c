"""The arithmetic of allocation, pure: element weights per day, the exact split of one
amount by weights, and a daily cost result turned into per-element rows.

Exactness: an amount is split in integer units of its own last decimal place (the lake's
18), floors first, then the units left over go one each to the largest remainders (ties to
the earlier element), so the parts add up to the amount exactly, whatever its sign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext

from costlake.allocation.schemas import UNALLOCATED, Split
from costlake.errors import InvalidInput
from costlake.query.model import CostQuery, Granularity
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import Record

PRECISION = 80
Weights = Callable[[datetime], Mapping[str, Decimal]]
Key = tuple[object, ...]


def largest_remainder(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` split in proportion to ``weights`` (not negative, some positive), each part
    at ``amount``'s own decimal scale; the parts add up to ``amount`` exactly."""
    total_weight = sum(weights, Decimal(0))
    if total_weight <= 0 or any(w < 0 for w in weights):
        raise InvalidInput("weights must not be negative and must not all be zero")
    exponent = min(_exponent(amount), 0)
    units = _units(amount, exponent)
    scale = min(min(_exponent(w) for w in weights), 0)
    ints = [_units(w, scale) for w in weights]
    whole = sum(ints)
    sign, magnitude = (-1 if units < 0 else 1), abs(units)
    parts = [magnitude * w // whole for w in ints]
    rest = magnitude - sum(parts)
    order = sorted(range(len(ints)), key=lambda i: (-(magnitude * ints[i] % whole), i))
    for i in order[:rest]:
        parts[i] += 1
    return [Decimal(f"{sign * p}E{exponent}") for p in parts]


def _exponent(number: Decimal) -> int:
    return int(number.as_tuple().exponent)


def _units(number: Decimal, exponent: int) -> int:
    """``number`` as an integer count of ``10**exponent`` (exact, whatever the context)."""
    sign, digits, own = number.as_tuple()
    whole = int("".join(map(str, digits)) or "0") * 10 ** (int(own) - exponent)
    return -whole if sign else whole


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
    day's targeted cost split across the day's elements, the rest :data:`UNALLOCATED`."""
    with localcontext() as ctx:
        ctx.prec = PRECISION  # sums of DECIMAL(38,18) figures stay exact
        return _split_rows(query, all_rows, target_rows, weights, split)


def _split_rows(
    query: CostQuery,
    all_rows: Sequence[Mapping[str, object]],
    target_rows: Sequence[Mapping[str, object]],
    weights: Weights,
    split: Split,
) -> list[dict[str, object]]:
    groups = query.group_by
    targeted = {_key(r, groups): _cost(r) for r in target_rows}
    sums: dict[tuple[datetime | None, Key, str], Decimal] = {}
    for row in all_rows:
        key = _key(row, groups)
        day = row["period"]
        assert isinstance(day, datetime)
        inside = targeted.get(key, Decimal(0))
        rest = _cost(row) - inside
        parts = _parts(inside, weights(day))
        if parts is None:
            parts, rest = {}, _cost(row)
        if rest or not any(parts.values()):
            parts[UNALLOCATED] = parts.get(UNALLOCATED, Decimal(0)) + rest
        at = bucket(query.granularity, day)
        for label, amount in parts.items():
            if amount or label == UNALLOCATED:
                out_key = (at, key[1:], label)
                sums[out_key] = sums.get(out_key, Decimal(0)) + amount
    return _rows(query, split, sums)


def _parts(amount: Decimal, weights: Mapping[str, Decimal]) -> dict[str, Decimal] | None:
    labels = sorted(weights)
    values = [weights[k] for k in labels]
    if not labels or sum(values, Decimal(0)) <= 0:
        return None
    return dict(zip(labels, largest_remainder(amount, values), strict=True))


def _rows(
    query: CostQuery, split: Split, sums: Mapping[tuple[datetime | None, Key, str], Decimal]
) -> list[dict[str, object]]:
    """Result rows in (period, groups, element) order; the elements the split does not
    keep are left out, and without a position (a filter only) the kept ones are added up."""
    kept: dict[tuple[datetime | None, Key, str | None], Decimal] = {}
    for (at, values, element), amount in sums.items():
        if split.keeps(element):
            key = (at, values, element if split.position is not None else None)
            kept[key] = kept.get(key, Decimal(0)) + amount
    out = []
    for (at, values, label), amount in sorted(kept.items(), key=_order):
        row: dict[str, object] = {} if at is None else {"period": at}
        named = list(zip(query.group_by, values, strict=True))
        if split.position is not None:
            named.insert(split.position, (split.column, label))
        row.update(named)
        row["cost"] = amount
        out.append(row)
    return out


def _order(item: tuple[tuple[datetime | None, Key, str | None], Decimal]) -> tuple[object, ...]:
    (at, values, label), _ = item
    return (at or datetime.min, tuple("" if v is None else str(v) for v in values), label or "")


def _key(row: Mapping[str, object], groups: Sequence[str]) -> Key:
    return (row["period"], *(row[g] for g in groups))


def _cost(row: Mapping[str, object]) -> Decimal:
    value = row.get("cost")
    return value if isinstance(value, Decimal) else Decimal(str(value or 0))
