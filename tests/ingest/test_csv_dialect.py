"""A CSV file read with the dialect ``describe`` found (no sniffing) gives the same rows as
read with DuckDB's sniffer, and files where that does not hold are sniffed as before."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costlake.ingest import registry
from costlake.ingest.reading import Group, describe, raw_reader


def _rows(con: duckdb.DuckDBPyConnection, reader: str) -> list[tuple] | str:
    try:
        return con.execute(f"SELECT * FROM {reader}").fetchall()
    except duckdb.Error as e:
        return type(e).__name__  # the same refusal either way


def _both(path: Path) -> tuple[list[tuple] | str, list[tuple] | str]:
    con = duckdb.connect()
    cols = describe(con, path)
    assert cols.dialect is not None
    fast = _rows(con, raw_reader([path], "csv", dialect=cols.dialect))
    return fast, _rows(con, raw_reader([path], "csv"))


CASES = {
    "plain": "a,b,c\n1,x,2024-01-01\n2,y,2024-01-02\n",
    "quoted commas and line breaks": 'a,b\n1,"x, y"\n2,"two\nlines"\n3,"say ""hi"""\n',
    "quoted empty and blank": 'a,b\n1,""\n2,\n3," "\n',
    "no line break at the end": "a,b\n1,x\n2,y",
    "semicolons": "a;b;c\n1;x,y;3\n",
    "tabs": "a\tb\n1\tx y\n",
    "byte order mark": "\ufeffa,b\n1,x\n",
    "empty lines": "a,b\n1,x\n\n2,y\n",
    "a title line before the header": "Cost report\na,b,c\n1,x,y\n2,z,w\n",
    "duplicate and quoted names": '"a","a","b c"\n1,2,3\n',
    "ragged rows": "a,b\n1,x\n2\n",
}


@pytest.mark.parametrize("text", CASES.values(), ids=CASES.keys())
def test_the_dialect_reads_what_the_sniffer_reads(tmp_path: Path, text: str) -> None:
    path = tmp_path / "f.csv"
    path.write_text(text, encoding="utf-8")
    fast, sniffed = _both(path)
    assert fast == sniffed


def test_a_quoted_field_after_the_sniffers_sample_is_read(tmp_path: Path) -> None:
    """DuckDB's sniffer, seeing no quote in its 20,480 rows, reads without one and refuses
    the line; the dialect reads it with RFC 4180's quote (a bare quote inside a field too)."""
    path = tmp_path / "f.csv"
    path.write_text("a,b\n" + '1,Dell 24" monitor\n' + "1,x\n" * 25_000 + '2,"late, ""quoted"""\n')
    fast, sniffed = _both(path)
    assert sniffed == "InvalidInputException"
    assert isinstance(fast, list) and len(fast) == 25_002
    assert fast[0] == ("1", 'Dell 24" monitor')
    assert fast[-1] == ("2", 'late, "quoted"')


def test_a_gzip_file(tmp_path: Path) -> None:
    path = tmp_path / "f.csv.gz"
    path.write_bytes(gzip.compress(b'a,b\n1,"x, y"\n2,z\n'))
    fast, sniffed = _both(path)
    assert fast == sniffed == [("1", "x, y"), ("2", "z")]


def test_a_crlf_file_is_sniffed_on_each_read(tmp_path: Path) -> None:
    """DuckDB 2.0 reads no row of a CRLF file given its dialect in strict mode."""
    path = tmp_path / "f.csv"
    path.write_bytes(b"a,b\r\n1,x\r\n2,y\r\n")
    con = duckdb.connect()
    cols = describe(con, path)
    assert cols.dialect is None
    assert con.execute(f"SELECT count(*) FROM {raw_reader([path], 'csv')}").fetchall() == [(2,)]


def test_files_in_another_column_order_are_sniffed(tmp_path: Path) -> None:
    con = duckdb.connect()
    first, second, third = tmp_path / "1.csv", tmp_path / "2.csv", tmp_path / "3.csv"
    first.write_text("a,b\n1,x\n")
    second.write_text("a,b\n2,y\n")
    third.write_text("b,a\nz,3\n")
    adapter = registry.get("focus")
    group = Group(adapter, "csv")
    for path in (first, second):
        group.add(path, describe(con, path))
    assert group.dialect is not None
    group.add(third, describe(con, third))
    assert group.dialect is None
    rows = con.execute(f"SELECT a, b FROM {raw_reader(group.paths, 'csv')} ORDER BY a").fetchall()
    assert rows == [("1", "x"), ("2", "y"), ("3", "z")]


_cell = st.one_of(
    st.none(),
    st.text(alphabet=st.sampled_from(list('ab ,"\n;x1.')), max_size=6),
)


@settings(max_examples=40, deadline=None)
@given(
    width=st.integers(1, 4),
    rows=st.lists(st.lists(_cell, min_size=4, max_size=4), min_size=1, max_size=8),
)
def test_any_table_written_by_pythons_csv(width: int, rows: list[list[str | None]]) -> None:
    import tempfile

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"c{i}" for i in range(width)])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row[:width]])
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        con = duckdb.connect()
        try:
            cols = describe(con, path)
        except Exception:
            return  # a table the sniffer cannot settle on is refused either way
        if cols.dialect is None:
            return
        fast = _rows(con, raw_reader([path], "csv", dialect=cols.dialect))
        assert fast == _rows(con, raw_reader([path], "csv"))
