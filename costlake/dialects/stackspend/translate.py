"""Pure translations between StackSpend's parameters and shapes and the core's types.

The cursor is StackSpend's opaque ``meta.next_cursor``: the core's :class:`RowKey` (lake
generation, file, row) as URL-safe base64 JSON. Amounts are rounded to 6 decimals (the
micro-unit) only here, at the edge."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson

from costlake.errors import InvalidInput
from costlake.kit.providers import provider_slug
from costlake.lineitems.schemas import DailyTotal, LineItem, LineItemPage, RowKey

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
