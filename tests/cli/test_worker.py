"""``costlake worker`` and ``costlake jobs``: run the scheduled jobs, list how they went."""

from __future__ import annotations

import json
import signal
import subprocess
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from tests.cli.serving_process import COSTLAKE, environment, free_port, read_until, start, stop
from tests.query.conftest import focus_rows
from tests.tasks.conftest import wait_until


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
    return CliRunner()


def test_running_an_unknown_job_is_a_clean_error(cli: CliRunner) -> None:
    result = cli.invoke(app, ["worker", "--run", "nope"])
    assert result.exit_code == 2
    assert (
        "no job named 'nope'; known: accounts.sync, lake.collect_garbage, anomalies.detect, "
        "budgets.evaluate, "
        "sources.sync" in result.output
    )


def test_jobs_refuses_an_unknown_output(cli: CliRunner) -> None:
    result = cli.invoke(app, ["jobs", "--output", "yaml"])
    assert result.exit_code == 2 and "--output must be table or json" in result.output


def test_worker_once_runs_the_due_jobs_and_jobs_lists_them(cli: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "acme.parquet"
    pq.write_table(focus_rows(3, 50), data)
    assert cli.invoke(app, ["ingest", str(data), "--org", "acme"]).exit_code == 0
    before = json.loads(cli.invoke(app, ["jobs", "--output", "json"]).stdout)
    assert {j["name"]: j["state"] for j in before} == {
        "accounts.sync": "never run",
        "lake.collect_garbage": "never run",
        "anomalies.detect": "never run",
        "budgets.evaluate": "never run",
        "sources.sync": "never run",
    }
    ran = cli.invoke(app, ["worker", "--once"])
    assert ran.exit_code == 0, ran.output
    assert "accounts.sync: succeeded" in ran.output
    again = cli.invoke(app, ["worker", "--once"])
    assert "accounts.sync: not due, or running elsewhere" in again.output
    after = json.loads(cli.invoke(app, ["jobs", "--output", "json"]).stdout)
    assert {j["name"]: (j["state"], j["attempts"]) for j in after} == {
        "accounts.sync": ("succeeded", 0),
        "lake.collect_garbage": ("succeeded", 0),
        "anomalies.detect": ("succeeded", 0),
        "budgets.evaluate": ("succeeded", 0),
        "sources.sync": ("succeeded", 0),
    }
    table = cli.invoke(app, ["jobs"])
    assert table.exit_code == 0 and "accounts.sync" in table.stdout


def test_serve_runs_the_scheduled_jobs(tmp_path: Path) -> None:
    """``costlake serve`` with COSTLAKE_SCHEDULER on (the default) runs every job at start-up."""
    home = tmp_path / "home"
    proc = start(["serve", "--port", str(free_port())], environment(home))
    try:
        read_until(proc, r"serving at (http://\S+)", seconds=120)
        wait_until(lambda: set(_states(home).values()) == {"succeeded"}, timeout=120)
    finally:
        code, log = stop(proc, signal.SIGINT)
    assert code == 0 and "Traceback" not in log, log


def test_worker_runs_the_jobs_until_sigterm(tmp_path: Path) -> None:
    home = tmp_path / "home"
    proc = start(["worker"], environment(home, COSTLAKE_SCHEDULER="off"))
    try:
        read_until(proc, r"(worker running \d+ job)", seconds=120)
        wait_until(lambda: set(_states(home).values()) == {"succeeded"}, timeout=120)
    finally:
        code, log = stop(proc, signal.SIGTERM)
    assert code == 0 and "Traceback" not in log, log


def _states(home: Path) -> dict[str, str]:
    """``costlake jobs --output json`` as job name -> state, from a process of its own."""
    listing = subprocess.run(
        [COSTLAKE, "jobs", "--output", "json"],
        env=environment(home),
        capture_output=True,
        text=True,
        check=True,
    )
    return {j["name"]: j["state"] for j in json.loads(listing.stdout)}
