"""The scheduler: fires every registered job on its trigger, in background threads.

APScheduler (3.x, ``BackgroundScheduler``) only decides *when* to try; whether a job runs
is decided by its lease (:mod:`costlake.tasks.leases`), so any number of schedulers, in
server processes and workers, can share one metadata database. A failed job is retried by
the scheduler that ran it at ``next_retry_at``; if that process is gone by then, the next
scheduler to fire the job finds the retry due and runs it.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from apscheduler.schedulers.background import BackgroundScheduler

from costlake.tasks import leases
from costlake.tasks.registry import Job, JobRegistry
from costlake.tasks.runner import RunOutcome, new_holder, run_job

if TYPE_CHECKING:
    from costlake.platform import Platform

log = logging.getLogger("costlake.tasks")


class Scheduler:
    """Runs ``jobs`` for ``platform`` until :meth:`shutdown`."""

    def __init__(self, platform: Platform, jobs: JobRegistry, *, holder: str | None = None):
        self.platform = platform
        self.jobs = jobs
        self.holder = holder or new_holder()
        self._lock = threading.Lock()
        self._aps = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    @property
    def running(self) -> bool:
        return bool(self._aps.running)

    def start(self) -> None:
        """Fire every job now (it runs if due) and then on its trigger."""
        with self.platform.session() as s:
            leases.ensure_rows(s, [job.name for job in self.jobs])
        for job in self.jobs:
            self._aps.add_job(
                self._fire,
                trigger=job.trigger(),
                args=[job],
                id=job.name,
                name=job.name,
                next_run_time=datetime.now(UTC),
            )
        self._aps.start()
        log.info("scheduler %s started with %d job(s)", self.holder, len(self.jobs))

    def shutdown(self, *, wait: bool = True) -> None:
        """Stop firing; with ``wait``, let running jobs finish (and release their leases)."""
        with self._lock:
            if self._aps.running:
                self._aps.shutdown(wait=wait)

    def _fire(self, job: Job) -> RunOutcome | None:
        try:
            outcome = run_job(self.platform, job, self.holder)
        except Exception:  # noqa: BLE001 - e.g. the database is unreachable: try next turn
            log.exception("job %s could not be run", job.name)
            return None
        if outcome.retry_at is not None:
            with self._lock:
                if self._aps.running:
                    self._aps.add_job(
                        self._fire,
                        trigger="date",
                        run_date=outcome.retry_at,
                        args=[job],
                        id=f"{job.name}#retry",
                        name=f"{job.name} (retry)",
                        replace_existing=True,
                    )
        return outcome
