"""Export: an org's lake (or a time range of it) as one FOCUS dataset file, Parquet or CSV.

    snapshot files --read_parquet--> SELECT <FOCUS columns, formatted> WHERE range
                   --COPY--> <out>.tmp --rename--> <out>

DuckDB streams the rows from the lake's Parquet files to the output; nothing passes through
Python, so exports of any size run in bounded memory. The file appears complete or not at all.

The output follows what FOCUS and the FinOps Foundation's ``focus-validator`` expect (see
docs/export.md):

- only the columns of the chosen FOCUS version (1.2 leaves out the 1.3 additions), plus our
  ``x_`` columns unless asked not to;
- ``Tags`` (and 1.3's ``AllocatedTags``) as JSON object text, as the lake stores them (never
  a Parquet map, which the validator cannot read as key-value JSON);
- Parquet: exact ``DECIMAL(38, 18)`` money, timestamps marked as UTC instants;
- CSV: timestamps as ISO 8601 UTC ``2024-09-01T00:00:00Z`` (fractional seconds only when there
  are any), decimals in plain notation (``0.0000008``, ``2.0``: no exponent, no padding, always
  a fraction), NULL as an empty field (an empty string is written as ``""``).

Every column of the version is written even when no row has a value for it: the validator
fails a dataset that lacks a recommended or conditional column just as it fails one whose
column is NULL where FOCUS wants a value, and an absent column would also make the file's
shape depend on the data.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa

from costlake.errors import CostlakeError, InvalidInput, NotFound
from costlake.focus.scan import scan
from costlake.focus.schema import COLUMNS, Column
from costlake.kit.duck import connect, first_row_reporting
from costlake.kit.sql import ident, lit
from costlake.lake.store import Lake, LakeSnapshot, check_name

FileFormat = Literal["parquet", "csv"]
FocusVersion = Literal["1.2", "1.3"]

FILE_FORMATS: tuple[str, ...] = ("parquet", "csv")
FOCUS_VERSIONS: tuple[str, ...] = ("1.2", "1.3")

ProgressCallback = Callable[[int], None]
"""Called with the (estimated) number of rows written so far."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    rows: int
    files: tuple[Path, ...]
    seconds: float
    columns: tuple[str, ...] = ()
    """The columns written, in file order."""

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


def focus_columns(focus_version: str, *, include_x_columns: bool = True) -> tuple[Column, ...]:
    """The canonical columns an export for ``focus_version`` carries, in schema order."""
    if focus_version not in FOCUS_VERSIONS:
        raise InvalidInput(
            f"FOCUS version {focus_version!r} is not supported for export: "
            f"use {' or '.join(FOCUS_VERSIONS)}"
        )
    wanted = _version(focus_version)
    return tuple(
        c
        for c in COLUMNS
        if (include_x_columns if c.since == "costlake" else _version(c.since) <= wanted)
    )


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def export_focus(
    lake: Lake,
    org: str,
    out: Path,
    *,
    file_format: FileFormat = "parquet",
    focus_version: FocusVersion = "1.2",
    start: datetime | None = None,
    end: datetime | None = None,
    include_x_columns: bool = True,
    progress: ProgressCallback | None = None,
    threads: int | None = None,
) -> ExportResult:
    """Write the org's charges starting in [start, end) to ``out`` as a FOCUS dataset.

    ``start``/``end`` are UTC (naive values are taken as UTC; either may be omitted).
    """
    started = time.perf_counter()
    if file_format not in FILE_FORMATS:
        raise InvalidInput(f"export format {file_format!r} is not supported: use parquet or csv")
    columns = focus_columns(focus_version, include_x_columns=include_x_columns)
    start, end = _utc(start), _utc(end)
    if start is not None and end is not None and start >= end:
        raise InvalidInput(f"the range is empty: start {start} is not before end {end}")
    if check_name("org", org) not in lake.orgs():
        raise NotFound(f"org {org!r} has no data in the lake")
    snapshot = lake.snapshot(org)
    files = snapshot.files(start, end)
    estimate = _estimate(snapshot, start, end)
    out = Path(out)
    if out.is_dir():
        raise InvalidInput(f"{out} is a folder: give the path of the file to write")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise CostlakeError(f"cannot create the folder for {out}: {e}") from e
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.tmp")
    con = connect(threads=threads)
    try:
        source = scan(files)  # every canonical column, NULL where a file lacks one
        where = _where(start, end)
        select = ",\n  ".join(f"{_value(c, file_format)} AS {ident(c.name)}" for c in columns)
        sql = (
            f"COPY (SELECT\n  {select}\nFROM {source} AS lake{where}) "
            f"TO {lit(str(tmp))} ({_copy_options(file_format, out)})"
        )
        with _cleanup_on_error(tmp):
            try:
                rows = _run_with_progress(con, sql, estimate, progress)
                os.replace(tmp, out)
            except (OSError, duckdb.IOException) as e:
                raise CostlakeError(f"cannot write {out}: {e}") from e
            except duckdb.Error as e:
                raise CostlakeError(f"export of org {org!r} failed: {e}") from e
    finally:
        con.close()
    return ExportResult(
        rows=rows,
        files=(out,),
        seconds=time.perf_counter() - started,
        columns=tuple(c.name for c in columns),
    )


