"""Choose what a query reads: the lake's line items, or one of its rollups.

A rollup (``costlake.lake.rollups``) answers a ``CostQuery`` exactly when
- every column the query groups, filters or sums is one the rollup keeps;
- its time range (and comparison window) starts and ends on the rollup's bucket boundaries,
  so "``ChargePeriodStart`` in range" means the same for a bucket as for its line items;
- its time buckets are no finer than the rollup's (no hourly answers from daily sums).
A monthly rollup also refuses month buckets with a comparison: the previous window is
shifted by a fixed number of days, which can move a line item across a month boundary that
its month bucket would not cross.

The smallest rollup that fits wins; the caller falls back to line items when none does, or
when a partition in range was written without it.
"""

from __future__ import annotations

from datetime import datetime

from costlake.lake.rollups import BY_NAME, METRICS, Rollup
from costlake.query.model import TAG_PREFIX, CostQuery, Granularity

_PREFERENCE = ("daily", "monthly")
"""Rollups from the usually smallest to the largest: daily keeps neither resources nor tags,
so it is far smaller than monthly, which keeps both."""

_NOT_FINER = {
    "day": frozenset({Granularity.DAY, Granularity.WEEK, Granularity.MONTH, Granularity.TOTAL}),
    "month": frozenset({Granularity.MONTH, Granularity.TOTAL}),
}


def columns_read(q: CostQuery) -> frozenset[str]:
    """Every lake column the compiled query reads."""
    keys = [*q.group_by, *(k for f in q.filters for k in f.keys)]
    cols = {"Tags" if k.startswith(TAG_PREFIX) else k for k in keys}
    cols |= {"ChargePeriodStart", q.metric.value, *(m.value for m in q.extra_metrics)}
    if q.account_ids is not None:
        cols |= {"BillingAccountId", "SubAccountId"}
    if q.sources is not None:
        cols.add("x_SourceId")
    return frozenset(cols)


def on_boundary(moment: datetime, grain: str) -> bool:
    midnight = moment == moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight and (grain == "day" or moment.day == 1)


def fits(rollup: Rollup, q: CostQuery) -> bool:
    if q.granularity not in _NOT_FINER[rollup.grain]:
        return False
    if rollup.grain == "month" and q.compare_previous and q.granularity is not Granularity.TOTAL:
        return False
    if not all(on_boundary(t, rollup.grain) for t in (q.scan_start, q.start, q.end)):
        return False
    if not {q.metric.value, *(m.value for m in q.extra_metrics)} <= set(METRICS):
        return False
    return columns_read(q) <= rollup.columns


def choose_rollup(q: CostQuery) -> Rollup | None:
    """The smallest rollup that answers ``q`` exactly, if any."""
    for name in _PREFERENCE:
        if fits(BY_NAME[name], q):
            return BY_NAME[name]
    return None
