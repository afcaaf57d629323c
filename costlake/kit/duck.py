"""DuckDB connections configured the way costlake needs them (UTC, bounded threads)."""

from __future__ import annotations

import os

import duckdb


def connect(
    *, threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with UTC as its time zone."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    if threads or os.environ.get("COSTLAKE_DUCKDB_THREADS"):
        con.execute(f"SET threads = {int(threads or os.environ['COSTLAKE_DUCKDB_THREADS'])}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return con
