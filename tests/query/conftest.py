"""A small, varied FOCUS lake for query tests, and the engines every query test runs on."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.focus.schema import FOCUS_SCHEMA
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.platform import default_enrichers
from costlake.query.engines import Engine, get_engine
from costlake.query.service import QueryService

START = datetime(2024, 8, 1)
DAYS = 75
SERVICES = [
    ("AWS", "Amazon EC2", "Compute"),
    ("AWS", "Amazon S3", "Storage"),
    ("Microsoft", "Virtual Machines", "Compute"),
    ("Google Cloud", "BigQuery", "Analytics"),
    ("AWS", "Amazon RDS", "Databases"),
]
ACCOUNTS = ["111111111111", "222222222222", "333333333333"]
TEAMS = ["core", "data", "web", None]


def focus_rows(seed: int, n: int) -> pa.Table:
    """``n`` random but plausible FOCUS rows, hourly, across three months."""
    rnd = random.Random(seed)
    cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}
    for i in range(n):
        provider, service, category = rnd.choice(SERVICES)
        start = START + timedelta(hours=rnd.randrange(DAYS * 24))
        bp = start.replace(day=1, hour=0)
        bp_end = (bp + timedelta(days=32)).replace(day=1)
        cost = Decimal(rnd.randrange(-500, 100_000)) / Decimal(10_000)
        team = rnd.choice(TEAMS)
        tags = [("team", team)] if team else []
        if rnd.random() < 0.5:
            tags.append(("env", rnd.choice(["prod", "dev"])))
        row = {
            "BilledCost": cost,
            "EffectiveCost": cost * Decimal("0.9"),
            "ListCost": cost * Decimal("1.2"),
            "ContractedCost": cost,
            "BillingAccountId": "999",
            "BillingAccountName": "Payer",
            "BillingCurrency": "USD",
            "BillingPeriodStart": bp,
            "BillingPeriodEnd": bp_end,
            "ChargeCategory": "Usage",
            "ChargePeriodStart": start,
            "ChargePeriodEnd": start + timedelta(hours=1),
            "InvoiceIssuerName": provider,
            "ProviderName": provider,
            "PublisherName": provider,
            "ServiceCategory": category,
            "ServiceName": service,
            "SubAccountId": rnd.choice(ACCOUNTS),
            "RegionId": rnd.choice(["us-east-1", "eu-west-1", None]),
            "ResourceId": f"r-{rnd.randrange(40)}",
            # Compute usage the carbon estimator can read: one instance for the hour.
            "ConsumedQuantity": Decimal(1) if service == "Amazon EC2" else None,
            "ConsumedUnit": "Hours" if service == "Amazon EC2" else None,
            "SkuPriceDetails": '{"InstanceType": "m5.xlarge"}' if service == "Amazon EC2" else None,
            "Tags": json.dumps(dict(tags)) if tags else None,
            "x_SourceId": "fixture",
            "x_SourceFormat": "focus",
            "x_IngestedAt": START,
        }
        for name, values in cols.items():
            values.append(row.get(name))
        del i
    return pa.table(cols, schema=FOCUS_SCHEMA)


@pytest.fixture(scope="session")
def query_lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    root = tmp_path_factory.mktemp("query-lake")
    lake = Lake(root / "lake")
    path = root / "fixture.parquet"
    pq.write_table(focus_rows(7, 6000), path)
    Ingestor(lake, enrichers=default_enrichers()).ingest([path], org="acme", source="fixture")
    other = root / "other.parquet"
    pq.write_table(focus_rows(8, 500), other)
    Ingestor(lake, enrichers=default_enrichers()).ingest([other], org="globex", source="fixture")
    return lake


def _engines() -> list[object]:
    return ["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow])]


@pytest.fixture(scope="session")
def _spark_engine() -> Iterator[Engine]:
    engine = get_engine("spark")
    yield engine
    engine.close()


@pytest.fixture(params=_engines())
def engine(request: pytest.FixtureRequest) -> Engine:
    """Every query test runs on every engine, through this one fixture."""
    if request.param == "spark":
        return request.getfixturevalue("_spark_engine")
    return get_engine("duckdb")


@pytest.fixture
def queries(query_lake: Lake, engine: Engine) -> QueryService:
    return QueryService(query_lake, engine)
