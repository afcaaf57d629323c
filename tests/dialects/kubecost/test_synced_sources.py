"""A stored SaaS source synced from its (replayed) vendor API is served as custom costs:
the OpenAI costs a sync writes are what ``/model/customCost/total`` answers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import httpx
import pytest

from costlake.config import Settings
from costlake.keys.service import create_key
from costlake.kit.secretbox import SecretBox
from costlake.platform import Platform
from costlake.sources.stored import add_source, sync_source
from tests.dialects.live import live_server
from tests.sources import replay
from tests.sources.replay import ACCOUNTS, SECRETS, TOTALS


def test_synced_openai_costs_are_custom_costs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSTLAKE_NOW", "2024-10-03T12:00:00Z")
    platform = Platform.start(Settings(home=tmp_path / "home"))
    try:
        with replay.serve() as vendor:
            with platform.session() as s:
                info = add_source(
                    s, SecretBox.from_settings(platform.settings), "acme", "openai",
                    ACCOUNTS["openai"], SECRETS["openai"], lake=platform.lake,
                    base_url=vendor.url, start=date(2024, 10, 1),
                )  # fmt: skip
            sync_source(platform, "acme", info.name)
        with platform.session() as s:
            key = create_key(s, "acme", "k", ["*"], "kubecost")[1]
        with live_server(platform) as server, httpx.Client(base_url=server.url) as c:
            r = c.get(
                "/model/customCost/total",
                params={"window": "3d", "aggregate": "domain,description"},
                headers={"Authorization": f"Bearer {key}"},
            )
    finally:
        platform.close()
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["window"] == {"start": "2024-10-01T00:00:00Z", "end": "2024-10-04T00:00:00Z"}
    assert round(data["totalBilledCost"], 6) == float(TOTALS["openai"][0])
    costs = {c["aggregate"]: c for c in data["customCosts"]}
    gpt = costs["openai/gpt-4o-2024-08-06, input"]
    assert gpt["cost_source"] == "ai" and gpt["billedCost"] == 0.06
    assert "openai/__unallocated__" in costs  # the line item OpenAI left empty
