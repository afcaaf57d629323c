"""Opening raw billing files, and saying what is wrong with one: which file, row and column.

``describe`` reads a file's columns from its header or schema; ``raw_reader`` is the DuckDB
table function that streams it. When a copy fails, ``explain`` turns DuckDB's error into one
naming the file, row and column; ``check_required`` reads the written files' footers for
empty required columns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from costlake.errors import MalformedFile
from costlake.focus.schema import COLUMNS, duckdb_type
from costlake.ingest import files
from costlake.ingest.base import Adapter, RawColumns
from costlake.ingest.canonical import FIXED_COLUMNS
from costlake.ingest.files import file_format_of
from costlake.ingest.sql import lit
from costlake.kit.duck import parquet_null_counts


@dataclass(slots=True)
class Group:
    """Files read together: same adapter, same file kind, same source.

    ``dialect`` is the CSV dialect its files share (``describe``), or None when they differ
    (their columns in another order, another delimiter) and each is sniffed again."""

    adapter: Adapter
    file_format: str
    paths: list[Path] = field(default_factory=list)
    columns: RawColumns | None = None
    dialect: str | None = None

    def add(self, path: Path, columns: RawColumns) -> None:
        if not self.paths:
            self.dialect = columns.dialect
        elif columns.dialect != self.dialect:
            self.dialect = None
        self.paths.append(path)


def raw_reader(
    paths: Sequence[Path],
    file_format: str,
    null_strings: Sequence[str] = ("",),
    *,
    all_varchar: bool = True,
    dialect: str | None = None,
) -> str:
    """The table function reading ``paths``. Given the ``dialect`` their CSV files share
    (``describe``), it is read without DuckDB's sniffer, which reads the file's first
    20,480 rows again for each read: 0.1 s a read, and an ingest reads a CSV twice (its
    carbon sample and the copy) after ``describe`` (0013)."""
    files = "[" + ", ".join(lit(str(p)) for p in paths) + "]"
    if file_format == "parquet":
        return f"read_parquet({files}, union_by_name = true)"
    if file_format == "json":
        return f"read_json_auto({files}, union_by_name = true, format = 'newline_delimited')"
    nulls = "[" + ", ".join(lit(n) for n in null_strings) + "]"
    if dialect is not None and all_varchar:
        return (
            f"read_csv({files}, header = true, nullstr = {nulls}, strict_mode = true, "
            f"auto_detect = false, {dialect})"
        )
    return (
        f"read_csv({files}, header = true, all_varchar = {str(all_varchar).lower()}, "
        f"nullstr = {nulls}, union_by_name = true, strict_mode = true, "
        "sample_size = 20480)"
    )


def describe(con: duckdb.DuckDBPyConnection, path: Path) -> RawColumns:
    """The columns of one raw file, read from its header or schema only; for a CSV file,
    also the dialect DuckDB's sniffer found, so later reads need not sniff again."""
    if not path.exists():
        raise MalformedFile("no such file or folder", path=str(path))
    kind = file_format_of(path)
    files.check_readable(path, kind)
    if kind == "csv":
        return _describe_csv(con, path)
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {raw_reader([path], kind)}").fetchall()
    except duckdb.Error as e:
        raise unreadable(path, kind, e) from None
    return RawColumns(types={r[0]: r[1] for r in rows}, file_format=kind)


def _describe_csv(con: duckdb.DuckDBPyConnection, path: Path) -> RawColumns:
    try:
        delim, quote, escape, new_line, comment, skip, columns = (
            con.execute(
                "SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, Columns "
                f"FROM sniff_csv({lit(str(path))}, header = true, all_varchar = true, "
                "strict_mode = true, sample_size = 20480)"
            ).fetchone()
            or (None,) * 7
        )
    except duckdb.Error as e:
        raise unreadable(path, "csv", e) from None
    names = [c["name"].lstrip("\ufeff") for c in columns or []]
    if len(names) <= 1 or any("," in name for name in names):
        # The sniffer settled on another delimiter: often a last line cut off mid-row.
        cut = files.truncation(path)
        if cut is not None:
            raise cut
    types = dict.fromkeys(names, "VARCHAR")
    if new_line != "\\n":
        # DuckDB 2.0 reads no row at all of a CRLF file given its dialect in strict mode
        # (auto_detect = false): such files are sniffed on each read, as before.
        return RawColumns(types=types, file_format="csv")

    def option(value: str) -> str:
        return lit("" if value == "(empty)" else value)

    if quote == "(empty)" and escape == "(empty)":
        # The sniffer saw no quoted field in its sample (20,480 rows): a quoted field after
        # it would be split at its delimiters and the read refused. RFC 4180's quote reads
        # a file without quoted fields the same, a quote inside a field included.
        quote = escape = '"'

    spec = ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names)
    dialect = (
        f"delim = {option(delim)}, quote = {option(quote)}, escape = {option(escape)}, "
        f"new_line = {option(new_line)}, comment = {option(comment)}, skip = {int(skip)}, "
        f"columns = {{{spec}}}"
    )
    return RawColumns(types=types, file_format="csv", dialect=dialect)


