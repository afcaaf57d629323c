"""Answers cached by lake version: a repeated question does not touch the engine, and an
ingest makes every older answer unreachable."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.query.engines.duckdb import DuckDBEngine
from costlake.query.model import CostQuery
from costlake.query.service import QueryService
from tests.query.conftest import focus_rows

Q = CostQuery(datetime(2024, 8, 1), datetime(2024, 12, 1), group_by=("ServiceName",))


class CountingEngine(DuckDBEngine):
    def __init__(self) -> None:
        super().__init__(threads=1)
        self.calls = 0

    def rows(self, sql: str, files: list[str]) -> list[dict[str, object]]:
        self.calls += 1
        return super().rows(sql, files)


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    lake = Lake(tmp_path / "lake")
    pq.write_table(focus_rows(1, 400), tmp_path / "a.parquet")
    Ingestor(lake).ingest([tmp_path / "a.parquet"], org="acme", source="s")
    return lake


class TestAnswerCache:
    def test_a_repeated_question_is_answered_without_the_engine(self, lake: Lake) -> None:
        engine = CountingEngine()
        queries = QueryService(lake, engine)
        first, second = queries.run("acme", Q), queries.run("acme", Q)
        assert first.rows == second.rows and engine.calls == 1

    def test_an_ingest_makes_the_old_answer_unreachable(self, lake: Lake, tmp_path: Path) -> None:
        queries = QueryService(lake, CountingEngine())
        before = queries.run("acme", Q).total()
        pq.write_table(focus_rows(2, 400), tmp_path / "b.parquet")
        Ingestor(lake).ingest([tmp_path / "b.parquet"], org="acme", source="s")  # restated
        after = queries.run("acme", Q)
        uncached = QueryService(lake, DuckDBEngine(threads=1), cache_size=0).run("acme", Q)
        assert after.total() == uncached.total() != before

    def test_changing_an_answer_does_not_change_the_cached_one(self, lake: Lake) -> None:
        queries = QueryService(lake, CountingEngine())
        mine = queries.run("acme", Q)
        mine.rows[0]["cost"] = -1
        mine.rows.clear()
        assert queries.run("acme", Q).rows and queries.run("acme", Q).rows[0]["cost"] != -1

    def test_each_org_has_its_own_answers(self, lake: Lake, tmp_path: Path) -> None:
        pq.write_table(focus_rows(3, 50), tmp_path / "g.parquet")
        Ingestor(lake).ingest([tmp_path / "g.parquet"], org="globex", source="s")
        queries = QueryService(lake, CountingEngine())
        assert queries.run("acme", Q).total() != queries.run("globex", Q).total()

    def test_a_size_of_zero_turns_the_cache_off(self, lake: Lake) -> None:
        engine = CountingEngine()
        queries = QueryService(lake, engine, cache_size=0)
        queries.run("acme", Q), queries.run("acme", Q)
        assert engine.calls == 2

    def test_the_cache_keeps_at_most_its_size(self, lake: Lake) -> None:
        queries = QueryService(lake, CountingEngine(), cache_size=2)
        for months in (9, 10, 11):
            queries.run("acme", CostQuery(datetime(2024, 8, 1), datetime(2024, months, 1)))
        assert len(queries._answers) == 2


class TestAlteredFiles:
    def test_a_file_changed_in_place_is_a_damaged_lake_not_an_engine_error(
        self, lake: Lake
    ) -> None:
        from costlake.errors import LakeDamaged

        path = Path(lake.snapshot("acme").files()[0])
        data = bytearray(path.read_bytes())
        data[-4:] = b"XXXX"  # same size, so only `costlake check` or the reader notices
        path.write_bytes(bytes(data))
        with pytest.raises(LakeDamaged, match="costlake check"):
            QueryService(lake, DuckDBEngine(threads=1), use_rollups=False).run("acme", Q)
