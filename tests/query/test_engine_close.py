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
    started = threading.Event()
    failure: list[BaseException] = []

    def long_statement() -> None:
        cur = engine.cursor()
        started.set()
        try:
            cur.execute("SELECT count(*) FROM range(100000000000) t(i) WHERE i % 7 = 3").fetchall()
        except BaseException as e:  # noqa: BLE001 - recorded for the assertion below
            failure.append(e)

    worker = threading.Thread(target=long_statement)
    worker.start()
    started.wait(5)
    time.sleep(0.2)  # the statement is under way
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
