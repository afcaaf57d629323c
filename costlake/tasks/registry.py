"""The job registry: what runs, how often, and how it is retried.

A domain registers its periodic jobs in its own ``tasks.py`` (``register(registry)``);
:func:`costlake.tasks.catalog.default_jobs` lists those modules explicitly, so every job a
platform runs can be found from one place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from costlake.errors import InvalidInput

if TYPE_CHECKING:
    from costlake.platform import Platform

JobFn = Callable[["Platform"], object]
"""A job: takes the running platform; its return value is ignored, an exception is a failure."""


@dataclass(frozen=True, slots=True)
class Job:
    """A periodic job. Exactly one of ``every`` and ``cron`` (five crontab fields, UTC)."""

    name: str
    fn: JobFn
    every: timedelta | None = None
    cron: str | None = None
    description: str = ""
    max_attempts: int = 4
    """Runs in a row a failure is retried (with backoff) before waiting for the next turn."""
    retry_after: timedelta = timedelta(seconds=30)
    """The first retry's delay; each further one doubles it (never past the next turn)."""
    lease: timedelta = timedelta(minutes=10)
    """How long a run holds the lease between renewals; a crashed holder's lease expires
    after this, and then another process may run the job."""

    def __post_init__(self) -> None:
        if (self.every is None) == (self.cron is None):
            raise InvalidInput(f"job {self.name!r}: give exactly one of every= and cron=")
        if self.every is not None and self.every <= timedelta(0):
            raise InvalidInput(f"job {self.name!r}: every= must be positive")
        if self.cron is not None:
            self.trigger()  # refuses a malformed crontab now, not at start-up

    @property
    def schedule(self) -> str:
        """``every 1:00:00`` or ``cron 0 3 * * *``, for listings."""
        return f"every {self.every}" if self.every is not None else f"cron {self.cron}"

    def trigger(self) -> BaseTrigger:
        if self.every is not None:
            return IntervalTrigger(seconds=self.every.total_seconds(), timezone=UTC)
        try:
            return CronTrigger.from_crontab(str(self.cron), timezone=UTC)
        except ValueError as e:
            raise InvalidInput(f"job {self.name!r}: bad crontab {self.cron!r}: {e}") from None

    def min_gap(self, now: datetime) -> timedelta:
        """How long after a run the job is not due again: half its period. Every process
        fires the trigger on its own clock; this keeps them from running it once each."""
        if self.every is not None:
            return self.every / 2
        trigger = self.trigger()
        first = trigger.get_next_fire_time(None, now)
        second = trigger.get_next_fire_time(first, first + timedelta(microseconds=1))
        if first is None or second is None:
            return timedelta(0)
        return (second - first) / 2

    def retry_delay(self, attempts: int, now: datetime) -> timedelta | None:
        """When to retry after ``attempts`` failures in a row; None once they are used up."""
        if attempts >= self.max_attempts:
            return None
        delay = self.retry_after * 2 ** (attempts - 1)
        return min(delay, max(self.min_gap(now), self.retry_after))


class JobRegistry:
    """Jobs by name; registering a second job under a taken name is refused."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def add(self, job: Job) -> Job:
        with self._lock:
            if job.name in self._jobs:
                raise InvalidInput(f"a job named {job.name!r} is already registered")
            self._jobs[job.name] = job
        return job

    def get(self, name: str) -> Job:
        job = self._jobs.get(name)
        if job is None:
            raise InvalidInput(f"no job named {name!r}; known: {', '.join(self._jobs) or '-'}")
        return job

    def __iter__(self) -> Iterator[Job]:
        return iter(sorted(self._jobs.values(), key=lambda j: j.name))

    def __len__(self) -> int:
        return len(self._jobs)


def utcnow() -> datetime:
    """Wall-clock time. Never the pinned ``COSTLAKE_NOW``: leases are between processes."""
    return datetime.now(UTC)
