"""A live server over a lake holding SaaS, AI and database vendors' FOCUS rows (Datadog,
OpenAI, Snowflake) beside AWS rows that are not custom costs, for two orgs."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.config import Settings
from costlake.focus.scan import scan
from costlake.focus.schema import FOCUS_SCHEMA
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.platform import Platform
from tests.dialects.live import LiveServer, live_server

NOW = "2024-04-09T10:30:15Z"
START = datetime(2024, 3, 25)
DAYS = 20
# (ProviderName, ServiceCategory, ServiceName, ChargeDescription, ResourceType, ConsumedUnit)
VENDORS = [
    ("Datadog", "Management and Governance", "Infrastructure", "Infra hosts", "host", "hosts"),
    ("Datadog", "Management and Governance", "Logs", "Indexed logs", "logs", "GB"),
    ("OpenAI", "AI and Machine Learning", "API", "gpt-4o input tokens", "model", "tokens"),
    ("Snowflake", "Databases", "Warehouse", "Compute credits", "warehouse", "credits"),
    ("AWS", "Compute", "Amazon EC2", "m5.xlarge hours", "instance", "Hours"),
    ("Amazon Web Services", "Storage", "Amazon S3", "Storage", "bucket", "GB-Mo"),
]


def saas_rows(seed: int, n: int) -> pa.Table:
    """``n`` plausible FOCUS rows over ``DAYS`` days: some hourly, some with no billed cost
    (free credits: blended counts their list cost), some with no region or resource."""
    rnd = random.Random(seed)
    cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}
    for _ in range(n):
        provider, category, service, description, rtype, unit = rnd.choice(VENDORS)
        start = START + timedelta(hours=rnd.randrange(DAYS * 24))
        bp = start.replace(day=1, hour=0)
        listed = Decimal(rnd.randrange(1, 50_000)) / Decimal(1000)
        billed = Decimal(0) if rnd.random() < 0.2 else listed * Decimal("0.8")
        name = rnd.choice(["prod-api", "prod-db", "staging-web", None])
        row = {
            "BilledCost": billed,
            "EffectiveCost": billed,
            "ListCost": listed,
            "ContractedCost": billed,
            "BillingAccountId": rnd.choice(["acct-1", "acct-2"]),
            "BillingAccountName": f"{provider.lower()}-org",
            "BillingCurrency": "USD",
            "BillingPeriodStart": bp,
            "BillingPeriodEnd": (bp + timedelta(days=32)).replace(day=1),
            "ChargeCategory": rnd.choice(["Usage", "Usage", "Purchase"]),
            "ChargeDescription": description,
            "ChargePeriodStart": start,
            "ChargePeriodEnd": start + timedelta(hours=1),
            "ConsumedQuantity": Decimal(rnd.randrange(1, 1000)),
            "ConsumedUnit": unit,
            "InvoiceIssuerName": provider,
            "ProviderName": provider,
            "PublisherName": provider,
            "RegionId": rnd.choice(["us1", "eu1", None]),
            "ResourceId": f"{rtype}-{rnd.randrange(5)}" if name else None,
            "ResourceName": name,
            "ResourceType": rtype,
            "ServiceCategory": category,
            "ServiceName": service,
            "x_SourceId": "fixture",
            "x_SourceFormat": "focus",
            "x_IngestedAt": START,
        }
        for column, values in cols.items():
            values.append(row.get(column))
    return pa.table(cols, schema=FOCUS_SCHEMA)


@dataclass
class World:
    server: LiveServer
    acme_key: str
    globex_key: str
    files: dict[str, Path]

    @property
    def url(self) -> str:
        return self.server.url

    def sql(self, org: str, select: str) -> list[tuple[object, ...]]:
        """``select`` over the org's source file as ``costs`` (plain DuckDB, not costlake)."""
        with duckdb.connect() as con:
            con.execute(f"CREATE VIEW costs AS SELECT * FROM {scan([self.files[org]])}")
            return con.execute(select).fetchall()


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("COSTLAKE_NOW", NOW)
    return NOW


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home = tmp_path_factory.mktemp("kubecost")
    platform = Platform.start(Settings(home=home))
    try:
        files = {}
        for org, seed, n in (("acme", 21, 1500), ("globex", 22, 300)):
            files[org] = home / f"{org}.parquet"
            pq.write_table(saas_rows(seed, n), files[org])
            Ingestor(platform.lake).ingest([files[org]], org=org, source="fixture")
        with platform.session() as s:
            acme = create_key(s, "acme", "acme", ["*"], "kubecost")[1]
            globex = create_key(s, "globex", "globex", ["*"], "kubecost")[1]
        with live_server(platform) as server:
            yield World(server, acme, globex, files)
    finally:
        platform.close()
