"""Rate-limit state behind an interface: an in-process store by default, so a shared store
(Redis, the metadata database) can replace it when several replicas serve one org."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # Unix time (seconds) when the current window ends

    @property
    def retry_after(self) -> int:
        return max(0, self.reset_at - int(time.time()))


class RateLimitStore(Protocol):
    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        """Count one request for ``key`` in its fixed window and say whether it may go on."""
        ...


class InMemoryRateLimitStore:
    """Fixed windows aligned to multiples of the window length, per key, in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[str, tuple[int, int]] = {}  # key -> (window start, count)

    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        t = int(now if now is not None else time.time())
        start = t - t % window_seconds
        with self._lock:
            w_start, count = self._windows.get(key, (start, 0))
            if w_start != start:
                w_start, count = start, 0
            allowed = count < limit
            if allowed:
                count += 1
            self._windows[key] = (w_start, count)
            if len(self._windows) > 100_000:  # drop stale windows now and then
                self._windows = {k: v for k, v in self._windows.items() if v[0] == start}
        return RateLimitDecision(allowed, limit, max(limit - count, 0), w_start + window_seconds)
