"""A live server with two orgs of known data, on SQLite and on PostgreSQL, and its keys."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from costlake.accounts.discovery import sync_accounts
from costlake.config import Settings
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.db.fixtures import BACKENDS, fresh_database
from tests.dialects.live import LiveServer, live_server
from tests.query.conftest import focus_rows

NOW = "2024-10-16T10:30:00Z"
CCFT_ACCOUNT = "111111111111"
CCFT_KG_OCTOBER = "31000"  # reported for October 2024: 1,000 kg a day
CCFT = (
    "last_refresh_timestamp,location,model_version,payer_account_id,product_code,region_code,"
    "total_lbm_emissions_unit,total_lbm_emissions_value,total_mbm_emissions_unit,"
    "total_mbm_emissions_value,usage_account_id,usage_period_end,usage_period_start\n"
    "2024-11-20 10:00:00Z,US East (N. Virginia),v3.0.0,999,AmazonEC2,us-east-1,MTCO2e,31,"
    f"MTCO2e,20,{CCFT_ACCOUNT},2024-11-01 00:00:00Z,2024-10-01 00:00:00Z\n"
)


@dataclass
class World:
    server: LiveServer
    acme_key: str
    globex_key: str
    home: Path

    @property
    def url(self) -> str:
        return self.server.url

    def new_key(self, org: str = "acme", style: str = "cloudexpat") -> str:
        with self.server.platform.session() as s:
            return create_key(s, org, "test", ["*"], style)[1]


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> str:
    """Every test here sees ``NOW`` (the server reads the clock per request); monkeypatch
    restores the environment after each test, so no later test inherits the pin."""
    monkeypatch.setenv("COSTLAKE_NOW", NOW)
    return NOW


@pytest.fixture(scope="session", params=BACKENDS)
def world(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[World]:
    home = tmp_path_factory.mktemp(f"home-{request.param}")
    with fresh_database(request.param, home) as url:
        # every lookup hits the database, so revocations and grants show at once
        settings = Settings(home=home, database_url=url, credential_cache_seconds=0)
        platform = Platform.start(settings)
        try:
            for org, seed, n in (("acme", 7, 6000), ("globex", 8, 800)):
                path = home / f"{org}.parquet"
                pq.write_table(focus_rows(seed, n), path)
                platform.ingestor().ingest([path], org=org, source="fixture")
            ccft = home / "ccft.csv"
            ccft.write_text(CCFT)
            platform.ingestor().ingest([ccft], org="acme", source="ccft")
            with platform.session() as s:
                for org in ("acme", "globex"):
                    sync_accounts(s, platform.lake, org)
                acme = create_key(s, "acme", "acme", ["*"], "cloudexpat")[1]
                globex = create_key(s, "globex", "globex", ["*"], "cloudexpat")[1]
            with live_server(platform) as server:
                yield World(server, acme, globex, home)
        finally:
            platform.close()
