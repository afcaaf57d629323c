"""Recording OpenTelemetry GenAI usage as priced FOCUS rows of the org's ``otel`` source.

Each request's uses are merged with the stored rows of the billing months they fall in
(one row per use id: a re-sent span is not counted twice, a later cumulative metric point
replaces the earlier one) and those months are committed again through ingest: the lake's
one atomic replacement, so a reader sees the months before or after, never half. Requests
of one org are serialised in this process; two server processes taking the same org's
usage at the same moment could lose one batch (the exporter retries only on errors).
"""

from __future__ import annotations

import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from costlake.focus.schema import FOCUS_SCHEMA
from costlake.query.compile import lit
from costlake.sources.service import IngestDeps, ingest_files
from costlake.telemetry.otlp import Usage
from costlake.telemetry.prices import PriceTable

SOURCE = "otel"
EVENT_TAG = "otel.event_id"
"""The tag that carries each row's use id (span or metric point), to merge re-sent data."""
PROVIDER_NAMES = {
    "openai": "OpenAI",
    "anthropic": "Anthropic",
    "mistral_ai": "Mistral AI",
    "cohere": "Cohere",
    "gcp.gemini": "Google Cloud",
    "gcp.vertex_ai": "Google Cloud",
    "aws.bedrock": "AWS",
    "az.ai.openai": "Microsoft",
    "azure.ai.openai": "Microsoft",
    "az.ai.inference": "Microsoft",
}
_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)


@dataclass(frozen=True, slots=True)
class Recorded:
    uses: int
    """Uses in the request."""
    rows: int
    """Rows of the ``otel`` source in the months the request touched, after it."""
    unpriced: int
    """Uses of a model the price table does not list (stored at cost 0)."""


def _month(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _row(u: Usage, prices: PriceTable) -> tuple[dict[str, object], bool]:
    price = prices.find(u.provider, u.model)
    cost = price.cost(u.input_tokens, u.output_tokens, u.cached_tokens) if price else Decimal(0)
    provider = PROVIDER_NAMES.get(u.provider, u.provider)
    period = _month(u.start)
    tags = [(EVENT_TAG, u.event_id), ("gen_ai.provider.name", u.provider)]
    tags += [(k, v) for k, v in (("project_id", u.project_id), ("user_email", u.user_email),
                                 ("service.name", u.app)) if v]  # fmt: skip
    row = {
        "BilledCost": cost, "EffectiveCost": cost, "ListCost": cost, "ContractedCost": cost,
        "BillingAccountId": f"otel-{u.provider}",
        "BillingAccountName": f"{provider} (OpenTelemetry)",
        "BillingCurrency": "USD", "BillingPeriodStart": period,
        "BillingPeriodEnd": _month(period + timedelta(days=32)),
        "ChargeCategory": "Usage", "ChargeDescription": f"{u.model or 'unknown model'} tokens",
        "ChargePeriodStart": u.start, "ChargePeriodEnd": u.end,
        "ConsumedQuantity": Decimal(u.input_tokens + u.output_tokens), "ConsumedUnit": "Tokens",
        "InvoiceIssuerName": provider, "ProviderName": provider, "PublisherName": provider,
        "ServiceCategory": "AI and Machine Learning", "ServiceName": u.model or "unknown model",
        "SubAccountId": u.project_id, "SubAccountType": "Project" if u.project_id else None,
        "Tags": tags, "x_SourceId": SOURCE, "x_SourceFormat": "otlp", "x_IngestedAt": u.end,
    }  # fmt: skip
    return row, price is None


def _stored(deps: IngestDeps, org: str, periods: set[str]) -> list[dict[str, object]]:
    snap = deps.lake.snapshot(org)
    files = [
        str(snap.root / f"org={org}" / f)
        for p in snap.partitions
        if p.source == SOURCE and p.period in periods
        for f in p.files
    ]
    if not files:
        return []
    columns = ", ".join(f'"{f.name}"' for f in FOCUS_SCHEMA)
    listing = ", ".join(lit(f) for f in files)
    with duckdb.connect() as con:
        table = con.sql(f"SELECT {columns} FROM read_parquet([{listing}])").to_arrow_table()
    return table.cast(FOCUS_SCHEMA).to_pylist()


def _event(row: dict[str, object]) -> str:
    tags = row.get("Tags") or []
    pairs: list[tuple[object, object]] = list(tags.items() if isinstance(tags, dict) else tags)  # type: ignore[call-overload]
    return next((str(v) for k, v in pairs if k == EVENT_TAG), "")


def record_usage(
    deps: IngestDeps, org: str, uses: list[Usage], prices: PriceTable, work: Path
) -> Recorded:
    """Store ``uses`` as priced FOCUS rows of ``org``'s ``otel`` source (see the module)."""
    if not uses:
        return Recorded(0, 0, 0)
    fresh: dict[str, dict[str, object]] = {}
    unpriced = 0
    for u in uses:
        row, missing = _row(u, prices)
        unpriced += missing
        fresh[u.event_id] = row
    periods = {f"{_month(u.start):%Y-%m}" for u in uses}
    with _locks[org]:
        merged: dict[str, dict[str, object]] = {}
        for row in [*_stored(deps, org, periods), *fresh.values()]:
            key = _event(row)
            old = merged.get(key)
            if old is None or row["ChargePeriodEnd"] >= old["ChargePeriodEnd"]:  # type: ignore[operator]
                merged[key] = row
        rows = list(merged.values())
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            path = Path(tmp) / "otel.parquet"
            table = pa.Table.from_pylist(rows, schema=FOCUS_SCHEMA)
            pq.write_table(table, path)
            ingest_files(deps, [path], org=org, source=SOURCE, format="focus")
    return Recorded(len(uses), len(rows), unpriced)
