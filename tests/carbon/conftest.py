"""Write FOCUS line items to a Parquet file, ingest them for real, read the lake back."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.focus.scan import scan
from costlake.focus.schema import FOCUS_SCHEMA
from costlake.ingest.pipeline import Enricher, Ingestor
from costlake.lake.store import Lake
from costlake.platform import default_enrichers

SEPT = datetime(2024, 9, 2, 10)  # a 30-day month


def line(**values: Any) -> dict[str, Any]:
    """One AWS EC2 usage line in September 2024; keyword arguments override any column."""
    row: dict[str, Any] = {
        "BilledCost": Decimal(1),
        "EffectiveCost": Decimal(1),
        "ListCost": Decimal(1),
        "ContractedCost": Decimal(1),
        "BillingAccountId": "999",
        "BillingCurrency": "USD",
        "BillingPeriodStart": datetime(2024, 9, 1),
        "BillingPeriodEnd": datetime(2024, 10, 1),
        "ChargeCategory": "Usage",
        "ChargePeriodStart": SEPT,
        "ChargePeriodEnd": datetime(2024, 9, 2, 11),
        "InvoiceIssuerName": "AWS",
        "ProviderName": "AWS",
        "PublisherName": "AWS",
        "ServiceCategory": "Compute",
        "ServiceName": "Amazon Elastic Compute Cloud",
        "SubAccountId": "111",
        "x_SourceId": "t",
        "x_SourceFormat": "focus",
        "x_IngestedAt": datetime(2024, 9, 3),
    }
    row.update(values)
    return row


def write_focus(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    cols = {f.name: [r.get(f.name) for r in rows] for f in FOCUS_SCHEMA}
    pq.write_table(pa.table(cols, schema=FOCUS_SCHEMA), path)
    return path


IngestRows = Callable[..., list[dict[str, Any]]]


@pytest.fixture
def ingest_rows(tmp_path: Path) -> IngestRows:
    """Ingest rows into a fresh lake (a platform's enrichers unless given) and return them, in the
    order given (each row gets a ResourceId ``row-<i>`` to keep track of it)."""

    def run(
        rows: Sequence[dict[str, Any]], *, enrichers: Sequence[Enricher] | None = None
    ) -> list[dict[str, Any]]:
        rows = [{**r, "ResourceId": f"row-{i}"} for i, r in enumerate(rows)]
        path = write_focus(tmp_path / "in.parquet", rows)
        lake = Lake(tmp_path / "lake")
        chosen = default_enrichers() if enrichers is None else enrichers
        Ingestor(lake, enrichers=chosen).ingest([path], org="acme", source="test")
        files = lake.snapshot("acme").files()
        table = duckdb.connect().sql(f"SELECT * FROM {scan(files)}").to_arrow_table()
        out = {r["ResourceId"]: r for r in table.to_pylist()}
        return [out[f"row-{i}"] for i in range(len(rows))]

    return run
