"""Who may read the Kubecost dialect: Bearer API keys of the kubecost or plain style, and,
when the operator names an org for it, anyone without a credential (only this dialect)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from costlake.accounts.discovery import sync_accounts
from costlake.config import Settings
from costlake.dialects.kubecost.dialect import KUBECOST_KEY
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.kubecost.conftest import World, saas_rows
from tests.dialects.live import LiveServer, live_server

TOTAL = "/model/customCost/total?window=30d"


@pytest.fixture(scope="module")
def anonymous_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    home: Path = tmp_path_factory.mktemp("kubecost-anon")
    settings = Settings(home=home, anonymous_orgs={"kubecost": "acme"})
    platform = Platform.start(settings)
    try:
        for org, seed in (("acme", 31), ("globex", 32)):
            path = home / f"{org}.parquet"
            pq.write_table(saas_rows(seed, 200), path)
            Ingestor(platform.lake).ingest([path], org=org, source="fixture")
            with platform.session() as s:
                sync_accounts(s, platform.lake, org)  # the org exists in the metadata db
        with live_server(platform) as server:
            yield server
    finally:
        platform.close()


class TestKeys:
    def test_a_key_of_another_shape_is_refused(self, world: World) -> None:
        r = httpx.get(f"{world.url}{TOTAL}", headers={"Authorization": "Bearer ce_live_x"})
        assert r.status_code == 401 and r.json()["code"] == 401

    def test_the_kubecost_style_is_kc_and_40_characters(self, world: World) -> None:
        assert KUBECOST_KEY.matches(world.acme_key)
        assert world.acme_key.startswith("kc_") and len(world.acme_key) == 43

    def test_kubecost_and_plain_keys_are_accepted_as_bearer_tokens(self, world: World) -> None:
        with world.server.platform.session() as s:
            plain = create_key(s, "acme", "plain", ["costs:read"], "plain")[1]
        for key in (world.acme_key, plain):
            r = httpx.get(f"{world.url}{TOTAL}", headers={"Authorization": f"Bearer {key}"})
            assert r.status_code == 200, r.text


class TestAnonymous:
    def test_off_by_default(self, world: World) -> None:
        assert httpx.get(f"{world.url}{TOTAL}").status_code == 401

    def test_the_named_org_is_served_without_a_credential(
        self, anonymous_server: LiveServer
    ) -> None:
        r = httpx.get(f"{anonymous_server.url}{TOTAL}&aggregate=domain")
        assert r.status_code == 200, r.text
        with anonymous_server.platform.session() as s:
            key = create_key(s, "acme", "k", ["*"], "kubecost")[1]
        keyed = httpx.get(
            f"{anonymous_server.url}{TOTAL}&aggregate=domain",
            headers={"Authorization": f"Bearer {key}"},
        )
        assert r.json()["data"] == keyed.json()["data"]
        assert r.json()["data"]["totalCost"] > 0

    def test_a_credential_sent_is_still_checked(self, anonymous_server: LiveServer) -> None:
        r = httpx.get(
            f"{anonymous_server.url}{TOTAL}", headers={"Authorization": "Bearer kc_" + "x" * 40}
        )
        assert r.status_code == 401

    def test_other_dialects_still_need_a_credential(self, anonymous_server: LiveServer) -> None:
        r = httpx.get(f"{anonymous_server.url}/v1/costs/summary")
        assert r.status_code == 401


def test_the_cli_makes_a_kubecost_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from costlake.cli.app import app

    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path))
    monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
    args = ["keys", "create", "--org", "acme", "--name", "kc", "--style", "kubecost"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip().splitlines()[-1]
    assert KUBECOST_KEY.matches(secret)
