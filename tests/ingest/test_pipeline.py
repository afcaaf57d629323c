"""The ingest pipeline across groups of files: what one delivery of several files makes."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from tests.lake.helpers import focus_file, total


def _without_column(src: Path, out: Path, column: str) -> Path:
    """``src`` as Parquet lacking ``column``: an export whose columns changed mid-period."""
    with duckdb.connect() as con:
        con.execute(
            f"COPY (SELECT * EXCLUDE ({column}) FROM read_parquet('{src}')) TO '{out}' "
            "(FORMAT parquet)"
        ).fetchall()
    return out


class TestFilesWithDifferentColumns:
    @pytest.fixture
    def delivery(self, tmp_path: Path) -> list[Path]:
        a = focus_file(tmp_path / "a.parquet", month=9, rows=30, cost="1.25")
        b = focus_file(tmp_path / "b0.parquet", month=9, rows=20, cost="2.5")
        return [a, _without_column(b, tmp_path / "b.parquet", "Tags")]

    @pytest.mark.parametrize("source", ["s", None])
    def test_one_period_keeps_every_file(
        self, ingestor: Ingestor, lake: Lake, delivery: list[Path], source: str | None
    ) -> None:
        result = ingestor.ingest(delivery, org="acme", source=source)
        assert result.rows_written == 50
        assert total(lake) == (50, Decimal("87.5"))
        (part,) = lake.snapshot("acme").partitions
        assert (part.period, part.rows, len(part.files)) == ("2024-09", 50, 2)

    def test_redelivery_replaces_both(
        self, ingestor: Ingestor, lake: Lake, delivery: list[Path]
    ) -> None:
        for _ in range(3):
            ingestor.ingest(delivery, org="acme", source="s")
        assert total(lake) == (50, Decimal("87.5"))

    def test_rollups_cover_every_file(
        self, ingestor: Ingestor, lake: Lake, delivery: list[Path]
    ) -> None:
        ingestor.ingest(delivery, org="acme", source="s")
        snap = lake.snapshot("acme")
        (daily,) = snap.rollup_files("daily")
        with duckdb.connect() as con:
            got = con.execute(
                f"SELECT sum(x_RowCount), sum(BilledCost) FROM read_parquet('{daily}')"
            ).fetchone()
        assert got == (50, Decimal("87.5"))


class TestCsvSplitByPeriod:
    """A CSV is parsed once into one file, which is its period's file or is split by
    period (``periods.write_chunked``)."""

    @staticmethod
    def _csv(tmp_path: Path, months: list[int], order: str = "random()", rows: int = 40) -> Path:
        parts = [
            focus_file(tmp_path / f"m{m}.parquet", month=m, rows=rows * (i + 1), cost=f"{m}.5")
            for i, m in enumerate(months)
        ]
        out = tmp_path / "export.csv"
        files = ", ".join(f"'{p}'" for p in parts)
        with duckdb.connect() as con:
            con.execute("SELECT setseed(0.5)").fetchall()
            # Rows of all months shuffled together: the split must not rely on order.
            con.execute(
                f"COPY (SELECT * EXCLUDE (Tags) FROM read_parquet([{files}]) ORDER BY {order}) "
                f"TO '{out}' (HEADER)"
            ).fetchall()
        return out

    def test_rows_of_three_months_land_in_three_periods(
        self, ingestor: Ingestor, lake: Lake, tmp_path: Path
    ) -> None:
        result = ingestor.ingest([self._csv(tmp_path, [3, 5, 4])], org="acme", source="s")
        parts = {p.period: p.rows for p in lake.snapshot("acme").partitions}
        assert result.rows_written == 240
        assert parts == {"2024-03": 40, "2024-05": 80, "2024-04": 120}
        assert total(lake) == (240, Decimal(40 * 3.5 + 80 * 5.5 + 120 * 4.5))
        files = lake.snapshot("acme").files()
        assert all("__whole" not in f for f in files) and len(files) == 3

    def test_chunks_of_one_period_are_moved_and_the_rest_split(
        self, ingestor: Ingestor, lake: Lake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Row groups of 2,048 rows (DuckDB's least): an export in time order gives chunks
        # (``periods.CHUNK_ROW_GROUPS`` row groups each) of one period, moved as they are,
        # and a chunk across each month's end, split.
        from costlake.ingest import periods

        monkeypatch.setattr(
            periods, "PARQUET_OPTIONS", "FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048"
        )
        csv = self._csv(tmp_path, [3, 4, 5], order="ChargePeriodStart, ResourceId", rows=3000)
        result = ingestor.ingest([csv], org="acme", source="s")
        snap = lake.snapshot("acme")
        parts = {p.period: p.rows for p in snap.partitions}
        assert result.rows_written == 18000
        assert parts == {"2024-03": 3000, "2024-04": 6000, "2024-05": 9000}
        assert total(lake) == (18000, Decimal(3000 * 3.5 + 6000 * 4.5 + 9000 * 5.5))
        assert max(len(p.files) for p in snap.partitions) > 1
        with duckdb.connect() as con:
            for p in snap.partitions:
                files = ", ".join(f"'{lake.org_dir('acme') / f}'" for f in p.files)
                months = con.execute(
                    f"SELECT DISTINCT strftime(BillingPeriodStart, '%Y-%m') "
                    f"FROM read_parquet([{files}])"
                ).fetchall()
                assert months == [(p.period,)]

    def test_one_month_is_one_file(self, ingestor: Ingestor, lake: Lake, tmp_path: Path) -> None:
        ingestor.ingest([self._csv(tmp_path, [7])], org="acme", source="s")
        (part,) = lake.snapshot("acme").partitions
        assert (part.period, part.rows, len(lake.snapshot("acme").files())) == ("2024-07", 40, 1)


class TestParquetPeriodsFromFooters:
    """Parquet's billing periods come from the row groups' statistics when they can
    (``periods.footer_periods``), else from a scan of the column."""

    @staticmethod
    def _two_months_one_row_group(tmp_path: Path, months: tuple[int, int]) -> Path:
        a = focus_file(tmp_path / "a.parquet", month=months[0], rows=30, cost="1.5")
        b = focus_file(tmp_path / "b.parquet", month=months[1], rows=10, cost="2.5")
        out = tmp_path / "both.parquet"
        with duckdb.connect() as con:
            con.execute(
                f"COPY (SELECT * FROM read_parquet(['{a}', '{b}'])) TO '{out}' (FORMAT parquet)"
            ).fetchall()
        return out

    def test_a_row_group_across_a_gap_month_writes_only_months_with_rows(
        self, ingestor: Ingestor, lake: Lake, tmp_path: Path
    ) -> None:
        from costlake.ingest.connection import ingest_connection
        from costlake.ingest.periods import footer_periods

        path = self._two_months_one_row_group(tmp_path, (3, 5))
        got = footer_periods(ingest_connection(), [path], 'CAST("BillingPeriodStart" AS TIMESTAMP)')
        assert got == ["2024-03", "2024-04", "2024-05"]  # the statistics span April too
        ingestor.ingest([path], org="acme", source="s")
        parts = {p.period: p.rows for p in lake.snapshot("acme").partitions}
        assert parts == {"2024-03": 30, "2024-05": 10}
        assert total(lake) == (40, Decimal("70.0"))

    def test_one_period_nulls_or_a_derived_column_decide(self, tmp_path: Path) -> None:
        from costlake.ingest.connection import ingest_connection
        from costlake.ingest.periods import footer_periods

        con = ingest_connection()
        one = focus_file(tmp_path / "one.parquet", month=7, rows=20, cost="1")
        plain = 'CAST("BillingPeriodStart" AS TIMESTAMP)'
        assert footer_periods(con, [one], plain) == ["2024-07"]
        assert footer_periods(con, [one], "make_timestamp(epoch_us(x))") is None
        nulls = tmp_path / "nulls.parquet"
        con.execute(
            f"COPY (SELECT * REPLACE (CASE WHEN ChargePeriodStart = min(ChargePeriodStart) "
            f"OVER () THEN NULL ELSE BillingPeriodStart END AS BillingPeriodStart) "
            f"FROM read_parquet('{one}')) TO '{nulls}' (FORMAT parquet)"
        ).fetchall()
        assert footer_periods(con, [nulls], plain) is None
