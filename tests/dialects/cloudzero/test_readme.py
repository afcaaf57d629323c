"""The README's CloudZero lines, run with curl against ``costlake demo`` as a user would:
the ``try:`` line the demo prints for CloudZero, and every CloudZero ``curl`` line of the
README with the demo's key and address put in."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
from pathlib import Path

import pytest

from tests.cli.serving_process import environment, free_port, read_until, start, stop

README = Path(__file__).resolve().parents[3] / "README.md"
DEMO = ["demo", "--rows", "20000", "--days", "60"]


def readme_lines() -> list[str]:
    """Every ``curl`` line of the README that uses a CloudZero key (``czk_…``)."""
    lines = [line.strip() for line in README.read_text().splitlines()]
    return [line.removeprefix("try: ") for line in lines if "curl " in line and "czk_…" in line]


def run(command: str) -> tuple[int, object]:
    """Run one curl line in a shell; (HTTP status, JSON body)."""
    out = subprocess.run(  # noqa: S602 - the README's line, in a shell as a user runs it
        command + " -w '\\n%{http_code}'", shell=True, capture_output=True, text=True, timeout=60
    )
    body, _, status = out.stdout.rpartition("\n")
    return int(status), json.loads(body)


def test_the_readme_has_the_billing_and_the_anycost_lines() -> None:
    lines = readme_lines()
    assert any("/v2/billing/costs" in line for line in lines)
    assert any("/billing_drops" in line for line in lines)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_cloudzero_lines_work_against_the_demo(tmp_path: Path) -> None:
    port = free_port()
    proc = start([*DEMO, "--port", str(port)], environment(tmp_path / "home"))
    try:
        url, _ = read_until(proc, r"at (http://\S+)")
        key, _ = read_until(proc, r"CloudZero API: API key: (czk_\w{40})", seconds=30)
        printed, _ = read_until(proc, r"try: (curl .*)", seconds=10)
        assert key in printed and url in printed
        status, body = run(printed)
        assert status == 200, body
        assert body["data"] and body["pagination"]["total"] > 0  # type: ignore[index]

        answers = []
        for line in readme_lines():
            command = line.replace("czk_…", key).replace("http://127.0.0.1:8080", url)
            assert re.search(r"czk_\w{40}", command), line
            answers.append(run(command))
    finally:
        code, log = stop(proc, signal.SIGINT)
    assert code == 0 and "Traceback" not in log, log
    assert [s for s, _ in answers] == [200, 202, 200], answers
    drop, team = answers[1][1], answers[2][1]
    assert drop["months"] == ["2025-11"]  # type: ignore[index]
    assert team["data"] == [  # type: ignore[index]
        {"group": {"Tag:team": "network"},
         "cost": [{"timestamp": "2025-11-01T00:00:00Z", "value": 42.5}]}
    ]  # fmt: skip
