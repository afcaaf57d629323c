"""DuckDB connections configured the way costlake needs them (UTC, bounded threads)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import duckdb


def connect(
    *, threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB connection with UTC as its time zone; ``threads`` unset means one
    per core (callers pass ``Settings.duckdb_threads`` or ``query_threads``)."""
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    if memory_limit:
        con.execute(f"SET memory_limit = '{memory_limit}'")
    return con


def first_row_reporting(
    con: duckdb.DuckDBPyConnection, sql: str, report: Callable[[float], None] | None
) -> tuple[object, ...]:
    """Run one statement (a COPY) and return its first row; while it runs, ``report`` gets
    DuckDB's own progress estimate (0..1) every 0.2 s, best effort."""
    if report is None:
        return tuple(con.execute(sql).fetchall()[0])
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            try:
                p = con.query_progress()
            except Exception:  # noqa: BLE001 - progress is best effort
                continue
            if p is not None and p >= 0:
                report(min(p / 100.0, 1.0))

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    try:
        return tuple(con.execute(sql).fetchall()[0])
    finally:
        done.set()
        t.join()


def parquet_rows(con: duckdb.DuckDBPyConnection, files: Sequence[str]) -> int:
    """Rows in the Parquet ``files``, from their footers (nothing else is read)."""
    if not files:
        return 0
    return int(
        con.execute(
            "SELECT coalesce(sum(num_rows), 0) FROM parquet_file_metadata($files)",
            {"files": [str(f) for f in files]},
        ).fetchall()[0][0]
    )


def parquet_null_counts(
    con: duckdb.DuckDBPyConnection, files: str, columns: Sequence[str]
) -> dict[str, int]:
    """How many NULLs each of ``columns`` (top-level) holds in the Parquet ``files`` (a path
    or glob), read from the footers' statistics; a column some footer has no count for is
    scanned instead. Columns missing from the files count as all rows."""
    listing = "'" + files.replace("'", "''") + "'"
    counted = {
        name: (int(nulls or 0), bool(complete))
        for name, nulls, complete in con.execute(
            "SELECT path_in_schema, sum(stats_null_count), "
            f"bool_and(stats_null_count IS NOT NULL) FROM parquet_metadata({listing}) GROUP BY 1"
        ).fetchall()
    }
    scan = f"read_parquet({listing}, hive_partitioning = false, union_by_name = true)"
    result: dict[str, int] = {}
    for name in columns:
        nulls, complete = counted.get(name, (0, False))
        if not complete:
            quoted = '"' + name.replace('"', '""') + '"'
            present = name in counted
            sql = (
                f"SELECT count(*) FILTER (WHERE {quoted} IS NULL) FROM {scan}"
                if present
                else f"SELECT count(*) FROM {scan}"
            )
            nulls = int(con.execute(sql).fetchall()[0][0])
        result[name] = nulls
    return result
