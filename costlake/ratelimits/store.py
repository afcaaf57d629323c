"""Shared rate-limit stores behind :class:`costlake.kit.ratelimit.RateLimitStore`.

``COSTLAKE_RATE_LIMIT_STORE`` chooses: ``database`` (default; one row per bucket and fixed
window in the metadata database, so two ``costlake serve`` on one home, or a restart,
count the same requests), ``memory`` (this process only), or a ``redis://`` URL (through
the ``limits`` library; needs the ``redis`` extra).
"""

from __future__ import annotations

import threading
import time

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine

from costlake.db.models import RateLimitCounter
from costlake.errors import InvalidInput
from costlake.kit.extras import require_extra
from costlake.kit.ratelimit import InMemoryRateLimitStore, RateLimitDecision, RateLimitStore

PRUNE_EVERY = 1000  # hits between deletions of windows that ended a day or more ago


class DatabaseRateLimitStore:
    """Fixed windows aligned to multiples of the window length, counted in one atomic
    ``INSERT ... ON CONFLICT DO UPDATE ... WHERE count < limit RETURNING count``.

    The statement is sent as the driver's own SQL: every request pays for it, and
    building it through the ORM cost six times as much (0.50 ms against 0.08 ms on SQLite).
    The same text runs on SQLite and PostgreSQL; only the parameter style differs."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._hits = 0
        self._lock = threading.Lock()
        style = engine.dialect.paramstyle
        marks = ("?", "?", "?") if style == "qmark" else ("%(b)s", "%(w)s", "%(n)s")
        self._upsert = (
            "INSERT INTO rate_limit_counters (bucket, window_start, count) "
            f"VALUES ({marks[0]}, {marks[1]}, 1) ON CONFLICT (bucket, window_start) "
            "DO UPDATE SET count = rate_limit_counters.count + 1 "
            f"WHERE rate_limit_counters.count < {marks[2]} RETURNING count"
        )
        self._named = style != "qmark"

    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        t = int(now if now is not None else time.time())
        start = t - t % window_seconds
        params = {"b": key, "w": start, "n": limit} if self._named else (key, start, limit)
        with self._engine.begin() as connection:
            count = connection.exec_driver_sql(self._upsert, params).scalar_one_or_none()  # type: ignore[arg-type]
            with self._lock:
                self._hits += 1
                prune = self._hits % PRUNE_EVERY == 0
            if prune:
                table = RateLimitCounter.__table__
                connection.execute(delete(table).where(table.c.window_start < t - 86_400))
        allowed = count is not None and count <= limit
        used = limit if count is None else count
        return RateLimitDecision(allowed, limit, max(limit - used, 0), start + window_seconds)

    def used(self, key: str, *, window_seconds: int, now: float | None = None) -> int:
        """Requests counted for ``key`` in the current window (for tests and listings)."""
        t = int(now if now is not None else time.time())
        with self._engine.connect() as connection:
            return connection.scalar(
                select(func.coalesce(func.sum(RateLimitCounter.count), 0)).where(
                    RateLimitCounter.bucket == key,
                    RateLimitCounter.window_start == t - t % window_seconds,
                )
            )


class RedisRateLimitStore:
    """Counters in Redis through the ``limits`` library (fixed windows)."""

    def __init__(self, url: str) -> None:
        require_extra("redis")
        from limits.storage import storage_from_string
        from limits.strategies import FixedWindowRateLimiter

        self._limiter = FixedWindowRateLimiter(storage_from_string(url))

    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        from limits import RateLimitItemPerSecond

        item = RateLimitItemPerSecond(limit, window_seconds)
        allowed = self._limiter.hit(item, key)
        stats = self._limiter.get_window_stats(item, key)
        return RateLimitDecision(allowed, limit, stats.remaining, int(stats.reset_time))


def store_from_settings(choice: str, engine: Engine) -> RateLimitStore:
    if choice == "database":
        return DatabaseRateLimitStore(engine)
    if choice == "memory":
        return InMemoryRateLimitStore()
    if choice.startswith(("redis://", "rediss://", "redis+unix://")):
        return RedisRateLimitStore(choice)
    raise InvalidInput(
        f"COSTLAKE_RATE_LIMIT_STORE={choice!r}: use database, memory or a redis:// URL"
    )
