"""The ``job_leases`` table: taking, renewing and releasing a job's lease, and its record.

Every change is one conditional UPDATE, atomic on SQLite and PostgreSQL alike: a process
holds a job's lease only if its UPDATE matched the row, so two processes can race for the
same job and exactly one wins.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Update, and_, or_, select, update
from sqlalchemy.orm import Session

from costlake.db import upsert
from costlake.db.models import JobLease
from costlake.tasks.registry import Job

ERROR_CHARS = 2000
"""A failure's text is kept up to this length (the start of it says what went wrong)."""


def _update() -> Update:
    """An UPDATE of ``job_leases`` that leaves the session's objects alone (rows are read
    fresh by :func:`records`)."""
    return update(JobLease).execution_options(synchronize_session=False)


def ensure_rows(session: Session, names: Iterable[str]) -> None:
    """A row for each job (created idle), so a lease can be taken with an UPDATE."""
    rows = [{"name": n, "attempts": 0} for n in names]
    if rows:
        session.execute(
            upsert.insert(session, JobLease.__table__).values(rows).on_conflict_do_nothing()
        )


def take(session: Session, job: Job, holder: str, now: datetime, *, force: bool = False) -> bool:
    """Take ``job``'s lease for ``holder`` if nobody holds it and the job is due: a retry
    whose time has come, or (no retry pending) its last run at least ``min_gap`` ago.
    ``force`` skips the due check (``costlake worker --run NAME``), never the lease."""
    free = or_(JobLease.lease_until.is_(None), JobLease.lease_until <= now)
    due = or_(
        and_(JobLease.next_retry_at.is_not(None), JobLease.next_retry_at <= now),
        and_(
            JobLease.next_retry_at.is_(None),
            or_(JobLease.last_run_at.is_(None), JobLease.last_run_at <= now - job.min_gap(now)),
        ),
    )
    result = session.execute(
        _update()
        .where(JobLease.name == job.name, free, *([] if force else [due]))
        .values(holder=holder, lease_until=now + job.lease, last_run_at=now, last_status="running")
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def renew(session: Session, name: str, holder: str, until: datetime) -> bool:
    """Extend a lease ``holder`` still holds; False if it was lost (it had expired)."""
    result = session.execute(
        _update().where(JobLease.name == name, JobLease.holder == holder).values(lease_until=until)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def succeeded(session: Session, name: str, holder: str, now: datetime) -> None:
    """Release the lease and record a success (which ends a run of failures)."""
    session.execute(
        _update()
        .where(JobLease.name == name, JobLease.holder == holder)
        .values(
            holder=None,
            lease_until=None,
            last_finished_at=now,
            last_status="succeeded",
            last_error=None,
            attempts=0,
            next_retry_at=None,
        )
    )


def failed(session: Session, job: Job, holder: str, now: datetime, error: str) -> datetime | None:
    """Release the lease and record a failure; returns when the job may be retried (None
    when its attempts are used up: it then waits for its next regular turn)."""
    attempts = (
        session.execute(select(JobLease.attempts).where(JobLease.name == job.name)).scalar_one() + 1
    )
    delay = job.retry_delay(attempts, now)
    retry_at = None if delay is None else now + delay
    session.execute(
        _update()
        .where(JobLease.name == job.name, JobLease.holder == holder)
        .values(
            holder=None,
            lease_until=None,
            last_finished_at=now,
            last_status="failed",
            last_error=error[:ERROR_CHARS],
            attempts=attempts,
            next_retry_at=retry_at,
        )
    )
    return retry_at


def records(session: Session) -> dict[str, JobLease]:
    """Every job's row, by name."""
    return {row.name: row for row in session.scalars(select(JobLease))}
