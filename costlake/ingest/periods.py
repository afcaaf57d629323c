"""Writing a group's converted rows into one folder per billing period.

A text export (CSV, JSON lines) is parsed once and written in chunks of a few row groups;
each chunk goes to its period's folder by its footer's statistics, and only a chunk that
holds more than one period is read again and split (``write_chunked``, 0012). Parquet
input is written one period at a time by the pipeline, with ``month_range`` as the filter
DuckDB pushes into the scan.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from costlake.ingest.connection import ProgressCallback, per_core, run_with_progress
from costlake.ingest.sql import ident, lit
from costlake.lake.store import PARQUET_OPTIONS

PERIOD = "strftime(\"BillingPeriodStart\", '%Y-%m')"
CHUNK_ROW_GROUPS = 1
"""Row groups per file when a CSV or JSON group is written (``write_chunked``): one,
about 123,000 rows, so only the row group across a month's end is written again. Two
rewrote twice the rows (10M-row Azure CSV of seven periods: 36.5 against 37.1 s, best of
three); a single-period file is no slower (0016)."""


def write_chunked(
    con: duckdb.DuckDBPyConnection,
    select: str,
    out: Path,
    progress: ProgressCallback | None,
    written: Callable[[list[str]], None] | None = None,
) -> int:
    """A group read once (CSV, JSON lines), written in chunks of a few row groups, each
    chunk then moved into its billing period's folder by its footer's statistics.

    Exports are written in time order, so nearly every chunk holds one period and
    is moved as it is; only a chunk holding rows of two periods (or a NULL one) is read
    again and split. Before, the group went to one file that was split whole when it
    held more than one period: a second read and write of every row (10 of 57 s for a
    10M-row Azure CSV of seven billing periods). DuckDB's ``PARTITION_BY`` write costs
    more than both (0010, 0012). Rows in any order come out the same, only slower."""
    chunks = out / "__chunks"
    out.mkdir(parents=True, exist_ok=True)
    n = run_with_progress(
        con,
        f"COPY ({select}) TO {lit(str(chunks))} "
        f"({PARQUET_OPTIONS}, ROW_GROUPS_PER_FILE {CHUNK_ROW_GROUPS})",
        progress,
    )
    if written is not None:
        written(sorted(str(f) for f in chunks.glob("*.parquet")))
    mixed: list[str] = []
    for i, (path, periods, nulls, rows) in enumerate(chunk_periods(con, chunks)):
        if rows == 0:
            continue
        if len(periods) == 1 and not nulls:
            target = out / f"__period={periods[0]}"
            target.mkdir(exist_ok=True)
            Path(path).rename(target / f"data_{i}.parquet")
        else:
            mixed.append(path)
    if mixed:
        listing = f"read_parquet([{', '.join(lit(m) for m in mixed)}])"
        split = [r[0] for r in con.execute(f"SELECT DISTINCT {PERIOD} FROM {listing}").fetchall()]
        jobs = []
        start = ident("BillingPeriodStart")
        for p in split:
            where = f"{start} IS NULL" if p is None else month_range(start, p)
            target = out / f"__period={p or 'unknown'}"
            target.mkdir(exist_ok=True)
            jobs.append(
                f"COPY (SELECT * FROM {listing} WHERE {where}) "
                f"TO {lit(str(target / 'split.parquet'))} ({PARQUET_OPTIONS})"
            )
        per_core(con, lambda cur, sql: cur.execute(sql).fetchall(), jobs)
    shutil.rmtree(chunks, ignore_errors=True)
    return n


def chunk_periods(
    con: duckdb.DuckDBPyConnection, folder: Path
) -> list[tuple[str, list[str], bool, int]]:
    """Each Parquet file in ``folder``: its path, the billing periods its
    ``BillingPeriodStart`` statistics span (first and last), whether that column may hold
    a NULL (or has no statistics), and its rows; read from the footers alone."""
    files = sorted(str(f) for f in folder.glob("*.parquet"))
    groups: dict[str, list[_RowGroup]] = {f: [] for f in files}
    for group in _row_group_months(con, files, "BillingPeriodStart"):
        groups[group[0]].append(group)
    result = []
    for f in files:
        los = [g[1] for g in groups[f] if g[1] is not None]
        his = [g[2] for g in groups[f] if g[2] is not None]
        known = len(los) == len(his) == len(groups[f]) > 0
        periods = sorted({min(los), max(his)}) if known else []
        unsure = not known or any(g[3] is None or g[3] > 0 for g in groups[f])
        result.append((f, periods, unsure, sum(g[4] for g in groups[f])))
    return result


def footer_periods(
    con: duckdb.DuckDBPyConnection, paths: Sequence[Path], start_sql: str
) -> list[str] | None:
    """The billing periods of Parquet ``paths`` from their footers alone, when an adapter
    reads ``BillingPeriodStart`` as a plain column (``start_sql`` a cast of it) and every
    row group has statistics for it and no NULLs; else None (the caller scans the column:
    0.02 s per 1M rows, 0.24 s per 10M, where the footers take 0.004-0.05 s). A row group
    across a month's end counts every month from its least to its greatest value; a
    month without rows (statistics may be loose bounds) only makes a COPY that writes none.
    With one period, every row of the files is in it."""
    m = _PLAIN_COLUMN.fullmatch(start_sql)
    if m is None:
        return None
    groups = _row_group_months(con, [str(p) for p in paths], m.group(1).replace('""', '"'))
    if not groups:
        return None
    found: set[str] = set()
    for _, lo, hi, nulls, count in groups:
        if count == 0:
            continue
        first, last = lo or "", hi or ""
        plain = _MONTH.fullmatch(first) and _MONTH.fullmatch(last) and first <= last
        if nulls is None or nulls > 0 or not plain:
            return None
        found.update(_months(first, last))
    return sorted(found) or None


_RowGroup = tuple[str, str | None, str | None, int | None, int]


def _row_group_months(
    con: duckdb.DuckDBPyConnection, files: list[str], column: str
) -> list[_RowGroup]:
    """Every row group of ``files``: its file, the months (``YYYY-MM``) of ``column``'s least
    and greatest value by its statistics (None without statistics or without the column),
    its count of NULLs there (None: not known), its rows. One read of the footers."""
    if not files:
        return []
    on = "FILTER (WHERE path_in_schema = $column)"
    return con.execute(
        f"SELECT file_name, "
        f"strftime(TRY_CAST(any_value(stats_min) {on} AS TIMESTAMP), '%Y-%m'), "
        f"strftime(TRY_CAST(any_value(stats_max) {on} AS TIMESTAMP), '%Y-%m'), "
        f"any_value(stats_null_count) {on}, any_value(row_group_num_rows) "
        "FROM parquet_metadata($files) GROUP BY file_name, row_group_id "
        "ORDER BY file_name, row_group_id",
        {"files": files, "column": column},
    ).fetchall()


def _months(first: str, last: str) -> list[str]:
    """Every ``YYYY-MM`` from ``first`` to ``last``, both included."""
    year, month = (int(x) for x in first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return out


_MONTH = re.compile(r"\d{4}-\d{2}")
_PLAIN_COLUMN = re.compile(r'CAST\("((?:[^"]|"")+)" AS TIMESTAMP\)')


def month_range(ts_sql: str, period: str) -> str:
    """``ts_sql`` within the calendar month ``YYYY-MM``, as a range DuckDB can push into the
    Parquet scan (row groups outside it are skipped by their statistics)."""
    year, month = (int(x) for x in period.split("-"))
    nxt = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
    return f"{ts_sql} >= TIMESTAMP '{year:04d}-{month:02d}-01' AND {ts_sql} < TIMESTAMP '{nxt}'"
