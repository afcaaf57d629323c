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
from sqlalchemy.orm import Session, sessionmaker

from costlake.db.models import RateLimitCounter
from costlake.db.upsert import insert
from costlake.errors import InvalidInput
from costlake.kit.extras import require_extra
from costlake.kit.ratelimit import InMemoryRateLimitStore, RateLimitDecision, RateLimitStore

PRUNE_EVERY = 1000  # hits between deletions of windows that ended a day or more ago


class DatabaseRateLimitStore:
    """Fixed windows aligned to multiples of the window length, counted in one atomic
    ``INSERT ... ON CONFLICT DO UPDATE ... WHERE count < limit RETURNING count``."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._hits = 0
        self._lock = threading.Lock()

    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        t = int(now if now is not None else time.time())
        start = t - t % window_seconds
        table = RateLimitCounter.__table__
        with self._sessions() as session, session.begin():
            stmt = insert(session, table).values(bucket=key, window_start=start, count=1)
            stmt = stmt.on_conflict_do_update(
                index_elements=["bucket", "window_start"],
                set_={"count": table.c.count + 1},
                where=table.c.count < limit,
            ).returning(table.c.count)
            count = session.execute(stmt).scalar_one_or_none()
            allowed = count is not None and count <= limit
            if count is None:
                count = limit
            with self._lock:
                self._hits += 1
                prune = self._hits % PRUNE_EVERY == 0
            if prune:
                session.execute(delete(table).where(table.c.window_start < t - 86_400))
        return RateLimitDecision(allowed, limit, max(limit - count, 0), start + window_seconds)

    def used(self, key: str, *, window_seconds: int, now: float | None = None) -> int:
        """Requests counted for ``key`` in the current window (for tests and listings)."""
        t = int(now if now is not None else time.time())
        with self._sessions() as session:
            return session.scalar(
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


def store_from_settings(choice: str, sessions: sessionmaker[Session]) -> RateLimitStore:
    if choice == "database":
        return DatabaseRateLimitStore(sessions)
    if choice == "memory":
        return InMemoryRateLimitStore()
    if choice.startswith(("redis://", "rediss://", "redis+unix://")):
        return RedisRateLimitStore(choice)
    raise InvalidInput(
        f"COSTLAKE_RATE_LIMIT_STORE={choice!r}: use database, memory or a redis:// URL"
    )
