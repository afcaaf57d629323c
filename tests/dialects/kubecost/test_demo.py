"""The README's Kubecost line answers on the quickstart's demo data: ``costlake demo``
generates SaaS and AI rows, so ``/model/customCost/total?window=30d`` has custom costs."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from costlake.config import Settings
from costlake.demo.generator import generate
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.live import live_server


def test_the_demo_data_has_custom_costs_in_the_last_30_days(tmp_path: Path) -> None:
    """(``pinned_now`` fixes today; the generator's last day is the day before it.)"""
    generate(tmp_path / "demo", rows=1500, days=32, seed=42)
    platform = Platform.start(Settings(home=tmp_path / "home"))
    try:
        platform.ingestor().ingest([tmp_path / "demo"], org="demo")
        with platform.session() as s:
            key = create_key(s, "demo", "demo", ["*"], "kubecost")[1]
        with live_server(platform) as server, httpx.Client(base_url=server.url) as c:
            r = c.get(
                "/model/customCost/total",
                params={"window": "30d", "aggregate": "domain"},
                headers={"Authorization": f"Bearer {key}"},
            )
    finally:
        platform.close()
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["totalCost"] > 0
    domains = {c["aggregate"] for c in data["customCosts"]}
    assert {"openai", "anthropic", "datadog", "snowflake"} <= domains
    assert not domains & {"aws", "microsoft", "google cloud"}


@pytest.fixture(autouse=True)
def _home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
