"""A live server over two orgs' lakes (cloud rows and OpenAI rows with projects and users),
an org whose API access is switched off, and StackSpend keys made per test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.dialects.stackspend.dialect import STACKSPEND_KEY
from costlake.focus.scan import scan
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.live import LiveServer, live_server
from tests.lineitems.rows import ai_rows
from tests.query.conftest import focus_rows

OFF = "frozen"
"""The org whose API access the operator switched off."""


@dataclass
class World:
    server: LiveServer
    home: Path

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def client(self) -> object:
        return self.server.client()

    def key(self, scopes: list[str], org: str = "acme") -> str:
        with self.platform.session() as s:
            return create_key(s, org, "test", scopes, STACKSPEND_KEY)[1]

    def headers(self, scopes: list[str] | None = None, org: str = "acme") -> dict[str, str]:
        return {"X-API-Key": self.key(scopes or ["*"], org)}

    def ingest(self, org: str, table: pa.Table, name: str, source: str = "fixture") -> None:
        path = self.home / f"{org}-{name}.parquet"
        pq.write_table(table, path)
        Ingestor(self.platform.lake).ingest([path], org=org, source=source)

    def sql(self, org: str, select: str) -> list[tuple[object, ...]]:
        """``select`` over the org's live lake files as ``costs``, in plain DuckDB."""
        files = self.platform.lake.snapshot(org).files()
        with duckdb.connect() as con:
            con.execute(f"CREATE VIEW costs AS SELECT * FROM {scan(files)}")
            return con.execute(select).fetchall()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("stackspend")
    platform = Platform.start(Settings(home=home, credential_cache_seconds=0, api_access_off=[OFF]))
    try:
        with live_server(platform) as server:
            w = World(server, home)
            w.ingest("acme", focus_rows(31, 3000), "cloud")
            w.ingest("acme", ai_rows(200), "ai", source="openai")
            w.ingest("globex", focus_rows(32, 300), "cloud")
            w.ingest(OFF, focus_rows(33, 10), "cloud")
            yield w
    finally:
        platform.close()
