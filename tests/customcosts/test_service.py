"""The custom costs service without HTTP: which rows count, how lines merge, what a
predicate on properties selects, and that granted accounts bound every answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.customcosts.schemas import Condition, CostType, Group, Op, Prop
from costlake.customcosts.service import CATEGORIES, compile_predicate, custom_costs, shown
from costlake.focus.schema import FOCUS_SCHEMA
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.query.engines import Engine, get_engine
from costlake.query.service import QueryService

DAY1 = datetime(2024, 5, 1, tzinfo=UTC)
DAY2 = datetime(2024, 5, 2, tzinfo=UTC)
DAY3 = datetime(2024, 5, 3, tzinfo=UTC)
# provider, category, account, day, billed, list, quantity, unit
ROWS = [
    ("Datadog", "Management and Governance", "a1", 1, "10", "12", "5", "hosts"),
    ("Datadog", "Management and Governance", "a1", 1, "0", "3", "2", "GB"),
    ("Datadog", "Management and Governance", "a1", 2, "0", "4", "1", "hosts"),
    ("OpenAI", "AI and Machine Learning", "a2", 1, "7", "9", "100", "tokens"),
    ("Acme Telemetry", "Observability Tools", "a2", 2, "1", "1", "1", "events"),
    ("AWS", "Compute", "a1", 1, "100", "100", "1", "Hours"),
    ("amazon web services", "Storage", "a1", 1, "50", "50", "1", "GB-Mo"),
    ("Microsoft", "Compute", "a2", 2, "40", "40", "1", "Hours"),
]


def rows_file(root: Path, rows: list[tuple[Any, ...]] | None = None) -> Path:
    cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}
    for provider, category, account, day, billed, listed, qty, unit in rows or ROWS:
        start = datetime(2024, 5, int(day), 3)
        row = {
            "BilledCost": Decimal(billed), "EffectiveCost": Decimal(billed),
            "ListCost": Decimal(listed), "ContractedCost": Decimal(billed),
            "BillingAccountId": account, "BillingCurrency": "USD",
            "BillingPeriodStart": datetime(2024, 5, 1), "BillingPeriodEnd": datetime(2024, 6, 1),
            "ChargeCategory": "Usage", "ChargePeriodStart": start,
            "ChargePeriodEnd": start.replace(hour=4), "InvoiceIssuerName": provider,
            "ProviderName": provider, "PublisherName": provider, "ServiceCategory": category,
            "ServiceName": "s", "ConsumedQuantity": Decimal(qty), "ConsumedUnit": unit,
            "x_SourceId": "t", "x_SourceFormat": "focus", "x_IngestedAt": start,
        }  # fmt: skip
        for name, values in cols.items():
            values.append(row.get(name))
    path = root / "rows.parquet"
    pq.write_table(pa.table(cols, schema=FOCUS_SCHEMA), path)
    return path


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    root: Path = tmp_path_factory.mktemp("customcosts")
    lake = Lake(root / "lake")
    Ingestor(lake).ingest([rows_file(root)], org="acme", source="t")
    return lake


@pytest.fixture(scope="session")
def spark() -> Iterator[Engine]:
    engine = get_engine("spark")
    yield engine
    engine.close()


@pytest.fixture(
    scope="module",
    params=["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow])],
)
def queries(request: pytest.FixtureRequest, lake: Lake) -> QueryService:
    """Every custom costs question on every engine."""
    if request.param == "spark":
        return QueryService(lake, request.getfixturevalue("spark"))
    return QueryService(lake, get_engine("duckdb"))


def total_by(queries: QueryService, prop: Prop, **kw: object) -> dict[str, Decimal]:
    (step,) = custom_costs(queries, "acme", [(DAY1, DAY3)], aggregate=[prop], **kw)  # type: ignore[arg-type]
    return {line.props[prop]: line.cost for line in step.lines}


class TestSelection:
    def test_cloud_provider_rows_in_any_spelling_are_not_custom_costs(
        self, queries: QueryService
    ) -> None:
        assert total_by(queries, Prop.DOMAIN) == {
            "datadog": Decimal(17), "openai": Decimal(7), "acme telemetry": Decimal(1)
        }  # fmt: skip

    def test_an_unknown_category_is_other(self, queries: QueryService) -> None:
        assert shown(Prop.COST_SOURCE, "Observability Tools") == "other"
        assert set(total_by(queries, Prop.COST_SOURCE)) == {"observability", "ai", "other"}
        assert len(set(CATEGORIES.values())) == len(CATEGORIES)


class TestCostTypes:
    def test_blended_is_billed_where_above_zero_else_list_per_daily_line(
        self, queries: QueryService
    ) -> None:
        got = total_by(queries, Prop.DOMAIN, cost_type=CostType.BLENDED)
        assert got["datadog"] == Decimal(10 + 3 + 4)
        assert total_by(queries, Prop.DOMAIN, cost_type=CostType.BILLED)["datadog"] == 10
        assert total_by(queries, Prop.DOMAIN, cost_type=CostType.LIST)["datadog"] == 19

    def test_merged_lines_keep_shared_values_and_sum_one_units_quantity(
        self, queries: QueryService
    ) -> None:
        (step,) = custom_costs(queries, "acme", [(DAY1, DAY3)], aggregate=[Prop.DOMAIN])
        dd = next(line for line in step.lines if line.props[Prop.DOMAIN] == "datadog")
        assert dd.cost_type is CostType.BLENDED
        assert dd.props[Prop.USAGE_UNIT] == "" and dd.quantity == 0
        assert dd.props[Prop.COST_SOURCE] == "observability"
        (units,) = custom_costs(queries, "acme", [(DAY1, DAY3)], aggregate=[Prop.USAGE_UNIT])
        hosts = next(line for line in units.lines if line.props[Prop.USAGE_UNIT] == "hosts")
        assert hosts.quantity == 6 and hosts.list_unit_price == Decimal(16) / 6


class TestSteps:
    def test_lines_land_in_their_step(self, queries: QueryService) -> None:
        day1, day2 = custom_costs(queries, "acme", [(DAY1, DAY2), (DAY2, DAY3)])
        assert day1.total_cost == 10 + 3 + 7 and day2.total_cost == 4 + 1

    def test_an_empty_window_has_no_lines(self, queries: QueryService) -> None:
        assert custom_costs(queries, "acme", [(DAY1, DAY1)])[0].lines == ()

    def test_steps_of_several_days_hold_each_of_their_days(self, queries: QueryService) -> None:
        starts = [datetime(2024, 4, 30, tzinfo=UTC), DAY2, datetime(2024, 5, 4, tzinfo=UTC)]
        ends = [*starts[1:], datetime(2024, 5, 6, tzinfo=UTC)]
        first, second, third = custom_costs(queries, "acme", list(zip(starts, ends, strict=True)))
        assert first.total_cost == 10 + 3 + 7 and second.total_cost == 4 + 1
        assert third.lines == ()

    def test_hourly_steps_hold_their_hour(self, queries: QueryService) -> None:
        hours = [DAY1.replace(hour=h) for h in (2, 3, 4, 5)]
        windows = list(zip(hours[:-1], hours[1:], strict=True))
        steps = custom_costs(queries, "acme", windows, hourly=True)
        assert [s.total_cost for s in steps] == [0, 10 + 3 + 7, 0]


def test_a_quantity_over_lines_of_different_units_is_zero_whatever_comes_after(
    tmp_path: Path,
) -> None:
    """Units a, b, then none: the merged line has no unit and no quantity (the days are
    merged as one set of lines, not one after another)."""
    rows = [
        ("Zeta", "Other", "a1", 1, "1", "1", "2", "a"),
        ("Zeta", "Other", "a1", 2, "1", "1", "3", "b"),
        ("Zeta", "Other", "a1", 3, "1", "1", "5", ""),
    ]
    lake = Lake(tmp_path / "lake")
    Ingestor(lake).ingest([rows_file(tmp_path, rows)], org="acme", source="t")
    end = datetime(2024, 5, 4, tzinfo=UTC)
    (step,) = custom_costs(QueryService(lake), "acme", [(DAY1, end)], aggregate=[Prop.DOMAIN])
    (line,) = step.lines
    assert (line.props[Prop.USAGE_UNIT], line.quantity, line.cost) == ("", 0, 3)


class TestPredicates:
    def test_cost_source_matches_the_mapped_word(self, queries: QueryService) -> None:
        def domains(p: Condition | Group) -> set[str]:
            return set(total_by(queries, Prop.DOMAIN, predicate=p))

        src = Prop.COST_SOURCE
        assert domains(Condition(src, Op.EQUALS, ("ai",))) == {"openai"}
        assert domains(Condition(src, Op.PREFIX, ("obs",))) == {"datadog"}
        assert domains(Condition(src, Op.EQUALS, ("other",))) == {"acme telemetry"}
        assert domains(Condition(src, Op.EQUALS, ("nothing",))) == set()
        assert domains(Condition(src, Op.EQUALS, ("ai", "other"), negate=True)) == {"datadog"}
        either = Group("any", (Condition(src, Op.EQUALS, ("ai",)),
                               Condition(Prop.DOMAIN, Op.SUFFIX, ("dog",))))  # fmt: skip
        assert domains(either) == {"openai", "datadog"}
        assert compile_predicate(Condition(Prop.DOMAIN, Op.EQUALS, ("x",))).lower

    def test_granted_accounts_bound_the_answer(self, queries: QueryService) -> None:
        assert set(total_by(queries, Prop.DOMAIN, account_ids=("a2",))) == {
            "openai", "acme telemetry"
        }  # fmt: skip
        assert total_by(queries, Prop.DOMAIN, account_ids=()) == {}


class TestRollupPrepass:
    """The daily rollups name the custom providers and sources before the line items are
    read: the answers are those of the line items alone, and sources without custom costs
    are never scanned."""

    @pytest.fixture
    def two_sources(self, tmp_path: Path) -> Lake:
        lake = Lake(tmp_path / "lake")
        Ingestor(lake).ingest([rows_file(tmp_path)], org="acme", source="t")
        clouds = [r for r in ROWS if r[0] in ("AWS", "Microsoft")]
        (tmp_path / "clouds").mkdir()
        Ingestor(lake).ingest([rows_file(tmp_path / "clouds", clouds)], org="acme", source="clouds")
        return lake

    @pytest.mark.parametrize("prop", [Prop.DOMAIN, Prop.DESCRIPTION, Prop.USAGE_UNIT])
    @pytest.mark.parametrize("cost_type", list(CostType))
    def test_answers_equal_those_without_rollups(
        self, lake: Lake, prop: Prop, cost_type: CostType
    ) -> None:
        def steps(use_rollups: bool) -> list[object]:
            q = QueryService(lake, get_engine("duckdb"), use_rollups=use_rollups)
            windows = [(DAY1, DAY2), (DAY2, DAY3)]
            return list(custom_costs(q, "acme", windows, aggregate=[prop], cost_type=cost_type))

        assert steps(True) == steps(False)

    def test_sources_without_custom_costs_are_not_scanned(self, two_sources: Lake) -> None:
        class Spy(type(get_engine("duckdb"))):  # type: ignore[misc]
            scanned: list[list[str]] = []

            def rows(self, sql: str, files: list[str]) -> list[dict[str, object]]:
                self.scanned.append(files)
                return super().rows(sql, files)

        spy = Spy()
        queries = QueryService(two_sources, spy)
        assert total_by(queries, Prop.DOMAIN)["datadog"] == 17
        rollup, line_items = spy.scanned
        assert any("source=clouds" in f for f in rollup)
        assert line_items and not any("source=clouds" in f for f in line_items)
        may_2024 = (datetime(2024, 5, 2, tzinfo=UTC), DAY3)
        spy.scanned.clear()
        assert custom_costs(queries, "acme", [may_2024], account_ids=("zz",))[0].lines == ()
        two_sources.delete_source("acme", "t")
        spy.scanned.clear()
        assert custom_costs(queries, "acme", [(DAY1, DAY3)])[0].lines == ()
        assert len(spy.scanned) == 1  # the rollup only: no custom costs, no line-item scan


def test_a_repeated_question_is_answered_from_the_cache_until_the_lake_changes(
    tmp_path: Path,
) -> None:
    class Counting(type(get_engine("duckdb"))):  # type: ignore[misc]
        statements = 0

        def rows(self, sql: str, files: list[str]) -> list[dict[str, object]]:
            type(self).statements += 1
            return super().rows(sql, files)

    lake = Lake(tmp_path / "lake")
    Ingestor(lake).ingest([rows_file(tmp_path)], org="acme", source="t")
    queries = QueryService(lake, Counting())
    first = total_by(queries, Prop.DOMAIN)
    asked = Counting.statements
    assert total_by(queries, Prop.DOMAIN) == first and Counting.statements == asked
    (tmp_path / "more").mkdir()
    extra = rows_file(tmp_path / "more", [("OpenAI", "AI and Machine Learning", "a2", 2, "5",
                                            "5", "1", "tokens")])  # fmt: skip
    Ingestor(lake).ingest([extra], org="acme", source="more")
    assert total_by(queries, Prop.DOMAIN)["openai"] == first["openai"] + 5
    assert Counting.statements > asked
