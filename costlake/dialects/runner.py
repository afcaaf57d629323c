"""Run blocking core work (DuckDB queries) on a worker thread, never on the event loop, and
interrupt it when the client goes away."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TypeVar

import anyio
import duckdb
from fastapi import Request

from costlake.errors import QueryCancelled

T = TypeVar("T")
_limiter: anyio.CapacityLimiter | None = None


def _capacity() -> anyio.CapacityLimiter:
    global _limiter
    if _limiter is None:
        _limiter = anyio.CapacityLimiter(8)
    return _limiter


async def run_blocking(request: Request, fn: Callable[[], T]) -> T:
    """``fn()`` on a worker thread; if the client disconnects, interrupt its queries."""
    platform = request.app.state.platform
    worker: dict[str, int] = {}
    cancelled = threading.Event()

    def work() -> T:
        worker["tid"] = threading.get_ident()
        if cancelled.is_set():
            raise QueryCancelled("the client went away")
        return fn()

    task = asyncio.ensure_future(anyio.to_thread.run_sync(work, limiter=_capacity()))
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=0.25)
            if done:
                break
            if not cancelled.is_set() and await request.is_disconnected():
                cancelled.set()
            if cancelled.is_set() and "tid" in worker:
                interrupt = getattr(platform.queries.engine, "interrupt_thread", None)
                if interrupt is not None:
                    interrupt(worker["tid"])
        return task.result()
    except duckdb.InterruptException:
        raise QueryCancelled("the query was cancelled because the client went away") from None
