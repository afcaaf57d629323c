"""Pure translations between StackSpend's parameters and shapes and the core's types.

The cursor is StackSpend's opaque ``meta.next_cursor``: the core's :class:`RowKey` (lake
generation, file, row) as URL-safe base64 JSON. Amounts are rounded to 6 decimals (the
micro-unit) only here, at the edge."""

from __future__ import annotations

import base64
import binascii
import zlib
from datetime import UTC, datetime, time
from typing import Any, Literal

import orjson

from costlake.anomalies.records import AnomalyFilter
from costlake.anomalies.schemas import Anomaly
from costlake.dialects.framework.bodies import too_large
from costlake.errors import InvalidInput
from costlake.kit.providers import provider_slug
from costlake.lineitems.schemas import DailyTotal, LineItem, LineItemPage, RowKey
from costlake.telemetry.protobuf import request_of

PLACES = 6


def encode_cursor(key: RowKey) -> str:
    doc = {"g": key.generation, "f": key.file_index, "r": key.row}
    return base64.urlsafe_b64encode(orjson.dumps(doc)).decode().rstrip("=")


def decode_cursor(cursor: str) -> RowKey:
    """The key a cursor stands for; :class:`InvalidInput` for anything we did not issue."""
    try:
        doc = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        key = RowKey(doc["g"], doc["f"], doc["r"])
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        raise InvalidInput(f"invalid cursor {cursor[:40]!r}") from None
    parts = (key.generation, key.file_index, key.row)
    if not all(isinstance(p, int) and not isinstance(p, bool) for p in parts) or min(parts) < 0:
        raise InvalidInput(f"invalid cursor {cursor[:40]!r}")
    return key


def line_item(item: LineItem) -> dict[str, Any]:
    return {
        "id": f"li_{item.row_id}",
        "usage_date": item.usage_date.isoformat(),
        "provider_type": provider_slug(item.provider_name),
        "provider_service": item.service_name,
        "net_amount_usd": round(float(item.billed_cost or 0), PLACES),
        "currency_original": item.currency,
        "project_id": item.project_id,
        "user_email": item.user_email,
    }


def line_items_meta(page: LineItemPage) -> dict[str, Any]:
    nxt = page.next_key
    return {"next_cursor": encode_cursor(nxt) if nxt else None, "has_more": page.has_more}


GROUP_FIELDS = {"provider": "provider_type", "service": "service", "category": "category"}


def rollup(total: DailyTotal, group_by: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "date": total.day.isoformat(),
        "cost_usd": round(float(total.cost), PLACES),
        "provider_type": None,
        "service": None,
        "category": None,
    }
    row[GROUP_FIELDS[group_by]] = total.key
    return row


def as_utc(moment: datetime) -> datetime:
    """A client's timestamp in UTC; one without an offset is taken as UTC."""
    try:
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:
        raise InvalidInput(f"{moment.isoformat()} is out of range in UTC") from None


def detected_at(anomaly: Anomaly) -> datetime:
    """The document's ``detected_date`` timestamp: midnight UTC of the anomalous day (the
    core dates an anomaly by the day whose cost is unusual, never by the run's clock)."""
    return datetime.combine(anomaly.detected_date, time(), tzinfo=UTC)


def anomaly_filter(
    since: datetime | None,
    provider_type: str | None,
    severity: str | None,
    status: str | None,
    account_ids: tuple[str, ...] | None,
) -> AnomalyFilter:
    """The document's filters as the core's. ``detected_date`` is midnight UTC of a day, so
    "detected after ``since``" is "a day after ``since``'s UTC day". The listing shows each
    cost event once although two monitors may each keep a record of it (``distinct``)."""
    return AnomalyFilter(
        status=status,
        after=as_utc(since).date() if since is not None else None,
        provider_type=provider_type,
        severity=severity,
        account_ids=account_ids,
        distinct=True,
    )


def anomaly(a: Anomaly) -> dict[str, Any]:
    return {
        "id": a.id if a.id.startswith("anom_") else f"anom_{a.id}",
        "provider_type": a.provider_type,
        "service": a.service,
        "detected_date": detected_at(a).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "actual_cost": round(float(a.actual_cost), PLACES),
        "expected_cost": round(float(a.expected_cost), PLACES),
        "deviation_percent": a.deviation_percent,
        "severity": a.severity.value,
        "alert_type": a.alert_type.value,
        "status": a.status.value,
    }


MAX_BODY = 16 * 1024 * 1024
"""The most an OTLP request may hold, before and after gzip: 413 ``PAYLOAD_TOO_LARGE``."""


def gunzip(body: bytes, limit: int = MAX_BODY) -> bytes:
    """A gzip body inflated to at most ``limit`` bytes: a small body that inflates past it
    (a gzip bomb) is refused once ``limit`` bytes are out, never inflated whole."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise InvalidInput("the body is not valid gzip") from None
    if len(out) > limit:
        raise too_large(limit)
    if not inflater.eof:
        raise InvalidInput("the body is not valid gzip (it is cut short)")
    return out


def otlp_request(
    body: bytes,
    content_type: str | None,
    encoding: str | None,
    kind: Literal["traces", "metrics"] | None,
) -> object:
    """An OTLP/HTTP request body (JSON or protobuf, maybe gzip) as OTLP JSON. A protobuf
    body says what it is only by its path: ``/v1/traces`` or ``/v1/metrics``."""
    if (encoding or "").lower() == "gzip":
        body = gunzip(body)
    if "protobuf" in (content_type or ""):
        if kind is None:
            raise InvalidInput(
                "send OTLP protobuf to /api/v1/otel-ingest/v1/traces or /v1/metrics "
                "(the bare path takes JSON)"
            )
        return request_of(body, kind)
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        raise InvalidInput("the body is not valid JSON (OTLP/HTTP JSON expected)") from None
