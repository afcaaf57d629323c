"""The line-item service without HTTP: keyset pages that return every row once, cursors
that expire with the lake generation, grants that bound the rows, the FOCUS mapping of
projects and users, and daily totals equal to plain DuckDB sums."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from costlake.errors import InvalidInput
from costlake.focus.scan import scan
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.lineitems.schemas import LineItem, RowKey
from costlake.lineitems.service import CursorExpired, daily_totals, line_items
from costlake.query.service import QueryService
from tests.lineitems.rows import ai_rows

FIRST, LAST = date(2024, 8, 1), date(2024, 10, 14)


def walk(
    queries: QueryService, org: str, start: date, end: date, limit: int, **kw: object
) -> list[LineItem]:
    items: list[LineItem] = []
    after: RowKey | None = None
    while True:
        page = line_items(queries, org, start, end, limit=limit, after=after, **kw)  # type: ignore[arg-type]
        assert len(page.items) <= limit
        items += page.items
        if not page.has_more:
            return items
        assert page.next_key == page.items[-1].key
        after = page.next_key


def direct(lake: Lake, org: str, select: str) -> list[tuple[object, ...]]:
    """``select`` over the org's live files as ``costs``, in plain DuckDB."""
    files = lake.snapshot(org).files()
    with duckdb.connect() as con:
        con.execute(f"CREATE VIEW costs AS SELECT * FROM {scan(files)}")
        return con.execute(select).fetchall()


class TestLineItems:
    def test_a_reversed_or_overlong_range_is_refused(self, queries: QueryService) -> None:
        with pytest.raises(InvalidInput, match="on or after"):
            line_items(queries, "acme", LAST, FIRST, limit=10)
        with pytest.raises(InvalidInput, match="at most 366 days"):
            line_items(queries, "acme", FIRST, FIRST + timedelta(days=400), limit=10)

    def test_walking_every_page_returns_every_row_once(self, queries: QueryService) -> None:
        items = walk(queries, "acme", FIRST, LAST, 777)
        keys = [i.key for i in items]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)
        assert len({i.row_id for i in items}) == len(items)
        assert {i.project_id for i in items} == {None}  # cloud sub accounts are not projects
        (count, total), = direct(
            queries.lake, "acme",
            "SELECT count(*), sum(BilledCost) FROM costs WHERE ChargePeriodStart >= "
            "'2024-08-01' AND ChargePeriodStart < '2024-10-15'",
        )  # fmt: skip
        assert len(items) == count == 6000
        assert sum(i.billed_cost for i in items) == total

    def test_the_range_is_inclusive_of_both_days(self, queries: QueryService) -> None:
        day = date(2024, 9, 30)
        items = walk(queries, "acme", day, day, 50)
        (count,), = direct(
            queries.lake, "acme",
            "SELECT count(*) FROM costs WHERE CAST(ChargePeriodStart AS DATE) = '2024-09-30'",
        )  # fmt: skip
        assert len(items) == count > 0
        assert {i.usage_date for i in items} == {day}

    def test_granted_accounts_bound_the_rows(self, queries: QueryService) -> None:
        items = walk(queries, "acme", FIRST, LAST, 1000, account_ids=("111111111111",))
        (count,), = direct(
            queries.lake, "acme", "SELECT count(*) FROM costs WHERE SubAccountId = '111111111111'"
        )  # fmt: skip
        assert len(items) == count > 0
        assert walk(queries, "acme", FIRST, LAST, 1000, account_ids=()) == []

    def test_an_org_without_data_has_one_empty_page(self, queries: QueryService) -> None:
        page = line_items(queries, "nobody", FIRST, LAST, limit=5)
        assert page.items == [] and not page.has_more


@pytest.fixture
def small_lake(tmp_path: Path) -> QueryService:
    lake = Lake(tmp_path / "lake")
    pq.write_table(ai_rows(40), tmp_path / "ai.parquet")
    Ingestor(lake).ingest([tmp_path / "ai.parquet"], org="acme", source="openai")
    return QueryService(lake)


class TestMapping:
    def test_project_and_user_come_from_tags_and_project_sub_accounts(
        self, small_lake: QueryService
    ) -> None:
        items = walk(small_lake, "acme", date(2025, 1, 1), date(2025, 1, 2), 7)
        by_row = {i.key.row: i for i in items}
        assert by_row[0].project_id == "proj_tagged" and by_row[0].user_email is None
        assert by_row[1].project_id == "proj_1" and by_row[1].user_email == "u1@example.com"
        assert (by_row[5].service_name, by_row[5].provider_name) == ("gpt-4o", "OpenAI")


class TestCursorExpiry:
    def test_a_key_from_before_a_reingest_is_refused_not_misread(
        self, small_lake: QueryService, tmp_path: Path
    ) -> None:
        days = (date(2025, 1, 1), date(2025, 1, 2))
        first = line_items(small_lake, "acme", *days, limit=10)
        assert first.has_more
        pq.write_table(ai_rows(40, cost="2"), tmp_path / "again.parquet")
        Ingestor(small_lake.lake).ingest([tmp_path / "again.parquet"], org="acme", source="openai")
        with pytest.raises(CursorExpired, match="start again from the first page"):
            line_items(small_lake, "acme", *days, limit=10, after=first.next_key)
        again = walk(small_lake, "acme", *days, 10)
        assert len(again) == 40 and {i.billed_cost for i in again} == {Decimal(2)}


class TestDailyTotals:
    @pytest.mark.parametrize(
        "group_by, column", [("service", "ServiceName"), ("category", "ServiceCategory")]
    )
    def test_totals_equal_direct_sums(
        self, queries: QueryService, group_by: str, column: str
    ) -> None:
        got = daily_totals(queries, "acme", date(2024, 8, 5), date(2024, 8, 20), group_by)  # type: ignore[arg-type]
        want = direct(
            queries.lake, "acme",
            f"SELECT CAST(ChargePeriodStart AS DATE), {column}, sum(BilledCost) FROM costs "
            "WHERE ChargePeriodStart >= '2024-08-05' AND ChargePeriodStart < '2024-08-21' "
            "GROUP BY ALL",
        )  # fmt: skip
        assert {(t.day, t.key): t.cost for t in got} == {(d, k): c for d, k, c in want}
        assert [t.day for t in got] == sorted(t.day for t in got)

    def test_provider_spellings_sum_into_one_slug(self, queries: QueryService) -> None:
        got = daily_totals(queries, "acme", date(2024, 8, 5), date(2024, 8, 5), "provider")
        (aws,), = direct(
            queries.lake, "acme",
            "SELECT sum(BilledCost) FROM costs WHERE ProviderName = 'AWS' "
            "AND CAST(ChargePeriodStart AS DATE) = '2024-08-05'",
        )  # fmt: skip
        assert {t.key for t in got} == {"aws", "azure", "gcp"}
        assert next(t.cost for t in got if t.key == "aws") == aws

    def test_an_unknown_dimension_is_refused(self, queries: QueryService) -> None:
        with pytest.raises(InvalidInput, match="group_by must be one of provider"):
            daily_totals(queries, "acme", FIRST, LAST, "region")  # type: ignore[arg-type]