def estimate_rows(
    lake: Lake, org: str, start: datetime | None = None, end: datetime | None = None
) -> int:
    """Rows of the partitions an export of [start, end) reads: exact without a range, an upper
    bound with one (partitions are whole billing periods). From the manifest, no data read."""
    return _estimate(lake.snapshot(org), _utc(start), _utc(end))


def _estimate(snapshot: LakeSnapshot, start: datetime | None, end: datetime | None) -> int:
    return sum(p.rows for p in snapshot.partitions if p.overlaps(start, end))


def _utc(value: datetime | None) -> datetime | None:
    """The lake stores naive UTC: convert aware datetimes, take naive ones as UTC already."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def _where(start: datetime | None, end: datetime | None) -> str:
    """Charges starting in [start, end): the same half-open range cost queries use."""
    conditions = []
    if start is not None:
        conditions.append(f"ChargePeriodStart >= TIMESTAMP {lit(start.isoformat(sep=' '))}")
    if end is not None:
        conditions.append(f"ChargePeriodStart < TIMESTAMP {lit(end.isoformat(sep=' '))}")
    return f"\nWHERE {' AND '.join(conditions)}" if conditions else ""


def _value(column: Column, file_format: str) -> str:
    """The SQL for one output column: the lake value in the representation FOCUS wants."""
    name = ident(column.name)
    t = column.type
    if pa.types.is_timestamp(t):
        if file_format == "parquet":
            return f"CAST({name} AS TIMESTAMPTZ)"
        return (
            f"CASE WHEN date_trunc('second', {name}) = {name} "
            f"THEN strftime({name}, '%Y-%m-%dT%H:%M:%SZ') "
            f"ELSE strftime({name}, '%Y-%m-%dT%H:%M:%S.%fZ') END"
        )
    if pa.types.is_decimal(t) and file_format == "csv":
        return plain_decimal(name)
    return name


def plain_decimal(sql: str) -> str:
    """Decimal text without exponent or padding, but always with a fraction: ``1.5``, ``2.0``.

    DuckDB never writes a DECIMAL with an exponent; the scale's trailing zeros are trimmed. One
    fractional digit stays because CSV has no types: readers (the FOCUS validator among them)
    take a column of ``2``, ``0`` as integers, and FOCUS wants these columns decimal.
    """
    text = f"CAST({sql} AS VARCHAR)"
    trimmed = f"regexp_replace({text}, '(\\.[0-9]*?)0+$', '\\1')"
    return (
        f"CASE WHEN {text} NOT LIKE '%.%' THEN {text} || '.0' "
        f"ELSE regexp_replace({trimmed}, '\\.$', '.0') END"
    )


def _copy_options(file_format: str, out: Path) -> str:
    if file_format == "parquet":
        return "FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880"
    name = out.name.lower()
    compression = "gzip" if name.endswith(".gz") else "zstd" if name.endswith(".zst") else "none"
    return (
        f"FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', "
        f"NULLSTR '', COMPRESSION {compression}"
    )


@contextlib.contextmanager
def _cleanup_on_error(tmp: Path) -> Iterator[None]:
    try:
        yield
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _run_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, estimate: int, progress: ProgressCallback | None
) -> int:
    """Run the COPY; while it runs, report DuckDB's progress as rows of the estimate."""
    report = None if progress is None else (lambda f: progress(int(f * estimate)))
    rows = _rows(first_row_reporting(con, sql, report))
    if progress is not None:
        progress(rows)
    return rows


def _rows(result: tuple[object, ...] | None) -> int:
    assert result is not None
    return int(result[0])  # type: ignore[call-overload]
