"""DuckDB helpers: row and null counts of Parquet files, from footers or, lacking them, a scan."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costlake.kit.duck import connect, parquet_null_counts, parquet_rows

_VALUES = st.lists(st.one_of(st.none(), st.text(max_size=5)), max_size=300)


def _write(path: Path, a: list[str | None], b: list[int | None], *, statistics: bool) -> None:
    table = pa.table({"a": pa.array(a, pa.string()), "b": pa.array(b, pa.int64())})
    pq.write_table(table, path, write_statistics=statistics, row_group_size=50)


@settings(max_examples=25, deadline=None)
@given(values=_VALUES, statistics=st.booleans())
def test_counts_equal_a_scan(tmp_path_factory: pytest.TempPathFactory, values, statistics) -> None:
    folder = tmp_path_factory.mktemp("nulls")
    ints = [None if v is None else len(v) for v in reversed(values)]
    _write(folder / "one.parquet", values, ints, statistics=statistics)
    _write(folder / "two.parquet", values[:7], ints[:7], statistics=True)
    con = connect()
    try:
        got = parquet_null_counts(con, str(folder / "*.parquet"), ["a", "b", "missing"])
    finally:
        con.close()
    rows = len(values) + len(values[:7])
    expected_a = values.count(None) + values[:7].count(None)
    expected_b = ints.count(None) + ints[:7].count(None)
    assert got == {"a": expected_a, "b": expected_b, "missing": rows}


def test_files_without_statistics_are_scanned(tmp_path: Path) -> None:
    _write(tmp_path / "x.parquet", ["x", None, None], [1, 2, None], statistics=False)
    con = connect()
    try:
        stats = con.execute(
            f"SELECT count(stats_null_count) FROM parquet_metadata('{tmp_path / 'x.parquet'}')"
        ).fetchall()[0][0]
        got = parquet_null_counts(con, str(tmp_path / "x.parquet"), ["a", "b"])
    finally:
        con.close()
    assert stats == 0  # the footer really has no counts: the scan answered
    assert got == {"a": 2, "b": 1}


def test_rows_are_summed_from_the_footers(tmp_path: Path) -> None:
    _write(tmp_path / "x.parquet", ["x", None, None], [1, 2, None], statistics=False)
    _write(tmp_path / "y.parquet", ["y"] * 120, [0] * 120, statistics=True)
    con = connect()
    try:
        files = [str(tmp_path / "x.parquet"), str(tmp_path / "y.parquet")]
        assert (parquet_rows(con, files), parquet_rows(con, files[:1])) == (123, 3)
        assert parquet_rows(con, []) == 0
    finally:
        con.close()
