"""Recording OpenTelemetry GenAI usage as priced FOCUS rows of the org's ``otel`` source.

Each request's uses are merged with the stored rows of the billing months they fall in
(one row per use id: a re-sent span is not counted twice, a later cumulative metric point
replaces the earlier one) and those months are committed again through ingest: the lake's
one atomic replacement, so a reader sees the months before or after, never half. Requests
of one org are serialised in this process; two server processes taking the same org's
usage at the same moment could lose one batch (the exporter retries only on errors).
"""

from __future__ import annotations

import json
import tempfile
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow as pa

from costlake.focus.scan import scan
from costlake.focus.schema import FOCUS_SCHEMA
from costlake.query.compile import lit, tag_sql
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
        "Tags": json.dumps(dict(tags), separators=(",", ":"), ensure_ascii=False),
        "x_SourceId": SOURCE, "x_SourceFormat": "otlp", "x_IngestedAt": u.end,
    }  # fmt: skip
    return row, price is None


def _stored_files(deps: IngestDeps, org: str, periods: set[str]) -> list[str]:
    snap = deps.lake.snapshot(org)
    return [
        str(snap.root / f"org={org}" / f)
        for p in snap.partitions
        if p.source == SOURCE and p.period in periods
        for f in p.files
    ]


def _merge(fresh: pa.Table, stored: list[str], out: Path) -> int:
    """Write the stored rows and ``fresh`` to ``out``, one row per use id (the latest), in
    one DuckDB statement: a month of usage is never walked in Python."""
    columns = ", ".join(f'"{f.name}"' for f in FOCUS_SCHEMA)
    parts = ["SELECT *, 1 AS _fresh FROM fresh"]
    if stored:
        parts.insert(0, f"SELECT {columns}, 0 AS _fresh FROM {scan(stored)} AS stored")
    event = tag_sql(EVENT_TAG)
    with duckdb.connect() as con:
        con.register("fresh", fresh)
        con.execute(
            f"COPY (SELECT {columns} FROM ({' UNION ALL BY NAME '.join(parts)}) "
            f"QUALIFY {event} IS NULL "  # rows not ours (a file ingested by hand)
            f"OR row_number() OVER (PARTITION BY {event} "
            f"ORDER BY ChargePeriodEnd DESC, _fresh DESC) = 1) TO {lit(str(out))} "
            "(FORMAT parquet)"
        )
        return int(
            con.execute(f"SELECT count(*) FROM read_parquet({lit(str(out))})").fetchall()[0][0]
        )


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
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            path = Path(tmp) / "otel.parquet"
            table = pa.Table.from_pylist(list(fresh.values()), schema=FOCUS_SCHEMA)
            rows = _merge(table, _stored_files(deps, org, periods), path)
            ingest_files(deps, [path], org=org, source=SOURCE, format="focus", detect="background")
    return Recorded(len(uses), rows, unpriced)
