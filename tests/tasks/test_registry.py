"""Jobs and their registry: schedules, retries with backoff, names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from costlake.errors import InvalidInput
from costlake.tasks.catalog import default_jobs
from costlake.tasks.registry import Job, JobRegistry

NOW = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)


def nothing(_platform: object) -> None:
    pass


class TestJob:
    @pytest.mark.parametrize("schedule", [{}, {"every": timedelta(hours=1), "cron": "0 3 * * *"}])
    def test_refuses_anything_but_one_schedule(self, schedule: dict[str, object]) -> None:
        with pytest.raises(InvalidInput, match="exactly one of every= and cron="):
            Job("x", nothing, **schedule)  # type: ignore[arg-type]

    def test_refuses_a_malformed_crontab(self) -> None:
        with pytest.raises(InvalidInput, match="bad crontab '61 \\* \\* \\* \\*'"):
            Job("x", nothing, cron="61 * * * *")

    def test_refuses_a_period_that_is_not_positive(self) -> None:
        with pytest.raises(InvalidInput, match="must be positive"):
            Job("x", nothing, every=timedelta(0))

    def test_is_not_due_again_for_half_its_period(self) -> None:
        assert Job("x", nothing, every=timedelta(hours=1)).min_gap(NOW) == timedelta(minutes=30)
        assert Job("x", nothing, cron="0 3 * * *").min_gap(NOW) == timedelta(hours=12)

    def test_retries_double_their_delay_and_stop_after_max_attempts(self) -> None:
        job = Job(
            "x",
            nothing,
            every=timedelta(hours=1),
            retry_after=timedelta(seconds=30),
            max_attempts=4,
        )
        delays = [job.retry_delay(n, NOW) for n in (1, 2, 3, 4)]
        assert delays == [
            timedelta(seconds=30),
            timedelta(seconds=60),
            timedelta(seconds=120),
            None,
        ]

    def test_a_retry_never_waits_past_the_next_turn(self) -> None:
        job = Job("x", nothing, every=timedelta(minutes=2), retry_after=timedelta(minutes=5))
        assert job.retry_delay(1, NOW) == timedelta(minutes=5)  # at least retry_after
        job = Job("x", nothing, every=timedelta(minutes=10), retry_after=timedelta(minutes=2))
        assert job.retry_delay(3, NOW) == timedelta(minutes=5)  # 8 minutes, capped


class TestJobRegistry:
    def test_refuses_a_second_job_under_a_taken_name(self) -> None:
        registry = JobRegistry()
        registry.add(Job("x", nothing, every=timedelta(hours=1)))
        with pytest.raises(InvalidInput, match="already registered"):
            registry.add(Job("x", nothing, every=timedelta(hours=2)))

    def test_an_unknown_name_lists_the_known_ones(self) -> None:
        registry = JobRegistry()
        registry.add(Job("b", nothing, every=timedelta(hours=1)))
        with pytest.raises(InvalidInput, match="no job named 'a'; known: b"):
            registry.get("a")

    def test_the_platform_runs_the_domains_jobs(self) -> None:
        names = [job.name for job in default_jobs()]
        assert names == [
            "accounts.sync",
            "anomalies.detect",
            "budgets.evaluate",
            "lake.collect_garbage",
            "sources.sync",
        ]
        assert all(job.description for job in default_jobs())
