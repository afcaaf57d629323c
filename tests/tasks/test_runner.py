"""One run of a job under its lease: refused when held or not due, failures recorded and
retried with backoff, visible in the status listing."""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from costlake.db.models import JobLease
from costlake.platform import Platform
from costlake.tasks import leases
from costlake.tasks.registry import Job, JobRegistry, utcnow
from costlake.tasks.runner import run_job
from costlake.tasks.status import job_statuses
from tests.tasks.conftest import Exclusive, wait_until

HOUR = timedelta(hours=1)


def registry_of(*jobs: Job) -> JobRegistry:
    registry = JobRegistry()
    for job in jobs:
        registry.add(job)
    return registry


class Flaky:
    """Fails its first ``failures`` runs with a ``RuntimeError``, then succeeds."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self, _platform: object) -> None:
        self.calls += 1
        if self.calls <= self.failures:
            raise RuntimeError(f"source unreachable (call {self.calls})")


class TestRunJob:
    def test_a_job_another_process_holds_is_not_run(self, platform: Platform) -> None:
        calls: list[int] = []
        job = Job("x", lambda _p: calls.append(1), every=HOUR)
        with platform.session() as s:
            leases.ensure_rows(s, ["x"])
            assert leases.take(s, job, "other-process", utcnow())
        outcome = run_job(platform, job, "me", force=True)
        assert not outcome.ran and calls == []

    def test_an_expired_lease_is_taken_over(self, platform: Platform) -> None:
        """The holder died mid-run: after its lease runs out, another process runs the job."""
        calls: list[int] = []
        job = Job("x", lambda _p: calls.append(1), every=HOUR)
        with platform.session() as s:
            leases.ensure_rows(s, ["x"])
            assert leases.take(s, job, "dead-process", utcnow() - 2 * HOUR)
        assert [s.state for s in job_statuses_of(platform, job)] == ["abandoned"]
        assert run_job(platform, job, "me").ran and calls == [1]

    def test_a_job_that_ran_recently_is_not_due_unless_forced(self, platform: Platform) -> None:
        calls: list[int] = []
        job = Job("x", lambda _p: calls.append(1), every=HOUR)
        assert run_job(platform, job, "a").ok
        assert not run_job(platform, job, "b").ran
        assert run_job(platform, job, "b", force=True).ok
        assert calls == [1, 1]

    def test_a_failure_is_logged_recorded_shown_and_retried_with_backoff(
        self, platform: Platform, caplog: pytest.LogCaptureFixture
    ) -> None:
        flaky = Flaky(failures=2)
        job = Job("x", flaky, every=HOUR, retry_after=timedelta(minutes=1), max_attempts=3)
        with caplog.at_level(logging.INFO, logger="costlake.tasks"):
            first = run_job(platform, job, "me")
        assert first.ran and not first.ok
        [logged] = [r for r in caplog.records if r.levelno == logging.ERROR]
        assert logged.getMessage() == "job x failed" and logged.exc_info is not None
        assert first.error == "RuntimeError: source unreachable (call 1)"
        [status] = job_statuses_of(platform, job)
        assert (status.state, status.attempts) == ("retrying", 1)
        assert status.last_error == "RuntimeError: source unreachable (call 1)"
        assert status.next_retry_at is not None and first.retry_at == status.next_retry_at
        assert not run_job(platform, job, "me").ran, "retried before its backoff"

        make_retry_due(platform, "x")
        second = run_job(platform, job, "me")
        assert second.ran and not second.ok
        assert second.retry_at is not None and first.retry_at is not None
        assert second.retry_at - utcnow() > timedelta(minutes=1)  # the delay doubled

        make_retry_due(platform, "x")
        assert run_job(platform, job, "me").ok
        [status] = job_statuses_of(platform, job)
        assert (status.state, status.attempts, status.last_error) == ("succeeded", 0, None)
        assert flaky.calls == 3

    def test_a_job_failing_every_attempt_waits_for_its_next_turn(self, platform: Platform) -> None:
        job = Job("x", Flaky(failures=99), every=HOUR, max_attempts=2)
        assert run_job(platform, job, "me").retry_at is not None
        make_retry_due(platform, "x")
        last = run_job(platform, job, "me")
        assert last.ran and not last.ok and last.retry_at is None
        [status] = job_statuses_of(platform, job)
        assert (status.state, status.attempts) == ("failed", 2)
        assert status.last_error == "RuntimeError: source unreachable (call 2)"

    def test_a_running_job_keeps_its_lease_past_its_length(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        """The heartbeat renews the lease, so a job longer than its lease is not run twice."""
        body = Exclusive(tmp_path, hold=3.0)
        job = Job("x", body, every=HOUR, lease=timedelta(seconds=0.6))
        runner = threading.Thread(target=run_job, args=(platform, job, "a"))
        runner.start()
        wait_until(lambda: body.notes() == ["run"])
        for _ in range(4):  # the last tries are past the first lease's end
            threading.Event().wait(0.3)
            assert not run_job(platform, job, "b", force=True).ran
        runner.join()
        assert body.notes() == ["run"]


def job_statuses_of(platform: Platform, *jobs: Job) -> list:  # type: ignore[type-arg]
    with platform.session() as s:
        return job_statuses(s, registry_of(*jobs))


def make_retry_due(platform: Platform, name: str) -> None:
    """Move the pending retry to now (instead of waiting for its backoff)."""
    with platform.session() as s:
        s.execute(update(JobLease).where(JobLease.name == name).values(next_retry_at=utcnow()))


def test_the_listing_shows_registered_jobs_that_never_ran(platform: Platform) -> None:
    job = Job("x", lambda _p: None, every=HOUR, description="does x")
    [status] = job_statuses_of(platform, job)
    assert (status.name, status.schedule, status.description) == ("x", "every 1:00:00", "does x")
    assert (status.state, status.last_run_at, status.last_error) == ("never run", None, None)
