"""A vendor's daily charge as one FOCUS row, and a batch of them as a FOCUS table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import pyarrow as pa

from costlake.focus.schema import FOCUS_SCHEMA
from costlake.kit.clock import utcnow


def month_of(day: date) -> tuple[datetime, datetime]:
    """The billing month holding ``day``: [first, first of next)."""
    first = datetime(day.year, day.month, 1)
    nxt = datetime(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return first, nxt


@dataclass(frozen=True, slots=True)
class FocusRow:
    provider: str
    category: str
    service: str
    billing_account: str
    billing_account_name: str | None
    sub_account: str | None
    description: str | None
    sku: str | None
    start: datetime
    end: datetime
    billing_period: tuple[datetime, datetime]
    billed: Decimal
    currency: str
    listed: Decimal | None = None
    quantity: Decimal | None = None
    unit: str | None = None
    region: str | None = None
    resource: str | None = None
    charge_category: str = "Usage"


def focus_table(rows: Iterable[FocusRow], source: str) -> pa.Table:
    """The rows in the lake's FOCUS schema (costs exact; list cost defaults to billed)."""
    ingested_at = utcnow()
    cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}
    for r in rows:
        values = {
            "BilledCost": r.billed,
            "EffectiveCost": r.billed,
            "ListCost": r.listed if r.listed is not None else r.billed,
            "ContractedCost": r.billed,
            "BillingAccountId": r.billing_account,
            "BillingAccountName": r.billing_account_name,
            "BillingCurrency": r.currency,
            "BillingPeriodStart": r.billing_period[0],
            "BillingPeriodEnd": r.billing_period[1],
            "ChargeCategory": r.charge_category,
            "ChargeDescription": r.description,
            "ChargeFrequency": "Usage-Based",
            "ChargePeriodStart": r.start,
            "ChargePeriodEnd": r.end,
            "ConsumedQuantity": r.quantity,
            "ConsumedUnit": r.unit,
            "InvoiceIssuerName": r.provider,
            "ProviderName": r.provider,
            "PublisherName": r.provider,
            "RegionId": r.region,
            "ResourceId": r.resource,
            "ResourceName": r.resource,
            "ServiceCategory": r.category,
            "ServiceName": r.service,
            "SkuId": r.sku,
            "SubAccountId": r.sub_account,
            "x_SourceId": source,
            "x_SourceFormat": "focus",
            "x_IngestedAt": ingested_at,
        }
        for name, column in cols.items():
            column.append(values.get(name))
    return pa.table(cols, schema=FOCUS_SCHEMA)
