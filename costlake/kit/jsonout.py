"""JSON for cost rows that keeps decimals exact: ``Decimal`` is written as a JSON number with
all its significant digits (never through a float)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

import orjson


def decimal_text(value: Decimal) -> str:
    """Shortest exact plain text of a decimal (``1.500`` -> ``1.5``, ``0E-18`` -> ``0``)."""
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _value(value: object) -> bytes:
    if isinstance(value, Decimal):
        return decimal_text(value).encode()
    if isinstance(value, datetime):
        return orjson.dumps(value.isoformat())
    if isinstance(value, date):
        return orjson.dumps(value.isoformat())
    return orjson.dumps(value)


def dumps_rows(rows: Iterable[Mapping[str, object]]) -> bytes:
    """A JSON array of flat objects."""
    parts = []
    for row in rows:
        items = b",".join(orjson.dumps(k) + b":" + _value(v) for k, v in row.items())
        parts.append(b"{" + items + b"}")
    return b"[" + b",".join(parts) + b"]"
