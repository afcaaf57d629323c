"""Which rollup answers which query: only ones that give the line items' exact answer."""

from __future__ import annotations

from datetime import datetime

import pytest

from costlake.query.model import CostQuery, Filter, Granularity, Metric
from costlake.query.planner import choose_rollup, columns_read

NOV, DEC = datetime(2025, 11, 1), datetime(2025, 12, 1)
MID = datetime(2025, 11, 10)


def chosen(q: CostQuery) -> str | None:
    r = choose_rollup(q)
    return r.name if r else None


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (CostQuery(NOV, DEC, group_by=("ServiceName",)), "daily"),
        (CostQuery(NOV, DEC, group_by=("tag:team",)), "monthly"),
        (CostQuery(NOV, DEC, group_by=("ResourceId",), top_n=10), "monthly"),
        (CostQuery(NOV, DEC, group_by=("ResourceId", "tag:env"), top_n=10), "monthly"),
        # Tags with a dimension only the daily rollup keeps: line items.
        (CostQuery(NOV, DEC, group_by=("tag:team", "ServiceCategory")), None),
        (CostQuery(NOV, DEC, group_by=("SubAccountName",)), "daily"),
        (CostQuery(MID, DEC, group_by=("ServiceName",)), "daily"),
        (CostQuery(MID, DEC, granularity=Granularity.WEEK), "daily"),
        (CostQuery(NOV, DEC, granularity=Granularity.DAY, group_by=("ServiceName",)), "daily"),
        # Finer than a day, or not on a day boundary: only line items can answer.
        (CostQuery(NOV, DEC, granularity=Granularity.HOUR), None),
        (CostQuery(datetime(2025, 11, 1, 6), DEC), None),
        # A tag or a resource by day: no rollup keeps that.
        (CostQuery(MID, DEC, group_by=("tag:team",)), None),
        (CostQuery(MID, DEC, group_by=("ResourceId",)), None),
        # A column no rollup keeps.
        (CostQuery(NOV, DEC, filters=(Filter.of("ChargeDescription", "contains", "x"),)), None),
        # Month buckets with a comparison: never the monthly rollup.
        (
            CostQuery(
                NOV,
                DEC,
                granularity=Granularity.MONTH,
                group_by=("tag:team",),
                compare_previous=True,
                previous_start_at=datetime(2025, 10, 1),
            ),
            None,
        ),
        (
            CostQuery(
                NOV,
                DEC,
                group_by=("tag:team",),
                compare_previous=True,
                previous_start_at=datetime(2025, 10, 1),
            ),
            "monthly",
        ),
        # The default comparison window is as long as the range: Oct 2 - Nov 1 here.
        # A comparison window that starts mid-month.
        (
            CostQuery(NOV, DEC, compare_previous=True, previous_start_at=datetime(2025, 10, 2)),
            "daily",
        ),
        (CostQuery(NOV, DEC, metric=Metric.CARBON, group_by=("x_CarbonSource",)), "daily"),
        (CostQuery(NOV, DEC, account_ids=("1",), sources=("s",), group_by=("tag:a",)), "monthly"),
    ],
)
def test_choice(query: CostQuery, expected: str | None) -> None:
    assert chosen(query) == expected


def test_columns_read_covers_every_part_of_the_query() -> None:
    q = CostQuery(
        NOV,
        DEC,
        group_by=("tag:team", "RegionId"),
        filters=(Filter.of("ServiceName", "eq", "S3"),),
        metric=Metric.EFFECTIVE,
        extra_metrics=(Metric.CARBON,),
        account_ids=("1",),
        sources=("s",),
    )
    assert columns_read(q) == {
        "ChargePeriodStart",
        "Tags",
        "RegionId",
        "ServiceName",
        "EffectiveCost",
        "x_CarbonKgCO2e",
        "BillingAccountId",
        "SubAccountId",
        "x_SourceId",
    }
