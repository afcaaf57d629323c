"""``costlake keys create --style cloudzero`` makes a key of CloudZero's shape that the
server accepts raw and after ``Bearer``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.config import Settings
from costlake.dialects.cloudzero.dialect import CLOUDZERO_KEY
from costlake.platform import Platform
from tests.dialects.live import live_server


def test_the_cli_makes_a_cloudzero_key_the_server_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path))
    monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
    result = CliRunner().invoke(
        app, ["keys", "create", "--org", "acme", "--name", "cz", "--style", "cloudzero"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert CLOUDZERO_KEY.matches(secret) and secret.startswith("czk_") and len(secret) == 44
    platform = Platform.start(Settings(home=tmp_path))
    try:
        with live_server(platform) as server:
            for header in (secret, f"Bearer {secret}"):
                with server.client(Authorization=header) as c:
                    assert c.get("/v2/billing/dimensions").status_code == 200
            with server.client(Authorization=secret[:-1] + "!") as c:
                r = c.get("/v2/billing/dimensions")
            assert r.status_code == 401 and r.json()["code"] == "Unauthorized"
    finally:
        platform.close()
