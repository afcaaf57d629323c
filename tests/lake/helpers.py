"""Small FOCUS files for lake tests, built in the test's temp folder."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from costlake.focus.scan import scan
from costlake.focus.schema import FOCUS_SCHEMA


def focus_file(
    path: Path, *, month: int, rows: int, cost: str, account: str = "999", year: int = 2024
) -> Path:
    """``rows`` rows of one billing period, each costing ``cost``."""
    start = datetime(year, month, 1)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    n = rows
    charge = [start + timedelta(hours=i % 24 * 28) for i in range(n)]
    data = {f.name: pa.nulls(n, f.type) for f in FOCUS_SCHEMA}
    data.update(
        {
            "BilledCost": pa.array([Decimal(cost)] * n, FOCUS_SCHEMA.field("BilledCost").type),
            "EffectiveCost": pa.array([Decimal(cost)] * n, FOCUS_SCHEMA.field("BilledCost").type),
            "ListCost": pa.array([Decimal(cost)] * n, FOCUS_SCHEMA.field("BilledCost").type),
            "ContractedCost": pa.array([Decimal(cost)] * n, FOCUS_SCHEMA.field("BilledCost").type),
            "BillingAccountId": pa.array([account] * n),
            "BillingCurrency": pa.array(["USD"] * n),
            "BillingPeriodStart": pa.array([start] * n, pa.timestamp("us")),
            "BillingPeriodEnd": pa.array([end] * n, pa.timestamp("us")),
            "ChargeCategory": pa.array(["Usage"] * n),
            "ChargePeriodStart": pa.array(charge, pa.timestamp("us")),
            "ChargePeriodEnd": pa.array(
                [c + timedelta(hours=1) for c in charge], pa.timestamp("us")
            ),
            "InvoiceIssuerName": pa.array(["AWS"] * n),
            "ProviderName": pa.array(["AWS"] * n),
            "PublisherName": pa.array(["AWS"] * n),
            "ServiceCategory": pa.array(["Compute"] * n),
            "ServiceName": pa.array(["Amazon EC2"] * n),
            "x_SourceId": pa.array(["t"] * n),
            "x_SourceFormat": pa.array(["focus"] * n),
            "x_IngestedAt": pa.array([start] * n, pa.timestamp("us")),
        }
    )
    pq.write_table(pa.table(data, schema=FOCUS_SCHEMA), path)
    return path


def total(lake: object, org: str = "acme") -> tuple[int, Decimal | None]:
    import duckdb

    files = lake.snapshot(org).files()  # type: ignore[attr-defined]
    if not files:
        return (0, None)
    con = duckdb.connect()  # one per call: readers run on several threads
    try:
        return con.execute(f"SELECT count(*), sum(BilledCost) FROM {scan(files)}").fetchone()  # type: ignore[return-value]
    finally:
        con.close()
