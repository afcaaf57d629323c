"""Detection right after every ingest (``sources.service.ingest_files``): a new bill's
anomalies are stored without waiting for the hourly job, a restated month re-evaluates its
days without duplicates (also a month older than the look-back), unchanged data costs no
detector pass, and a failing detection never fails the ingest. The hourly job examines
every org even when one fails."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy.orm import Session

from costlake.anomalies import service, tasks
from costlake.anomalies.records import list_anomalies
from costlake.anomalies.schemas import Status
from costlake.config import Settings
from costlake.ingest.pipeline import Ingestor
from costlake.platform import Platform
from costlake.query.service import QueryService
from costlake.sources.service import ingest_files
from tests.anomalies.conftest import START, Bill, weekly
from tests.anomalies.test_service import SPIKE_DAY, spiky_bill


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    p = Platform.start(Settings(home=tmp_path / "home", anomaly_lookback_days=14))
    yield p
    p.close()


def ingest(platform: Platform, bill: Bill, tmp: Path, name: str, source: str = "fixture") -> None:
    path = tmp / f"{name}.parquet"
    pq.write_table(bill.table(), path)
    ingest_files(platform, [path], org="acme", source=source)


def stored(platform: Platform) -> list[tuple[str, str, object, Status]]:
    with platform.session() as s:
        return sorted((a.id, a.monitor, a.start_date, a.status) for a in list_anomalies(s, "acme"))


class TestAfterIngest:
    def test_an_ingest_stores_its_anomalies(self, platform: Platform, tmp_path: Path) -> None:
        ingest(platform, spiky_bill(), tmp_path, "bill")
        found = stored(platform)
        assert sorted(m for _, m, _, _ in found) == ["account_service", "provider_service"]
        assert {day for _, _, day, _ in found} == {SPIKE_DAY}

    def test_a_restated_month_outside_the_lookback_is_re_evaluated_without_duplicates(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        # the spike (day 50, in July) is older than the 14 days the hourly run looks at
        ingest(platform, spiky_bill(), tmp_path, "bill")
        before = stored(platform)
        ingest(platform, spiky_bill(), tmp_path, "again")  # re-delivered as is
        assert stored(platform) == before
        ingest(platform, spiky_bill(factor=6.0), tmp_path, "restated")  # a larger spike
        assert [(i, d) for i, _, d, _ in stored(platform)] == [(i, d) for i, _, d, _ in before]
        ingest(platform, spiky_bill(factor=1.0), tmp_path, "restated-away")
        assert {s for _, _, _, s in stored(platform)} == {Status.RESOLVED}
        assert len(stored(platform)) == len(before)

    def test_unchanged_series_cost_no_detector_pass(
        self, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ingest(platform, spiky_bill(), tmp_path, "bill")
        passes: list[int] = []
        real = service.detect
        monkeypatch.setattr(service, "detect", lambda *a, **k: passes.append(1) or real(*a, **k))
        ingest(platform, spiky_bill(), tmp_path, "again")
        assert passes == []
        other = Bill().add(START + timedelta(days=60), 1.0, service="AWS Lambda")
        ingest(platform, other, tmp_path, "lambda", source="other")  # only its series are new
        assert len(passes) == 1  # Lambda's (both monitors see the same values: one pass)

    def test_a_failing_detection_is_logged_and_the_ingest_stands(
        self, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture,
    ) -> None:  # fmt: skip
        def broken(*args: object, **kwargs: object) -> None:
            raise RuntimeError("detector down")

        monkeypatch.setattr("costlake.anomalies.tasks.detect_and_store", broken)
        with caplog.at_level(logging.ERROR, logger="costlake.anomalies.tasks"):
            ingest(platform, spiky_bill(), tmp_path, "bill")
        assert not platform.lake.snapshot("acme").is_empty
        assert stored(platform) == []
        assert "anomaly detection after ingest into org 'acme' failed" in caplog.text


class TestScheduledJob:
    def test_one_orgs_failure_does_not_keep_the_others_unexamined(
        self, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        values = weekly()
        values[65] *= 4  # within the 14 days the job looks at
        for org in ("acme", "broken"):
            path = tmp_path / f"{org}.parquet"
            pq.write_table(Bill().series(values).table(), path)
            Ingestor(platform.lake).ingest([path], org=org, source="fixture")  # no hook
        real = tasks.detect_and_store

        def flaky(session: Session, queries: QueryService, org: str, *a: Any, **k: Any) -> Any:
            if org == "broken":
                raise RuntimeError("detector down")
            return real(session, queries, org, *a, **k)

        monkeypatch.setattr(tasks, "detect_and_store", flaky)
        with pytest.raises(RuntimeError, match="failed for org\\(s\\) broken"):
            tasks.detect_all_orgs(platform)
        assert len(stored(platform)) == 2  # acme's, by both monitors


class TestInBackground:
    def test_an_ingest_returns_and_detection_follows(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        path = tmp_path / "bill.parquet"
        pq.write_table(spiky_bill().table(), path)
        ingest_files(platform, [path], org="acme", source="fixture", detect="background")
        assert tasks.wait_for_background(120)
        assert {day for _, _, day, _ in stored(platform)} == {SPIKE_DAY}

    def test_ingests_during_a_run_are_one_more_run_from_the_earliest_day(
        self, platform: Platform, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        started, release = threading.Event(), threading.Event()
        runs: list[tuple[str, object]] = []

        def slow(deps: object, org: str, *, since: object = None) -> None:
            runs.append((org, since))
            started.set()
            release.wait(30)

        monkeypatch.setattr(tasks, "detect_for_org", slow)
        tasks.detect_after_ingest(platform, "acme", ["2024-08"], background=True)
        assert started.wait(30)
        for periods in (["2024-07"], ["2024-09"], ["2024-06", "2024-08"]):
            tasks.detect_after_ingest(platform, "acme", periods, background=True)
        release.set()
        assert tasks.wait_for_background(30)
        assert runs == [("acme", date(2024, 8, 1)), ("acme", date(2024, 6, 1))]


class TestHowFarBack:
    def test_a_history_older_than_six_months_is_not_combed(
        self, platform: Platform, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(service, "RESTATED_DAYS_MAX", 30)
        ingest(platform, spiky_bill(), tmp_path, "bill")  # June to August: the spike is in July
        last = START + timedelta(days=69)
        summary = tasks.detect_for_org(platform, "acme", since=START)
        assert summary.first_day == last - timedelta(days=29)


def test_the_cli_ingest_detects_and_says_how_many_anomalies_are_new(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from costlake.cli.app import app

    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COSTLAKE_ANOMALY_LOOKBACK_DAYS", "14")
    path = tmp_path / "bill.parquet"
    pq.write_table(spiky_bill().table(), path)
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(path), "--org", "acme", "--source", "fixture"])
    assert result.exit_code == 0, result.output
    assert "2 new cost anomalies: costlake anomalies list --org acme" in result.output
    again = runner.invoke(app, ["ingest", str(path), "--org", "acme", "--source", "fixture"])
    assert again.exit_code == 0, again.output
    assert "new cost anomal" not in again.output  # the same bill again: nothing new
