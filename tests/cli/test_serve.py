"""``costlake serve``: one-line errors, its URL printed once it listens, and an access log
that never shows credentials or query values."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from tests.cli.serving_process import (
    COSTLAKE,
    environment,
    free_port,
    read_until,
    start,
    stop,
)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [COSTLAKE, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


class TestServeErrors:
    def test_busy_port_is_one_line(self, tmp_path: Path) -> None:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            line = one_line_error(run(["serve", "--port", str(port)], environment(tmp_path)))
        assert f"127.0.0.1:{port}" in line and "in use" in line

    def test_port_out_of_range_is_a_usage_error(self, tmp_path: Path) -> None:
        result = run(["serve", "--port", "70000"], environment(tmp_path))
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert "--port" in result.stderr and "65535" in result.stderr

    def test_bad_setting_names_its_environment_variable(self, tmp_path: Path) -> None:
        env = environment(tmp_path, COSTLAKE_QUERY_THREADS="0")
        line = one_line_error(run(["serve"], env))
        assert line.startswith("error: COSTLAKE_QUERY_THREADS=0:")

    def test_a_secret_setting_is_not_echoed(self, tmp_path: Path) -> None:
        from costlake.cli.context import settings_error
        from costlake.config import Settings

        try:
            Settings(database_url=["hunter2"])  # type: ignore[arg-type]
        except Exception as e:  # noqa: BLE001
            message = settings_error(e, {}).message  # type: ignore[arg-type]
        assert "COSTLAKE_DATABASE_URL" in message and "hunter2" not in message


def test_spark_without_pyspark_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path
) -> None:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    sample = shared_data / "focus-samples" / "focus_sample.csv"
    assert runner.invoke(app, ["ingest", str(sample)]).exit_code == 0
    monkeypatch.setitem(sys.modules, "pyspark", None)  # import pyspark -> ImportError
    result = runner.invoke(
        app, ["query", "--start", "2024-09-01", "--end", "2024-11-01", "--engine", "spark"]
    )
    assert (
        result.exit_code == 2
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    ), result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines == [lines[0]] and "costlake[spark]" in lines[0], result.output


def test_serve_prints_its_url_answers_at_once_and_redacts_the_access_log(tmp_path: Path) -> None:
    port = free_port()
    proc = start(["serve", "--port", str(port)], environment(tmp_path))
    try:
        url, _ = read_until(proc, r"serving at (http://\S+)", seconds=120)
        assert url == f"http://127.0.0.1:{port}"
        secret = "ce_live_" + "S3cr3t" * 5 + "xy"
        # No retry: the socket listens before the URL is printed.
        r = httpx.get(f"{url}/v1/costs/summary?api_key={secret}&period=month&team=pay")
        assert r.status_code == 401
    finally:
        code, log = stop(proc, signal.SIGINT)
    assert code == 0 and "Traceback" not in log, log
    assert "/v1/costs/summary?api_key=REDACTED&period=REDACTED&team=REDACTED" in log, log
    assert secret not in log and "month" not in log


def test_a_home_that_cannot_be_a_folder_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = run(["keys", "list", "--org", "x"], environment(blocker / "home"))
    line = one_line_error(result)
    assert str(blocker / "home") in line and "Not a directory" in line
