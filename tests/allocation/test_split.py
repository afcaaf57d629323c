"""The arithmetic of allocation without a database: exact largest-remainder splits (a
hypothesis property), element labels, weights per day, and daily rows split per element
whose sums equal the cost they came from."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, localcontext

import pytest
from hypothesis import given
from hypothesis import strategies as st

from costlake.allocation.schemas import UNALLOCATED, Split
from costlake.allocation.split import element_label, largest_remainder, split_rows, weights_by_day
from costlake.errors import InvalidInput
from costlake.query.model import CostQuery, Granularity
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import Record

LAKE = Decimal("1e-18")
amounts = st.decimals(
    min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=18, allow_nan=False
)
weights = st.lists(
    st.decimals(min_value=0, max_value=Decimal("1e9"), places=12, allow_nan=False),
    min_size=1,
    max_size=12,
).filter(lambda ws: sum(ws) > 0)


class TestLargestRemainder:
    def test_weights_that_cannot_split_are_refused(self) -> None:
        with pytest.raises(InvalidInput):
            largest_remainder(Decimal(1), [Decimal(0), Decimal(0)])
        with pytest.raises(InvalidInput):
            largest_remainder(Decimal(1), [Decimal(2), Decimal(-1)])

    def test_a_third_each_with_the_last_unit_to_the_first(self) -> None:
        parts = largest_remainder(Decimal("1.00"), [Decimal(1)] * 3)
        assert parts == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]

    def test_a_negative_amount_splits_the_same_way_negated(self) -> None:
        assert largest_remainder(Decimal("-1.00"), [Decimal(1)] * 3) == [
            Decimal("-0.34"),
            Decimal("-0.33"),
            Decimal("-0.33"),
        ]

    @given(amounts, weights)
    def test_the_parts_add_up_to_the_amount_exactly(
        self, amount: Decimal, ws: list[Decimal]
    ) -> None:
        parts = largest_remainder(amount, ws)
        with localcontext() as ctx:
            ctx.prec = 80
            self.check(amount, ws, parts)

    def check(self, amount: Decimal, ws: list[Decimal], parts: list[Decimal]) -> None:
        assert sum(parts, Decimal(0)) == amount
        total = sum(ws, Decimal(0))
        unit = Decimal(1).scaleb(min(amount.as_tuple().exponent, 0))  # type: ignore[arg-type]
        for part, w in zip(parts, ws, strict=True):
            assert abs(part - amount * w / total) < unit  # within one unit of the exact share
            assert part.as_tuple().exponent >= min(amount.as_tuple().exponent, 0)  # type: ignore[operator]
            if w == 0:
                assert part == 0


class TestLabels:
    def test_a_one_key_element_is_its_value(self) -> None:
        assert element_label({"customer": "acme"}) == "acme"

    def test_several_keys_are_pairs_in_key_order(self) -> None:
        assert element_label({"b": "2", "a": "1"}) == "a=1, b=2"


def rec(day: datetime, grain: Grain, value: str, element: str) -> Record:
    return Record(day.replace(tzinfo=UTC), grain, Decimal(value), {"customer": element})


class TestWeightsByDay:
    def test_daily_and_hourly_values_add_up_and_monthly_fill_other_days(self) -> None:
        of = weights_by_day(
            [
                rec(datetime(2024, 10, 1), Grain.DAILY, "2", "a"),
                rec(datetime(2024, 10, 1, 5), Grain.HOURLY, "1", "a"),
                rec(datetime(2024, 10, 1, 6), Grain.HOURLY, "4", "b"),
                rec(datetime(2024, 10, 1), Grain.MONTHLY, "9", "c"),
            ]
        )
        assert of(datetime(2024, 10, 1)) == {"a": Decimal(3), "b": Decimal(4)}
        assert of(datetime(2024, 10, 2)) == {"c": Decimal(9)}
        assert of(datetime(2024, 11, 2)) == {}


DAY1, DAY2, DAY3 = datetime(2024, 10, 1), datetime(2024, 10, 2), datetime(2024, 10, 3)
cents = st.decimals(min_value=-1000, max_value=100_000, places=18, allow_nan=False)


class TestSplitRows:
    def query(self, granularity: Granularity) -> CostQuery:
        return CostQuery(DAY1, datetime(2024, 11, 1), granularity, group_by=("ServiceName",))

    def test_targeted_cost_is_split_and_the_rest_is_unallocated(self) -> None:
        all_rows = [
            {"period": DAY1, "ServiceName": "EC2", "cost": Decimal("10")},
            {"period": DAY2, "ServiceName": "EC2", "cost": Decimal("6")},
        ]
        inside = [
            {"period": DAY1, "ServiceName": "EC2", "cost": Decimal("9")},
            {"period": DAY2, "ServiceName": "EC2", "cost": Decimal("6")},
        ]
        of = weights_by_day(
            [
                rec(DAY1, Grain.DAILY, "1", "a"),
                rec(DAY1, Grain.DAILY, "2", "b"),
            ]
        )
        rows = split_rows(self.query(Granularity.DAY), all_rows, inside, of, Split("s", 0))
        assert [(r["period"], r["allocation:s"], r["cost"]) for r in rows] == [
            (DAY1, "a", Decimal("3")),
            (DAY1, "b", Decimal("6")),
            (DAY1, UNALLOCATED, Decimal("1")),
            (DAY2, UNALLOCATED, Decimal("6")),
        ]

    def test_a_filter_on_elements_keeps_theirs_added_up(self) -> None:
        all_rows = [{"period": DAY1, "ServiceName": "EC2", "cost": Decimal("9")}]
        of = weights_by_day([rec(DAY1, Grain.DAILY, "1", e) for e in "abc"])
        split = Split("s", None, exclude=("b",))
        rows = split_rows(self.query(Granularity.MONTH), all_rows, all_rows, of, split)
        assert rows == [{"period": DAY1, "ServiceName": "EC2", "cost": Decimal("6")}]

    @given(
        st.lists(
            st.tuples(st.sampled_from([DAY1, DAY2, DAY3]), st.sampled_from("xyz"), cents, cents),
            max_size=20,
        ),
        st.lists(
            st.tuples(st.sampled_from([DAY1, DAY2]), st.sampled_from("abcd"), st.integers(0, 50)),
            max_size=10,
        ),
        st.sampled_from([Granularity.DAY, Granularity.MONTH, Granularity.TOTAL]),
    )
    def test_every_group_keeps_its_cost_to_the_last_decimal(
        self,
        costs: list[tuple[datetime, str, Decimal, Decimal]],
        values: list[tuple[datetime, str, int]],
        granularity: Granularity,
    ) -> None:
        all_rows: dict[tuple[datetime, str], Decimal] = {}
        inside: dict[tuple[datetime, str], Decimal] = {}
        for day, service, total, part in costs:
            all_rows[(day, service)] = all_rows.get((day, service), Decimal(0)) + total
            inside[(day, service)] = inside.get((day, service), Decimal(0)) + part
        rows_of = lambda d: [  # noqa: E731
            {"period": k[0], "ServiceName": k[1], "cost": v} for k, v in d.items()
        ]
        of = weights_by_day([rec(d, Grain.DAILY, str(v), e) for d, e, v in values])
        query = self.query(granularity)
        rows = split_rows(query, rows_of(all_rows), rows_of(inside), of, Split("s", 1))
        with localcontext() as ctx:
            ctx.prec = 80
            self.check(all_rows, rows)

    def check(
        self, all_rows: dict[tuple[datetime, str], Decimal], rows: list[dict[str, object]]
    ) -> None:
        for service in "xyz":
            want = sum((v for k, v in all_rows.items() if k[1] == service), Decimal(0))
            got = sum((r["cost"] for r in rows if r["ServiceName"] == service), Decimal(0))  # type: ignore[misc]
            assert got == want
