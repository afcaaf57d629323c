"""Fixtures of the anomaly tests: daily FOCUS bills with known anomalies, ingested into a real
lake, and the metadata database (SQLite and PostgreSQL)."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.focus.schema import FOCUS_SCHEMA
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.query.service import QueryService
from tests.db.fixtures import (  # noqa: F401
    db_engine,
    db_session,
    empty_db_url,
    migrated_db_engine,
)

START = date(2024, 6, 1)
DAYS = 70


@dataclass
class Line:
    """One charge of a bill (a whole day unless said otherwise)."""

    day: date
    cost: float
    service: str = "Amazon EC2"
    provider: str = "AWS"
    account: str = "111111111111"
    category: str = "Usage"
    frequency: str | None = "Usage-Based"
    region: str = "us-east-1"
    resource: str = "i-0001"
    usage_type: str = "BoxUsage:m5.large"


@dataclass
class Bill:
    """Daily lines of a bill; ``series`` adds a service's daily costs."""

    lines: list[Line] = field(default_factory=list)

    def series(self, costs: Sequence[float], start: date = START, **kw: str) -> Bill:
        for i, cost in enumerate(costs):
            if cost:
                self.lines.append(Line(start + timedelta(days=i), cost, **kw))
        return self

    def add(self, day: date, cost: float, **kw: str | None) -> Bill:
        self.lines.append(Line(day, cost, **kw))  # type: ignore[arg-type]
        return self

    def table(self) -> pa.Table:
        cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}
        for line in self.lines:
            start = datetime.combine(line.day, time())
            bp = start.replace(day=1)
            money = Decimal(str(round(line.cost, 6)))
            row = {
                "BilledCost": money,
                "EffectiveCost": money,
                "ListCost": money,
                "ContractedCost": money,
                "BillingAccountId": "999999999999",
                "BillingCurrency": "USD",
                "BillingPeriodStart": bp,
                "BillingPeriodEnd": (bp + timedelta(days=32)).replace(day=1),
                "ChargeCategory": line.category,
                "ChargeFrequency": line.frequency,
                "ChargePeriodStart": start,
                "ChargePeriodEnd": start + timedelta(days=1),
                "InvoiceIssuerName": line.provider,
                "ProviderName": line.provider,
                "PublisherName": line.provider,
                "ServiceCategory": "Compute",
                "ServiceName": line.service,
                "SubAccountId": line.account,
                "RegionId": line.region,
                "ResourceId": line.resource,
                "SkuMeter": line.usage_type,
                "x_SourceId": "fixture",
                "x_SourceFormat": "focus",
                "x_IngestedAt": datetime(2024, 9, 1),
            }
            for name, values in cols.items():
                values.append(row.get(name))
        return pa.table(cols, schema=FOCUS_SCHEMA)


def weekly(
    days: int = DAYS, level: float = 200.0, seed: int = 1, noise: float = 0.04
) -> list[float]:
    """A usage series with a weekend dip and a little noise, starting on ``START``."""
    rnd = random.Random(seed)
    out = []
    for i in range(days):
        weekend = (START + timedelta(days=i)).weekday() >= 5
        out.append(level * (0.6 if weekend else 1.0) * (1 + noise * rnd.uniform(-1, 1)))
    return out


def ingest(lake: Lake, bill: Bill, tmp: Path, org: str = "acme", source: str = "fixture") -> None:
    path = (
        tmp
        / f"{org}-{source}-{len(bill.lines)}-{math.floor(sum(x.cost for x in bill.lines))}.parquet"
    )
    pq.write_table(bill.table(), path)
    Ingestor(lake).ingest([path], org=org, source=source)


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path / "lake")


@pytest.fixture
def queries(lake: Lake) -> QueryService:
    return QueryService(lake)
