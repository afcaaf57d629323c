"""Under the usual umask 022, everything costlake writes is readable by its owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.config import Settings
from costlake.kit.secretbox import SecretBox
from costlake.platform import Platform


@pytest.fixture(autouse=True)
def shell_umask() -> Iterator[None]:
    before = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(before)


def modes(root: Path) -> dict[str, int]:
    found = {".": stat.S_IMODE(root.stat().st_mode)}
    for path in root.rglob("*"):
        found[str(path.relative_to(root))] = stat.S_IMODE(path.stat().st_mode)
    return found


def assert_private(root: Path) -> None:
    for name, mode in modes(root).items():
        assert mode & 0o077 == 0, f"{name} is {mode:04o}"


def test_cli_ingest_and_keys_write_private_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared_data: Path
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("COSTLAKE_HOME", str(home))
    runner = CliRunner()
    sample = shared_data / "focus-samples" / "focus_sample.csv"
    assert runner.invoke(app, ["ingest", str(sample), "--org", "acme"]).exit_code == 0
    assert runner.invoke(app, ["keys", "create", "--org", "acme", "--name", "x"]).exit_code == 0
    assert any(p.suffix == ".parquet" for p in (home / "lake").rglob("*"))
    assert (home / "costlake.db").exists()
    assert_private(home)
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_the_server_platform_writes_private_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    platform = Platform.start(Settings(home=home))
    try:
        with platform.session() as session:
            session.execute(text("CREATE TABLE t (x int)"))
        SecretBox.from_settings(platform.settings)
        present = {p.name for p in home.iterdir()}
        assert {"costlake.db", "secret.key"} <= present
        assert "costlake.db-wal" in present or "costlake.db-shm" in present, present
        assert_private(home)
        assert stat.S_IMODE(home.stat().st_mode) == 0o700
    finally:
        platform.close()
