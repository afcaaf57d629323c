"""An org's API access switch (``costlake orgs api-access ORG on|off``): while off every
dialect refuses the org's keys in its own body (StackSpend: PLAN_RESTRICTED), from the next
request on, even with the credential cache on; other orgs are not touched."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.config import Settings
from costlake.dialects.registry import install
from costlake.dialects.stackspend.dialect import STACKSPEND_KEY
from costlake.keys.service import create_key
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from costlake.serving import serve_in_thread

ANOMALIES = "/api/v1/public/anomalies"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path))
    return CliRunner()


def test_switching_api_access_off_and_on_takes_effect_on_the_next_request(
    cli: CliRunner, tmp_path: Path
) -> None:
    install()  # the dialects register their key styles
    platform = Platform.start(Settings(home=tmp_path, credential_cache_seconds=600))
    try:
        with platform.session() as s:
            acme = create_key(s, "acme", "t", ["*"], STACKSPEND_KEY)[1]
            globex = create_key(s, "globex", "t", ["*"], STACKSPEND_KEY)[1]
            plain = create_key(s, "acme", "t", ["*"], "cloudexpat")[1]
        with serve_in_thread(platform) as url, httpx.Client(base_url=url) as c:
            assert c.get(ANOMALIES, headers={"X-API-Key": acme}).status_code == 200

            result = cli.invoke(app, ["orgs", "api-access", "acme", "off"])
            assert result.exit_code == 0, result.output
            assert "API access of org acme is off" in result.output

            r = c.get(ANOMALIES, headers={"X-API-Key": acme})
            assert r.status_code == 403
            assert r.json()["error"]["code"] == "PLAN_RESTRICTED"
            r = c.get("/v1/costs/summary", headers={"Authorization": f"Bearer {plain}"})
            assert r.status_code == 403 and "switched off" in r.text
            assert c.get(ANOMALIES, headers={"X-API-Key": globex}).status_code == 200

            listed = cli.invoke(app, ["orgs", "list", "--output", "json"])
            rows = {o["slug"]: o["api_access"] for o in json.loads(listed.output)}
            assert rows == {"acme": "off", "globex": "on"}

            assert cli.invoke(app, ["orgs", "api-access", "acme", "on"]).exit_code == 0
            assert c.get(ANOMALIES, headers={"X-API-Key": acme}).status_code == 200
    finally:
        platform.close()


def test_bad_arguments_get_one_line(cli: CliRunner, tmp_path: Path) -> None:
    platform = Platform.start(Settings(home=tmp_path))
    try:
        with platform.session() as s:
            get_or_create_org(s, "acme")
    finally:
        platform.close()
    result = cli.invoke(app, ["orgs", "api-access", "acme", "maybe"])
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == ["error: state must be on or off, not 'maybe'"]
    result = cli.invoke(app, ["orgs", "api-access", "nope", "off"])
    assert result.exit_code != 0 and "no org 'nope'" in result.output
    assert "Traceback" not in result.output
