"""Cost per unit: the cost of a filter of charges in each period divided by a unit-metric
stream's value in that period. Every surface that shows unit economics (the dialects, the
console) reads this one function.

A record counts in a period when its whole period lies within it (clipped to the asked
range): daily records add up into a month, a monthly record does not count in one of its
days. A period with cost but no units has no cost per unit (``None``), never a division
by zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext

from sqlalchemy.orm import Session

from costlake.errors import InvalidInput
from costlake.query.model import CostQuery, Granularity
from costlake.query.service import QueryService
from costlake.telemetry.records import Record, labels_key
from costlake.telemetry.streams import records_between

PRECISION = 38


@dataclass(frozen=True, slots=True)
class UnitCost:
    period_start: datetime
    """The bucket's start (UTC, naive like the lake's); the range's start for TOTAL."""
    cost: Decimal
    units: Decimal
    cost_per_unit: Decimal | None


def unit_cost(
    queries: QueryService,
    session: Session,
    org: str,
    stream: str,
    query: CostQuery,
    *,
    labels: Mapping[str, str] | None = None,
) -> list[UnitCost]:
    """Cost per unit of ``stream`` for each period of ``query`` (its range, granularity,
    filters, metric and account grant; no grouping), counting only the records whose
    ``filter`` map equals ``labels`` when given. :class:`NotFound` for an unknown stream."""
    if query.group_by or query.top_n or query.compare_previous:
        raise InvalidInput("cost per unit takes a cost filter, not a grouping or comparison")
    records = records_between(session, org, stream, _aware(query.start), _aware(query.end))
    if labels is not None:
        key = labels_key(labels)
        records = [r for r in records if r.labels_key == key]
    result = queries.run(org, query)
    costs = {row.get("period", query.start): row["cost"] or Decimal(0) for row in result.rows}
    return per_period(query, costs, records)  # type: ignore[arg-type]


def per_period(
    query: CostQuery, costs: Mapping[datetime, Decimal], records: Sequence[Record]
) -> list[UnitCost]:
    """Pure: join cost buckets (naive UTC starts) with the records that lie within them."""
    units: dict[datetime, Decimal] = {}
    for r in records:
        start, end = _naive(r.period_start), _naive(r.period_end)
        bucket = bucket_of(query, start)
        if bucket is not None and end <= bucket_end(query, bucket):
            units[bucket] = units.get(bucket, Decimal(0)) + r.value
    out = []
    for at in sorted({*costs, *units}):
        cost, n = costs.get(at, Decimal(0)), units.get(at, Decimal(0))
        with localcontext() as ctx:
            ctx.prec = PRECISION
            per = cost / n if n else None
        out.append(UnitCost(at, cost, n, per))
    return out


def bucket_of(query: CostQuery, moment: datetime) -> datetime | None:
    """The start of the query bucket ``moment`` falls in; None outside the range."""
    if not query.start <= moment < query.end:
        return None
    g = query.granularity
    if g is Granularity.TOTAL:
        return query.start
    if g is Granularity.HOUR:
        return moment.replace(minute=0, second=0, microsecond=0)
    day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    if g is Granularity.DAY:
        return day
    if g is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def bucket_end(query: CostQuery, start: datetime) -> datetime:
    """The end of the bucket starting at ``start``, clipped to the query's range."""
    g = query.granularity
    if g is Granularity.TOTAL:
        return query.end
    step = {Granularity.HOUR: timedelta(hours=1), Granularity.DAY: timedelta(days=1)}
    if g in step:
        end = start + step[g]
    elif g is Granularity.WEEK:
        end = start + timedelta(days=7)
    else:
        end = (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    return min(end, query.end)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC)


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)
