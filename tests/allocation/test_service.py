"""Allocation streams over a real lake and metadata database: ``sum``, ``replace`` and
``delete`` of element values, and cost questions split by a stream whose totals equal the
query engine's own answer without the split, to the last decimal place."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from costlake.allocation import service
from costlake.allocation.schemas import UNALLOCATED, Split, TargetRule
from costlake.errors import InvalidInput, UnknownDimension
from costlake.platform import Platform
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import records

AUG, SEP, OCT = datetime(2024, 8, 1), datetime(2024, 9, 1), datetime(2024, 10, 1)


def body(*items: tuple[str, Any, str, str]) -> list[Any]:
    raw = [
        {"timestamp": ts, "value": v, "granularity": g, "element": {"customer": e}}
        for ts, v, g, e in items
    ]
    return records(raw, label_field="element", allocation=True)


@pytest.fixture
def fresh(platform: Platform) -> Iterator[Platform]:
    yield platform
    with platform.session() as s:
        for name in service.stream_names(s, "acme"):
            service.delete_stream(s, "acme", name)


def values(platform: Platform, name: str = "customers") -> dict[tuple[str, str], Decimal]:
    with platform.session() as s:
        stream = service.load(s, "acme", name, AUG, datetime(2025, 1, 1))
    return {
        (r.period_start.date().isoformat(), r.labels["customer"]): r.value for r in stream.records
    }


class TestWrites:
    def test_an_element_is_required_and_values_are_not_negative(self) -> None:
        with pytest.raises(InvalidInput, match=r"^records\[0\]\.element"):
            records(
                [{"timestamp": "2024-08-01", "value": 1, "granularity": "DAILY"}],
                label_field="element",
                allocation=True,
            )
        with pytest.raises(InvalidInput, match=r"^records\[0\]\.value"):
            body(("2024-08-01", -1, "DAILY", "a"))

    def test_the_unallocated_label_is_kept_for_unsplit_cost(self, fresh: Platform) -> None:
        with fresh.session() as s, pytest.raises(InvalidInput, match="Unallocated"):
            service.sum_records(
                s, "acme", "customers", body(("2024-08-01", 1, "DAILY", UNALLOCATED))
            )

    def test_sum_adds_and_replace_replaces_the_period(self, fresh: Platform) -> None:
        with fresh.session() as s:
            service.sum_records(
                s,
                "acme",
                "customers",
                body(("2024-08-01", 1, "DAILY", "a"), ("2024-08-01", 2, "DAILY", "b")),
            )
            service.sum_records(
                s, "acme", "customers", body(("2024-08-01T09:00:00Z", 0.5, "DAILY", "a"))
            )
        assert values(fresh) == {
            ("2024-08-01", "a"): Decimal("1.5"),
            ("2024-08-01", "b"): Decimal(2),
        }
        with fresh.session() as s:
            service.replace_records(
                s,
                "acme",
                "customers",
                body(("2024-08-01", 4, "DAILY", "c"), ("2024-08-01", 1, "DAILY", "c")),
            )
        assert values(fresh) == {("2024-08-01", "c"): Decimal(5)}

    def test_delete_removes_one_period_and_granularity(self, fresh: Platform) -> None:
        with fresh.session() as s:
            service.sum_records(
                s,
                "acme",
                "customers",
                body(
                    ("2024-08-01", 1, "DAILY", "a"),
                    ("2024-08-02", 1, "DAILY", "a"),
                    ("2024-08-01", 1, "MONTHLY", "a"),
                ),
            )
            n = service.delete_records(
                s, "acme", "customers", datetime(2024, 8, 1, 12, tzinfo=UTC), Grain.DAILY
            )
        assert n == 1
        assert set(values(fresh)) == {("2024-08-02", "a"), ("2024-08-01", "a")}

    def test_a_target_on_an_unknown_key_is_refused(self, fresh: Platform) -> None:
        with fresh.session() as s, pytest.raises(InvalidInput, match=r"^filter\.Planet"):
            service.sum_records(
                s,
                "acme",
                "customers",
                body(("2024-08-01", 1, "DAILY", "a")),
                {"Planet": TargetRule(("x",))},
            )


def question(granularity: Granularity, **kw: Any) -> CostQuery:
    return CostQuery(AUG, OCT, granularity, group_by=("ServiceName",), order_by_cost=False, **kw)


def by_service(rows: list[dict[str, object]]) -> dict[object, Decimal]:
    out: dict[object, Decimal] = {}
    for r in rows:
        out[r["ServiceName"]] = out.get(r["ServiceName"], Decimal(0)) + r["cost"]  # type: ignore[operator]
    return out


class TestSplitQuestions:
    @pytest.fixture
    def stream(self, fresh: Platform) -> Platform:
        daily = [
            (f"2024-08-{d:02d}", v, "DAILY", e)
            for d in range(1, 11)
            for v, e in ((1, "a"), (2, "b"))
        ]
        with fresh.session() as s:
            service.sum_records(
                s,
                "acme",
                "customers",
                body(*daily, ("2024-09-01", 3, "MONTHLY", "c")),
                {"ServiceName": TargetRule(("Amazon EC2",))},
            )
        return fresh

    def answer(self, platform: Platform, query: CostQuery, split: Split | None) -> Any:
        with platform.session() as s:
            return service.run(platform.queries, s, "acme", query, split)

    def test_an_unknown_stream_is_an_unknown_dimension(self, fresh: Platform) -> None:
        with pytest.raises(UnknownDimension):
            self.answer(fresh, question(Granularity.DAY), Split("nope", 0))

    @pytest.mark.parametrize("granularity", [Granularity.DAY, Granularity.MONTH, Granularity.TOTAL])
    def test_totals_with_the_split_equal_those_without(
        self, stream: Platform, granularity: Granularity
    ) -> None:
        plain = self.answer(stream, question(granularity), None)
        split = self.answer(stream, question(granularity), Split("customers", 1))
        assert split.columns.groups == ("ServiceName", "allocation:customers")
        assert by_service(split.rows) == by_service(plain.rows)
        per_period: dict[object, Decimal] = {}
        for r in split.rows:
            per_period[r.get("period")] = per_period.get(r.get("period"), Decimal(0)) + r["cost"]
        assert per_period == {
            p: sum((r["cost"] for r in plain.rows if r.get("period") == p), Decimal(0))
            for p in per_period
        }

    def test_only_the_target_is_split_in_proportion_per_day(self, stream: Platform) -> None:
        rows = self.answer(stream, question(Granularity.DAY), Split("customers", 1)).rows
        ec2 = [r for r in rows if r["ServiceName"] == "Amazon EC2"]
        others = [r for r in rows if r["ServiceName"] != "Amazon EC2"]
        assert {r["allocation:customers"] for r in others} == {UNALLOCATED}
        aug3 = {
            r["allocation:customers"]: r["cost"] for r in ec2 if r["period"] == datetime(2024, 8, 3)
        }
        assert set(aug3) == {"a", "b"} and abs(aug3["b"] - 2 * aug3["a"]) <= Decimal("1e-18")
        aug20 = {r["allocation:customers"] for r in ec2 if r["period"] == datetime(2024, 8, 20)}
        assert aug20 == {UNALLOCATED}  # no values that day, none for August as a month
        sep = {r["allocation:customers"] for r in ec2 if r["period"].month == 9}  # type: ignore[attr-defined]
        assert sep == {"c"}  # the monthly value covers every day of September

    def test_a_filter_on_elements_keeps_their_share(self, stream: Platform) -> None:
        only_a = self.answer(
            stream,
            question(
                Granularity.TOTAL, filters=(Filter("ServiceName", FilterOp.IN, ("Amazon EC2",)),)
            ),
            Split("customers", None, include=("a",)),
        )
        split = self.answer(stream, question(Granularity.TOTAL), Split("customers", 1))
        want = sum((r["cost"] for r in split.rows if r["allocation:customers"] == "a"), Decimal(0))
        assert [r["cost"] for r in only_a.rows] == [want]
