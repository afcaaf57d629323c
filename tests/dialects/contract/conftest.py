"""A live server with every registered dialect plus two made-up vendors, over two orgs."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from costlake.accounts.discovery import sync_accounts
from costlake.config import Settings
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.schemes import ApiKeyScheme
from costlake.dialects.registry import install
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.keys.styles import register_style
from costlake.platform import Platform
from costlake.server import create_app
from costlake.serving import serve_in_thread
from tests.dialects.contract.vendors import META_KEY, NESTED_KEY, MetaVendor, NestedVendor
from tests.query.conftest import focus_rows


def all_dialects() -> list[Dialect]:
    register_style(NESTED_KEY)
    register_style(META_KEY)
    return [*install(), NestedVendor(), MetaVendor()]


DIALECTS = all_dialects()


@dataclass
class World:
    url: str
    platform: Platform

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)

    def key(self, dialect: Dialect, scopes: list[str], org: str = "acme", user=None) -> str:  # noqa: ANN001
        scheme = next(s for s in dialect.schemes if isinstance(s, ApiKeyScheme))
        with self.platform.session() as s:
            return create_key(s, org, "contract", scopes, scheme.styles[0], user=user)[1]


def build_world(home: Path, **settings: object) -> Iterator[World]:
    # no credential cache: a revoked key must be refused at once
    platform = Platform.start(Settings(home=home, credential_cache_seconds=0, **settings))
    try:
        for org, seed in (("acme", 11), ("globex", 12)):
            path = home / f"{org}.parquet"
            pq.write_table(focus_rows(seed, 300), path)
            Ingestor(platform.lake).ingest([path], org=org, source="fixture")
            with platform.session() as s:
                sync_accounts(s, platform.lake, org)
        app = create_app(platform=platform, dialects=DIALECTS)
        with serve_in_thread(platform, app=app) as url:
            yield World(url, platform)
    finally:
        platform.close()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from build_world(
        tmp_path_factory.mktemp("contract"),
        anonymous_orgs={"tvmeta": "acme", "cloudexpat": "acme"},
    )


@pytest.fixture(scope="module")
def tight_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Every dialect limited to 2 requests per window, cloudexpat through the per-hour
    setting and the others through ``COSTLAKE_RATE_LIMITS``."""
    limits = {d.name: 2 for d in DIALECTS if d.name != "cloudexpat"}
    yield from build_world(
        tmp_path_factory.mktemp("tight"), rate_limits=limits, rate_limit_per_hour=2
    )
