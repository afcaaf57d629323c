"""The README's first command: ``costlake demo`` loads demo data, prints a URL and a working
key, and serves (run as a user would, in its own process)."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_demo_serves_demo_data_with_a_working_key(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "COSTLAKE_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("COSTLAKE_DATABASE_URL", None)
    env.pop("COSTLAKE_NOW", None)
    proc = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "costlake"),
            "demo",
            "--rows",
            "30000",
            "--days",
            "70",
            "--port",
            str(port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    try:
        url = key = None
        deadline = time.monotonic() + 240
        lines = []
        while time.monotonic() < deadline and not (url and key):
            line = proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                break
            lines.append(line)
            if m := re.search(r"at (http://\S+)", line):
                url = m.group(1)
            if m := re.search(r"API key: (ce_live_\w{32})", line):
                key = m.group(1)
        assert url == f"http://127.0.0.1:{port}" and key, "".join(lines)
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as c:
            for _ in range(100):
                try:
                    r = c.get("/v1/costs/summary", params={"period": "month"})
                    break
                except httpx.ConnectError:
                    time.sleep(0.2)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["totals"]["current"] > 0
            assert {a["provider"] for a in body["accounts"]} == {"aws", "azure", "gcp"}
            assert c.get("/v1/report", params={"format": "markdown"}).status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_demo_data_from_an_older_costlake_gets_its_rollups(tmp_path: Path) -> None:
    """A home whose demo lake predates rollups is served from rollups after ``demo`` starts."""
    from dataclasses import replace

    from costlake.cli.serve import _add_missing_rollups
    from costlake.demo.generator import generate
    from costlake.ingest.pipeline import Ingestor
    from costlake.lake import manifest as mf
    from costlake.lake.store import Lake

    generate(tmp_path / "data", rows=5_000, days=40, seed=1)
    lake = Lake(tmp_path / "lake")
    Ingestor(lake).ingest(sorted((tmp_path / "data").glob("*.parquet")), org="demo")
    org_dir = lake.org_dir("demo")
    current = mf.read(org_dir, "demo")
    old = tuple(replace(p, rollups=()) for p in current.partitions)
    mf.write_atomically(org_dir, replace(current, partitions=old))
    assert lake.snapshot("demo").rollup_files("daily") is None

    _add_missing_rollups(lake, "demo")
    assert lake.snapshot("demo").rollup_files("daily")
