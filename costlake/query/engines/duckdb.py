"""The embedded default engine: DuckDB reading the lake's Parquet files directly.

One DuckDB database is shared; each thread gets its own cursor (connection), so the server can
run queries on a thread pool without blocking its event loop.
"""

from __future__ import annotations

import threading
import time

import duckdb
import pyarrow as pa

from costlake.focus.scan import scan
from costlake.kit.duck import connect
from costlake.query.compile import TABLE


class DuckDBEngine:
    name = "duckdb"

    def __init__(self, *, threads: int | None = None, memory_limit: str | None = None) -> None:
        self._root = connect(threads=threads, memory_limit=memory_limit)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._cursors: dict[int, duckdb.DuckDBPyConnection] = {}

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cur = getattr(self._local, "cursor", None)
        if cur is None:
            with self._lock:
                cur = self._root.cursor()
                self._cursors[threading.get_ident()] = cur
            self._local.cursor = cur
        return cur

    def execute(self, sql: str, files: list[str]) -> pa.Table:
        cur = self.cursor()
        if not files:
            raise ValueError("no files to query")
        return cur.sql(_bind(sql, files)).to_arrow_table()

    def rows(self, sql: str, files: list[str]) -> list[dict[str, object]]:
        """Like ``execute``, as Python rows (cheaper than Arrow for small answers)."""
        if not files:
            raise ValueError("no files to query")
        result = self.cursor().execute(_bind(sql, files))
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def numbered_rows(self, sql: str, file: str) -> list[dict[str, object]]:
        relation = scan([file], options="file_row_number = true")
        result = self.cursor().execute(
            sql.replace(f"FROM {TABLE} ", f"FROM {relation} AS {TABLE} ")
        )
        names = [d[0] for d in result.description]
        return [dict(zip(names, row, strict=True)) for row in result.fetchall()]

    def interrupt_thread(self, thread_id: int) -> None:
        """Cancel whatever the given thread's cursor runs (used when a client goes away)."""
        with self._lock:
            cur = self._cursors.get(thread_id)
        if cur is not None:
            cur.interrupt()

    def close(self, *, wait: float = 10.0) -> None:
        """Close every thread's cursor and the database. A cursor still running a statement
        (a background anomaly detection, say) is interrupted first: DuckDB refuses to close
        a busy connection, and the statement notices the interrupt within milliseconds."""
        with self._lock:
            cursors = list(self._cursors.values())
            self._cursors.clear()
        for c in cursors:
            c.interrupt()
        deadline = time.monotonic() + wait
        for c in cursors:
            _close_when_free(c, deadline)
        self._root.close()


def _close_when_free(cursor: duckdb.DuckDBPyConnection, deadline: float) -> None:
    while True:
        try:
            cursor.close()
            return
        except duckdb.Error:
            if time.monotonic() > deadline:
                raise
            cursor.interrupt()
            time.sleep(0.01)


def _bind(sql: str, files: list[str]) -> str:
    """Point the relation name ``costs`` at this statement's Parquet files, in place, so the
    scan sees every filter and projection directly (``scan``: every canonical column, NULL
    where a file lacks it)."""
    relation = scan(files)
    return sql.replace(f"FROM {TABLE} ", f"FROM {relation} AS {TABLE} ")
