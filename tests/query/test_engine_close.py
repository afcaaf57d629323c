"""Closing the embedded engine while another thread's statement runs (a background anomaly
detection when the server stops) interrupts that statement instead of failing."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from costlake.query.engines.duckdb import DuckDBEngine


def test_close_interrupts_a_statement_still_running_in_another_thread() -> None:
    engine = DuckDBEngine(threads=1)
    ready: list[duckdb.DuckDBPyConnection] = []
    failure: list[BaseException] = []

    def long_statement() -> None:
        cur = engine.cursor()
        # DuckDB reports a statement's progress (>= 0) only with the progress bar on.
        cur.execute("SET enable_progress_bar = true")
        cur.execute("SET enable_progress_bar_print = false")
        ready.append(cur)
        try:
            cur.execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3").fetchall()
        except BaseException as e:  # noqa: BLE001 - recorded for the assertion below
            failure.append(e)

    worker = threading.Thread(target=long_statement)
    worker.start()
    deadline = time.monotonic() + 10
    while (not ready or ready[0].query_progress() < 0) and time.monotonic() < deadline:
        time.sleep(0.005)  # until the statement is under way
    engine.close()
    worker.join(10)
    assert not worker.is_alive()
    assert failure and isinstance(failure[0], duckdb.InterruptException)


def test_an_idle_engine_closes_and_refuses_further_statements() -> None:
    engine = DuckDBEngine(threads=1)
    engine.cursor().execute("SELECT 1").fetchall()
    engine.close()
    with pytest.raises(duckdb.Error):
        engine.cursor().execute("SELECT 1")
