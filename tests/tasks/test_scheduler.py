"""Schedulers sharing one metadata database: never the same job twice at once, in threads
of one process or in separate processes; a failed job is retried by the scheduler."""

from __future__ import annotations

import multiprocessing
from datetime import timedelta
from multiprocessing.synchronize import Barrier
from pathlib import Path

from costlake.config import Settings
from costlake.platform import Platform
from costlake.tasks.registry import Job, JobRegistry
from costlake.tasks.runner import new_holder, run_job
from costlake.tasks.status import job_statuses
from tests.tasks.conftest import Exclusive, wait_until


def only(job: Job) -> JobRegistry:
    registry = JobRegistry()
    registry.add(job)
    return registry


class TestTwoSchedulers:
    def test_two_platforms_on_one_database_never_run_a_job_at_once(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        """Both fire the job every 50 ms; each run takes 200 ms. Without the lease they
        overlap on nearly every turn."""
        body = Exclusive(tmp_path, hold=0.2)
        job = Job("x", body, every=timedelta(milliseconds=50), lease=timedelta(seconds=5))
        platforms = [Platform.start(settings) for _ in range(2)]
        try:
            for p in platforms:
                p.jobs = only(job)
                assert p.start_scheduler(force=True)
            wait_until(lambda: len(body.notes()) >= 6)
        finally:
            for p in platforms:
                p.close()
        notes = body.notes()
        assert "overlap" not in notes
        assert notes.count("run") >= 6

    def test_two_processes_on_one_database_never_run_a_job_at_once(
        self, settings: Settings, tmp_path: Path
    ) -> None:
        """Forked processes start together and race for the job 15 times each."""
        Platform.start(settings).close()  # migrate once, up front
        fork = multiprocessing.get_context("fork")
        barrier = fork.Barrier(2)
        children = [
            fork.Process(target=_race, args=(settings, tmp_path, barrier)) for _ in range(2)
        ]
        for child in children:
            child.start()
        for child in children:
            child.join(timeout=120)
            if child.is_alive():
                child.kill()
                child.join()
        assert [child.exitcode for child in children] == [0, 0]
        notes = Exclusive(tmp_path).notes()
        assert "overlap" not in notes
        assert notes.count("run") >= 2


def _race(settings: Settings, folder: Path, barrier: Barrier) -> None:
    """A child process: its own platform and holder; run the job as often as it can."""
    platform = Platform.start(settings)
    job = Job("x", Exclusive(folder, hold=0.05), every=timedelta(hours=1))
    holder = new_holder()
    barrier.wait(timeout=60)
    for _ in range(15):
        run_job(platform, job, holder, force=True)
    platform.close()


class TestRetries:
    def test_a_failed_job_is_retried_by_the_scheduler_until_it_succeeds(
        self, platform: Platform
    ) -> None:
        calls: list[int] = []

        def flaky(_platform: object) -> None:
            calls.append(1)
            if len(calls) <= 2:
                raise RuntimeError("warehouse unreachable")

        job = Job(
            "x",
            flaky,
            every=timedelta(hours=1),
            retry_after=timedelta(milliseconds=200),
            max_attempts=5,
        )
        platform.jobs = only(job)
        assert platform.start_scheduler(force=True)

        def state() -> str:
            with platform.session() as s:
                return job_statuses(s, platform.jobs)[0].state

        wait_until(lambda: state() == "succeeded")
        platform.stop_scheduler()
        assert len(calls) == 3  # once on its turn, twice retried (the next turn is an hour off)


class TestPlatformScheduler:
    def test_is_off_when_the_setting_says_so_unless_forced(self, platform: Platform) -> None:
        assert platform.settings.scheduler is False
        assert platform.start_scheduler() is False
        assert platform._scheduler is None

    def test_starting_twice_keeps_one_scheduler_and_close_stops_it(
        self, settings: Settings
    ) -> None:
        platform = Platform.start(settings.model_copy(update={"scheduler": True}))
        platform.jobs = JobRegistry()
        assert platform.start_scheduler()
        first = platform._scheduler
        assert platform.start_scheduler() and platform._scheduler is first
        platform.close()
        assert platform._scheduler is None and first is not None and not first.running
