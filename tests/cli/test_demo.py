"""The README's first command: ``costlake demo`` loads demo data, prints a URL and a working
key, and serves (run as a user would, in its own process)."""

from __future__ import annotations

import json
import signal
import socket
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from costlake.cli.demo_key import demo_key, demo_key_file
from costlake.config import Settings
from costlake.dialects.registry import install
from costlake.keys.service import authenticate, list_keys, revoke_key
from costlake.platform import Platform
from tests.cli.serving_process import COSTLAKE, environment, free_port, read_until, start, stop

DEMO = ["demo", "--rows", "30000", "--days", "70"]


@pytest.mark.slow
def test_demo_serves_demo_data_with_a_working_key_and_reuses_it(tmp_path: Path) -> None:
    port = free_port()
    env = environment(tmp_path / "home")
    proc = start([*DEMO, "--port", str(port)], env)
    try:
        url, _ = read_until(proc, r"at (http://\S+)")
        key, shown = read_until(proc, r"API key: (ce_live_\w{32})", seconds=10)
        assert url == f"http://127.0.0.1:{port}"
        # Sent the moment the key is printed, with no retry: the socket already listens.
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as c:
            r = c.get("/v1/costs/summary", params={"period": "month"})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["totals"]["current"] > 0
            assert {a["provider"] for a in body["accounts"]} == {"aws", "azure", "gcp"}
            assert c.get("/v1/report", params={"format": "markdown"}).status_code == 200
        _, rest = read_until(proc, r"(Sign in)", seconds=120)  # the other APIs' keys, then this
    finally:
        code, log = stop(proc, signal.SIGINT)
    assert code == 0 and "Traceback" not in log, log
    first_log = shown + rest + log

    # A second run serves the same key, and Ctrl-C right after it is printed stops it cleanly.
    again = start([*DEMO, "--port", str(port)], env)
    try:
        second, _ = read_until(again, r"API key: (ce_live_\w{32})")
    finally:
        code, log = stop(again, signal.SIGINT)
    assert second == key
    assert code in (0, 130) and "Traceback" not in log, log  # 130: stopped before serving
    listing = subprocess.run(
        [COSTLAKE, "keys", "list", "--org", "demo", "--output", "json"],
        capture_output=True, text=True, env=env, check=True,
    ).stdout  # fmt: skip
    keys = json.loads(listing)  # one demo key per dialect, the same on every run
    assert [k["status"] for k in keys] == ["active"] * len(keys)
    assert len({k["style"] for k in keys}) == len(keys) == len(install())
    assert all(f"{d.title.split(' (')[0]}: API key: " in first_log for d in install())
    assert "Sign in (Xplorr POST /api/v1/auth/login): demo@costlake.example / demo-" in first_log


def test_demo_on_a_busy_port_fails_before_creating_anything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [COSTLAKE, *DEMO, "--port", str(port)],
            capture_output=True, text=True, env=environment(home), timeout=120, check=False,
        )  # fmt: skip
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "in use" in result.stderr and "API key" not in result.stdout
    assert not (home / "demo-data").exists() and not (home / "costlake.db").exists()


class TestDemoKey:
    @pytest.fixture
    def settings(self, tmp_path: Path) -> Settings:
        return Settings(home=tmp_path / "home")

    @pytest.fixture
    def session(self, settings: Settings) -> Iterator[Session]:
        install()  # the CloudExpat key style, as the CLI registers it
        platform = Platform.start(settings)
        try:
            with platform.session() as s:
                yield s
        finally:
            platform.close()

    def active(self, session: Session) -> list[str]:
        return [k.name for k in list_keys(session, "demo", include_revoked=False)]

    def test_the_same_key_on_every_run(self, session: Session, settings: Settings) -> None:
        first = demo_key(session, settings, "demo")
        assert demo_key(session, settings, "demo") == first
        assert self.active(session) == ["demo"]
        mode = stat.S_IMODE(demo_key_file(settings).stat().st_mode)
        assert mode == 0o600 and first not in demo_key_file(settings).read_text()

    def test_a_revoked_demo_key_is_replaced(self, session: Session, settings: Settings) -> None:
        first = demo_key(session, settings, "demo")
        [key] = list_keys(session, "demo")
        revoke_key(session, "demo", key.id)
        second = demo_key(session, settings, "demo")
        assert second != first and self.active(session) == ["demo"]

    def test_a_lost_key_file_revokes_the_old_key(
        self, session: Session, settings: Settings
    ) -> None:
        first = demo_key(session, settings, "demo")
        demo_key_file(settings).write_text("not a token")
        second = demo_key(session, settings, "demo")
        assert second != first and self.active(session) == ["demo"]
        assert authenticate(session, first) is None


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
