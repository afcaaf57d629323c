"""Every registered job with its last outcome, for ``costlake jobs`` and the console."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from costlake.tasks import leases
from costlake.tasks.registry import JobRegistry, utcnow


@dataclass(frozen=True, slots=True)
class JobStatus:
    """``state``: ``never run``, ``running`` (a live lease), ``succeeded``, ``failed``,
    ``retrying`` (failed, a retry is scheduled) or ``abandoned`` (its holder died mid-run;
    the next turn runs it again)."""

    name: str
    schedule: str
    description: str
    state: str
    holder: str | None
    last_run_at: datetime | None
    last_finished_at: datetime | None
    attempts: int
    next_retry_at: datetime | None
    last_error: str | None


def job_statuses(session: Session, jobs: JobRegistry) -> list[JobStatus]:
    """One status per registered job, by name."""
    now = utcnow()
    rows = leases.records(session)
    out: list[JobStatus] = []
    for job in jobs:
        row = rows.get(job.name)
        if row is None or row.last_status is None:
            out.append(
                JobStatus(
                    job.name,
                    job.schedule,
                    job.description,
                    state="never run",
                    holder=None,
                    last_run_at=None,
                    last_finished_at=None,
                    attempts=0,
                    next_retry_at=None,
                    last_error=None,
                )
            )
            continue
        live = row.holder is not None and row.lease_until is not None and row.lease_until > now
        if live:
            state = "running"
        elif row.last_status == "running":
            state = "abandoned"
        elif row.last_status == "failed" and row.next_retry_at is not None:
            state = "retrying"
        else:
            state = row.last_status
        out.append(
            JobStatus(
                job.name,
                job.schedule,
                job.description,
                state,
                row.holder if live else None,
                row.last_run_at,
                row.last_finished_at,
                row.attempts,
                row.next_retry_at,
                row.last_error,
            )
        )
    return out
