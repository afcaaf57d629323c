"""One run of one job: take its lease, call it, record how it went, release the lease.

While the job runs, a heartbeat renews the lease every third of its length, so a long job
keeps it and a crashed process loses it within one lease length.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from costlake.tasks import leases
from costlake.tasks.registry import Job, utcnow

if TYPE_CHECKING:
    from costlake.platform import Platform

log = logging.getLogger("costlake.tasks")


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What :func:`run_job` did. ``ran`` is False when the job was not due or another
    process held its lease (then nothing else is set)."""

    job: str
    ran: bool
    ok: bool = False
    error: str | None = None
    retry_at: datetime | None = None


def new_holder() -> str:
    """A lease holder name unique to one scheduler: host, process and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def run_job(platform: Platform, job: Job, holder: str, *, force: bool = False) -> RunOutcome:
    """Run ``job`` if it is due and nobody else runs it (``force``: even if not due)."""
    with platform.session() as s:
        leases.ensure_rows(s, [job.name])
        if not leases.take(s, job, holder, utcnow(), force=force):
            return RunOutcome(job.name, ran=False)
    log.info("job %s started (%s)", job.name, holder)
    stop = threading.Event()
    heartbeat = threading.Thread(
        target=_renew, args=(platform, job, holder, stop), name=f"lease:{job.name}", daemon=True
    )
    heartbeat.start()
    try:
        job.fn(platform)
    except Exception as e:  # noqa: BLE001 - any failure is recorded, logged and retried
        error = f"{type(e).__name__}: {e}"
        log.exception("job %s failed", job.name)
        stop.set()
        heartbeat.join()
        with platform.session() as s:
            retry_at = leases.failed(s, job, holder, utcnow(), error)
        if retry_at is not None:
            log.warning("job %s will be retried at %s", job.name, retry_at.isoformat())
        return RunOutcome(job.name, ran=True, ok=False, error=error, retry_at=retry_at)
    stop.set()
    heartbeat.join()
    with platform.session() as s:
        leases.succeeded(s, job.name, holder, utcnow())
    log.info("job %s succeeded", job.name)
    return RunOutcome(job.name, ran=True, ok=True)


def _renew(platform: Platform, job: Job, holder: str, stop: threading.Event) -> None:
    every = job.lease.total_seconds() / 3
    while not stop.wait(every):
        try:
            with platform.session() as s:
                if not leases.renew(s, job.name, holder, utcnow() + job.lease):
                    log.error("job %s lost its lease (it ran past it)", job.name)
                    return
        except Exception:  # noqa: BLE001 - the next beat tries again
            log.exception("job %s: renewing the lease failed", job.name)
