"""A live server with CloudZero's dialect over real billing data: the FOCUS sample (org
``acme``), the legacy AWS CUR sample (org ``legacy``) and generated FOCUS rows with tags in
three accounts (org ``globex``), with a key of each org in CloudZero's shape."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
import httpx
import pyarrow.parquet as pq
import pytest

from costlake.accounts.discovery import sync_accounts
from costlake.config import Settings
from costlake.focus.scan import scan
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.conftest import SHARED
from tests.dialects.live import LiveServer, live_server
from tests.query.conftest import focus_rows

FOCUS_SAMPLE = SHARED / "data" / "focus-samples" / "focus_sample.csv"
CUR_SAMPLE = SHARED / "data" / "provider-exports" / "sample-anonymous-aws-export-dataset.csv"
SEED_OPENAPI = SHARED / "seeds" / "cloudzero-openapi.yml"
ORGS = {"acme": "focus sample", "legacy": "legacy CUR sample", "globex": "generated rows"}


@dataclass
class World:
    server: LiveServer
    keys: dict[str, str]

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def client(self, org: str = "acme", *, bearer: bool = False) -> httpx.Client:
        key = self.keys[org]
        return self.server.client(Authorization=f"Bearer {key}" if bearer else key)

    def key(self, org: str, scopes: list[str], **kw: Any) -> str:
        with self.platform.session() as s:
            return create_key(s, org, "test", scopes, "cloudzero", **kw)[1]

    def sql(self, org: str, sql: str) -> list[tuple[Any, ...]]:
        """``sql`` over the org's lake files as a view ``costs``, straight in DuckDB."""
        files = self.platform.lake.snapshot(org).files()
        con = duckdb.connect()
        try:
            con.execute(f"CREATE VIEW costs AS SELECT * FROM {scan(files)}")
            return con.execute(sql).fetchall()
        finally:
            con.close()


@pytest.fixture(scope="session")
def cz(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("cloudzero")
    settings = Settings(home=home, rate_limits={"cloudzero": 1_000_000})
    platform = Platform.start(settings)
    try:
        ingest = Ingestor(platform.lake)
        ingest.ingest([FOCUS_SAMPLE], org="acme", source="focus")
        ingest.ingest([CUR_SAMPLE], org="legacy", source="cur")
        generated = home / "globex.parquet"
        pq.write_table(focus_rows(5, 3000), generated)
        ingest.ingest([generated], org="globex", source="fixture")
        keys = {}
        with platform.session() as s:
            for org in ORGS:
                sync_accounts(s, platform.lake, org)
                keys[org] = create_key(s, org, "test", ["*"], "cloudzero")[1]
        with live_server(platform) as server:
            yield World(server, keys)
    finally:
        platform.close()
