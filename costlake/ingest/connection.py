"""DuckDB connections for ingest, and running statements on them: with progress, or one
per core."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import duckdb

from costlake.ingest.sql import MACROS
from costlake.kit.duck import connect, first_row_reporting

_T = TypeVar("_T")
_R = TypeVar("_R")

ProgressCallback = Callable[[float, int], None]
"""Called with (fraction done 0..1, estimated rows done) while an ingest runs."""


def ingest_connection(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection set up for ingest.

    Enrichers join line items to small lookup tables. A period-filtered Parquet scan is
    estimated at one row, and DuckDB would then swap the join sides and hash the whole
    line-item stream (2-4x slower); the plan as written is the right one here.

    DuckDB also turns ``x IN (<more than a few constants>)`` into a join to a table of the
    constants: an adapter's enumerations (a CUR line's type, tested in eighteen places)
    became eighteen hash probes of every row (0.05 CPU-s each per 1M rows), twice the cost
    of comparing.
    """
    return configured(connect(threads=threads))


def configured(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Settings every ingest connection and cursor needs (cursors don't inherit them).

    A CSV used to be written with ``PARTITION_BY`` (10.4 GB resident for a 10M-row Azure
    CSV at DuckDB's default flush threshold); it is now one plain write split afterwards
    (``periods.write_chunked``). Only commitments files, which are small, still use it."""
    con.execute("SET disabled_optimizers = 'build_side_probe_side,in_clause'")
    # An ingest reads the footers of the files it has just written several times (null
    # counts, statistics, rows, the rollups' bound); the connection is the ingest's own.
    con.execute("SET parquet_metadata_cache = true")
    for macro in MACROS:
        con.execute(macro)
    return con


def per_core(
    con: duckdb.DuckDBPyConnection,
    fn: Callable[[duckdb.DuckDBPyConnection, _T], _R],
    items: list[_T],
) -> list[_R]:
    """``fn(cursor, item)`` for every item, in order of ``items``.

    With at least two items, each runs on its own cursor, as many at once as there are
    cores, and DuckDB gives each query a single thread: one period is a few row groups,
    and splitting its COPY over threads costs more CPU than it wins (up to 60% more for
    a plain conversion, which has no joins to share). With one item, the query gets every
    core instead.
    """
    # The connection's threads: every core, unless the caller or
    # COSTLAKE_DUCKDB_THREADS asked for fewer.
    cores = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
    if len(items) <= 1 or cores <= 1:
        return [fn(con, item) for item in items]
    from concurrent.futures import ThreadPoolExecutor

    con.execute("SET threads = 1")

    def run(item: _T) -> _R:
        cur = configured(con.cursor())
        try:
            return fn(cur, item)
        finally:
            cur.close()

    try:
        with ThreadPoolExecutor(max_workers=min(len(items), cores)) as pool:
            return list(pool.map(run, items))
    finally:
        con.execute(f"SET threads = {cores}")


def run_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, progress: ProgressCallback | None
) -> int:
    """Run a COPY, reporting DuckDB's own progress estimate while it runs."""
    report = None if progress is None else (lambda f: progress(f, -1))
    n = int(first_row_reporting(con, sql, report)[0])  # type: ignore[call-overload]
    if progress is not None:
        progress(1.0, n)
    return n
