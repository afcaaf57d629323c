"""Cost per unit over a real lake and metadata database: the query engine's cost of a filter
per period divided by the stream's values lying within that period."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, localcontext

import pytest

from costlake.errors import InvalidInput, NotFound
from costlake.platform import Platform
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity
from costlake.telemetry import streams
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import Record
from costlake.telemetry.unitcost import per_period, unit_cost
from tests.allocation.conftest import platform  # noqa: F401

AUG, SEP, OCT = datetime(2024, 8, 1), datetime(2024, 9, 1), datetime(2024, 10, 1)
EC2 = (Filter("ServiceName", FilterOp.IN, ("Amazon EC2",)),)


def rec(at: datetime, grain: Grain, value: int, **labels: str) -> Record:
    return Record(at.replace(tzinfo=UTC), grain, Decimal(value), labels)


class TestPerPeriod:
    def test_records_count_in_the_periods_they_lie_within(self) -> None:
        query = CostQuery(AUG, OCT, Granularity.MONTH)
        got = per_period(
            query,
            {AUG: Decimal("10"), SEP: Decimal("9")},
            [
                rec(datetime(2024, 8, 3), Grain.DAILY, 2),
                rec(datetime(2024, 8, 4, 5), Grain.HOURLY, 3),
                rec(SEP, Grain.MONTHLY, 0),
                rec(datetime(2024, 10, 1), Grain.DAILY, 7),  # outside the range
            ],
        )
        assert [(u.period_start, u.units, u.cost_per_unit) for u in got] == [
            (AUG, Decimal(5), Decimal(2)),
            (SEP, Decimal(0), None),
        ]

    def test_a_monthly_value_does_not_count_in_one_of_its_days(self) -> None:
        query = CostQuery(AUG, SEP, Granularity.DAY)
        got = per_period(query, {AUG: Decimal(1)}, [rec(AUG, Grain.MONTHLY, 4)])
        assert [(u.units, u.cost_per_unit) for u in got] == [(Decimal(0), None)]


class TestUnitCost:
    @pytest.fixture
    def requests(self, platform: Platform) -> Platform:  # noqa: F811
        with platform.session() as s:
            streams.post_records(
                s,
                "acme",
                "requests",
                [
                    rec(datetime(2024, 8, d), Grain.DAILY, 100 * d, customer=c)
                    for d in range(1, 32)
                    for c in ("a", "b")
                ],
            )
        return platform

    def test_an_unknown_stream_or_a_grouping_is_refused(self, requests: Platform) -> None:
        with requests.session() as s:
            with pytest.raises(NotFound):
                unit_cost(requests.queries, s, "acme", "nope", CostQuery(AUG, SEP))
            with pytest.raises(InvalidInput):
                grouped = CostQuery(AUG, SEP, group_by=("ServiceName",))
                unit_cost(requests.queries, s, "acme", "requests", grouped)

    def test_cost_of_the_filter_divided_by_the_units_of_each_day(self, requests: Platform) -> None:
        query = CostQuery(AUG, SEP, Granularity.DAY, filters=EC2)
        with requests.session() as s:
            got = unit_cost(
                requests.queries, s, "acme", "requests", query, labels={"customer": "a"}
            )
        cost = {r["period"]: r["cost"] for r in requests.queries.run("acme", query).rows}
        assert len(got) == 31
        for u in got:
            assert u.units == 100 * u.period_start.day
            assert u.cost == cost.get(u.period_start, 0)
            with localcontext() as ctx:
                ctx.prec = 38  # the precision cost per unit is computed at
                assert u.cost_per_unit == u.cost / u.units

    def test_a_month_adds_its_days_up(self, requests: Platform) -> None:
        query = CostQuery(AUG, SEP, Granularity.MONTH)
        with requests.session() as s:
            (got,) = unit_cost(requests.queries, s, "acme", "requests", query)
        assert got.units == 2 * 100 * sum(range(1, 32))
