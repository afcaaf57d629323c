"""Which rollup answers which query: only ones that give the line items' exact answer."""

from __future__ import annotations

from dataclasses import replace
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


class TestEveryRefusal:
    """Each rule of ``fits``, on its own: a query the rollup answers, then the same query
    changed in one way that the rule refuses. A planner that drops any one rule fails here,
    every run (the property tests find such a bug only now and then)."""

    TAG = ("tag:team",)

    @pytest.mark.parametrize(
        ("rollup", "base", "change"),
        [
            # Buckets finer than the rollup's.
            ("daily", CostQuery(NOV, DEC), {"granularity": Granularity.HOUR}),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"granularity": Granularity.DAY}),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"granularity": Granularity.WEEK}),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"granularity": Granularity.HOUR}),
            # Month buckets with a comparison.
            (
                "monthly",
                CostQuery(
                    NOV,
                    DEC,
                    group_by=TAG,
                    compare_previous=True,
                    previous_start_at=datetime(2025, 10, 1),
                ),
                {"granularity": Granularity.MONTH},
            ),
            # Range off the rollup's bucket boundaries: start, end, comparison start.
            ("daily", CostQuery(NOV, DEC), {"start": datetime(2025, 11, 1, 6)}),
            ("daily", CostQuery(NOV, DEC), {"end": datetime(2025, 11, 30, 18)}),
            (
                "daily",
                CostQuery(NOV, DEC, compare_previous=True),
                {"previous_start_at": datetime(2025, 10, 2, 12)},
            ),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"start": MID}),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"end": datetime(2025, 11, 20)}),
            (
                "monthly",
                CostQuery(
                    NOV,
                    DEC,
                    group_by=TAG,
                    compare_previous=True,
                    previous_start_at=datetime(2025, 10, 1),
                ),
                {"previous_start_at": datetime(2025, 10, 2)},
            ),
            # With a comparison that starts on a boundary, the range's own start still counts.
            (
                "daily",
                CostQuery(NOV, DEC, compare_previous=True, previous_start_at=datetime(2025, 10, 1)),
                {"start": datetime(2025, 11, 1, 6)},
            ),
            (
                "monthly",
                CostQuery(
                    NOV,
                    DEC,
                    group_by=TAG,
                    compare_previous=True,
                    previous_start_at=datetime(2025, 10, 1),
                ),
                {"start": MID},
            ),
            # A metric the rollups do not sum.
            ("daily", CostQuery(NOV, DEC), {"metric": Metric.CONSUMED_QUANTITY}),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"metric": Metric.CONSUMED_QUANTITY}),
            (
                "daily",
                CostQuery(NOV, DEC),
                {"extra_metrics": (Metric.CONSUMED_QUANTITY,)},
            ),
            # A column the rollup does not keep: grouped, filtered.
            ("daily", CostQuery(NOV, DEC), {"group_by": ("tag:team",)}),
            ("daily", CostQuery(NOV, DEC), {"group_by": ("ResourceId",)}),
            ("monthly", CostQuery(NOV, DEC, group_by=TAG), {"group_by": ("ChargeDescription",)}),
            (
                "daily",
                CostQuery(NOV, DEC),
                {"filters": (Filter.of("ChargeDescription", "contains", "x"),)},
            ),
        ],
    )
    def test_the_rule_refuses_what_it_must(
        self, rollup: str, base: CostQuery, change: dict[str, object]
    ) -> None:
        from costlake.lake.rollups import BY_NAME
        from costlake.query.planner import fits

        assert fits(BY_NAME[rollup], base)
        changed = replace(base, **change)  # type: ignore[arg-type]
        assert not fits(BY_NAME[rollup], changed)

    @pytest.mark.parametrize("granularity", [Granularity.DAY, Granularity.WEEK, Granularity.HOUR])
    def test_tags_by_day_or_finer_are_read_from_line_items(self, granularity: Granularity) -> None:
        assert chosen(CostQuery(NOV, DEC, granularity=granularity, group_by=self.TAG)) is None
