"""Blocking work runs off the event loop, and a client that goes away cancels its query."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from starlette.requests import Request

from costlake.config import Settings
from costlake.dialects.runner import run_blocking
from costlake.errors import QueryCancelled
from costlake.platform import Platform
from tests.query.conftest import focus_rows

ENDLESS = "SELECT count(*) FROM range(1000000000000) t(i) WHERE i % 7 = 3"


class _App:
    def __init__(self, platform: Platform) -> None:
        self.state = type("State", (), {"platform": platform})()


def request_for(platform: Platform, disconnect_after: float) -> Request:
    """A real ASGI request whose client disconnects after ``disconnect_after`` seconds."""
    started = time.monotonic()

    async def receive() -> dict[str, object]:
        remaining = disconnect_after - (time.monotonic() - started)
        if remaining > 0:
            await asyncio.sleep(remaining)
        return {"type": "http.disconnect"}

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [],
        "query_string": b"",
        "app": _App(platform),
    }
    return Request(scope, receive)


@pytest.fixture
def platform(tmp_path: Path) -> Platform:
    p = Platform.start(Settings(home=tmp_path))
    data = tmp_path / "d.parquet"
    pq.write_table(focus_rows(1, 10), data)
    p.ingestor().ingest([data], org="acme", source="s")
    yield p
    p.close()


def test_a_disconnected_client_cancels_its_query(platform: Platform) -> None:
    files = platform.lake.snapshot("acme").files()

    async def scenario() -> float:
        request = request_for(platform, disconnect_after=0.3)
        started = time.monotonic()
        with pytest.raises(QueryCancelled):
            await run_blocking(request, lambda: platform.queries.engine.execute(ENDLESS, files))
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 30


def test_the_event_loop_stays_free_while_a_query_runs(platform: Platform) -> None:
    files = platform.lake.snapshot("acme").files()
    ticks: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    async def scenario() -> None:
        stop = asyncio.Event()
        t = asyncio.create_task(ticker(stop))
        request = request_for(platform, disconnect_after=3600)
        done = threading.Event()

        def slow() -> int:
            time.sleep(0.5)  # stands for a long query: the thread is busy, the loop is not
            rows = platform.queries.engine.execute("SELECT 1 AS one", files).num_rows
            done.set()
            return rows

        assert await run_blocking(request, slow) == 1
        stop.set()
        await t

    asyncio.run(scenario())
    assert len(ticks) > 20
