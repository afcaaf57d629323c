"""Line-item test rows: an AI provider's FOCUS rows with projects and users."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pyarrow as pa

from costlake.focus.schema import FOCUS_SCHEMA


def ai_rows(n: int, *, cost: str = "1") -> pa.Table:
    """OpenAI rows: projects as sub accounts of type Project, users in tags."""
    cols: dict[str, list[object]] = {f.name: [] for f in FOCUS_SCHEMA}
    for i in range(n):
        start = datetime(2025, 1, 1) + timedelta(hours=i % 48)
        row = {
            "BilledCost": Decimal(cost), "EffectiveCost": Decimal(cost),
            "ListCost": Decimal(cost), "ContractedCost": Decimal(cost),
            "BillingAccountId": "org-1", "BillingCurrency": "USD",
            "BillingPeriodStart": datetime(2025, 1, 1), "BillingPeriodEnd": datetime(2025, 2, 1),
            "ChargeCategory": "Usage", "ChargePeriodStart": start,
            "ChargePeriodEnd": start + timedelta(hours=1), "InvoiceIssuerName": "OpenAI",
            "ProviderName": "OpenAI", "PublisherName": "OpenAI", "ServiceName": "gpt-4o",
            "ServiceCategory": "AI and Machine Learning",
            "SubAccountId": f"proj_{i % 3}", "SubAccountType": "Project" if i % 3 else None,
            "Tags": f'{{"user_email": "u{i % 2}@example.com"}}' if i % 4 else
            '{"project_id": "proj_tagged"}',
            "x_SourceId": "openai", "x_SourceFormat": "focus", "x_IngestedAt": start,
        }  # fmt: skip
        for name, values in cols.items():
            values.append(row.get(name))
    return pa.table(cols, schema=FOCUS_SCHEMA)