def unreadable(path: Path, kind: str, e: duckdb.Error) -> MalformedFile:
    """One line for a file DuckDB cannot open: truncated CSV or Parquet said as such."""
    if kind == "parquet":
        return files.not_parquet(path)
    cut = files.truncation(path) if kind == "csv" else None
    return cut or MalformedFile(f"cannot read as {kind}: {short(e)}", path=str(path))


def unreadable_group(group: Group, e: duckdb.Error) -> MalformedFile | None:
    """A failure while copying that is one file's damage: a CSV cut off mid-line, or a
    Parquet file DuckDB cannot decode (named when the group is that one file)."""
    if group.file_format == "csv":
        return next(filter(None, map(files.truncation, group.paths)), None)
    # Decoding failures surface as IO, invalid-input or bare errors (Thrift's "Invalid
    # data"); a SQL or conversion error is the adapter's, not the file's.
    damage = isinstance(e, duckdb.IOException | duckdb.InvalidInputException) or (
        type(e) is duckdb.Error
    )
    if group.file_format == "parquet" and len(group.paths) == 1 and damage:
        return unreadable(group.paths[0], "parquet", e)
    return None


def short(e: Exception) -> str:
    """DuckDB's message without its SQL echo (``LINE 1: ...`` and the caret line)."""
    lines = [line.strip() for line in str(e).strip().splitlines()]
    kept = [line for line in lines if line and not line.startswith("LINE ") and set(line) != {"^"}]
    text = " ".join(kept[:6])
    return re.sub(r"^\w+ Error: ", "", text)[:600]


def check_required(con: duckdb.DuckDBPyConnection, group: Group, reader: str, out: Path) -> None:
    """Refuse the group if a column FOCUS requires is empty in any row it wrote.

    The Parquet writer counts each column's nulls in the file footer, so this reads
    footers instead of testing every value of every required column while it copies
    (a tenth of the copy's CPU on FOCUS Parquet); a column without counts is scanned.
    """
    if not any(out.rglob("*.parquet")):
        return
    assert group.columns is not None
    exprs = group.adapter.select(group.columns)
    required = [
        c.name for c in COLUMNS if not c.nullable and (c.name in exprs or c.name in FIXED_COLUMNS)
    ]
    nulls = parquet_null_counts(con, str(out / "**" / "*.parquet"), required)
    for name in required:
        if nulls[name]:
            row = first_bad_row(con, group, reader, name)
            detail = f"{name} is empty, and FOCUS requires a value"
            if row is not None and group.file_format == "csv":
                detail += f" (line {row + 1} of the file)"
            path = ", ".join(map(str, group.paths))
            raise MalformedFile(detail, path=path, row=row, column=name)


def explain(
    con: duckdb.DuckDBPyConnection, group: Group, reader: str, error: duckdb.Error
) -> MalformedFile:
    """Turn a DuckDB failure into an error naming the file, row and column."""
    path = str(group.paths[0]) if len(group.paths) == 1 else ", ".join(map(str, group.paths))
    message = short(error)
    m = re.search(r"cannot read (.*) as (\w+)", message) or re.search(
        r"(\w+) is empty, and FOCUS requires a value", message
    )
    if not m:
        return unreadable_group(group, error) or MalformedFile(message, path=path)
    column = m.group(2) if m.re.groups == 2 else m.group(1)
    row = first_bad_row(con, group, reader, column)
    detail = (
        f"value {m.group(1)} is not a valid {column}"
        if m.re.groups == 2
        else f"{column} is empty, and FOCUS requires a value"
    )
    if row is not None and group.file_format == "csv":
        detail += f" (line {row + 1} of the file)"
    return MalformedFile(detail, path=path, row=row, column=column)


def first_bad_row(
    con: duckdb.DuckDBPyConnection, group: Group, reader: str, column: str
) -> int | None:
    assert group.columns is not None
    exprs = group.adapter.select(group.columns)
    e = exprs.get(column)
    col = next(c for c in COLUMNS if c.name == column)
    if e is None:
        return None
    value = f"CAST({e.sql} AS {duckdb_type(col)})"
    cond = f"({value}) IS NULL" + (f" AND ({e.raw}) IS NOT NULL" if e.raw else "")
    try:
        rows = con.execute(
            f"SELECT n FROM (SELECT row_number() OVER () AS n, {cond} AS bad "
            f"FROM {reader} AS raw) WHERE bad ORDER BY n LIMIT 1"
        ).fetchall()
    except duckdb.Error:
        return None
    return int(rows[0][0]) if rows else None
