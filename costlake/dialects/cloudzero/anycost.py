"""Pure translations of an AnyCost ``billing_drops`` body into the core's drops
(:mod:`costlake.sources.drops`); every refusal names the item's index and the field,
``billing_drops[0].line_items[3].cost: must be a number``.

A line item has the document's fields (``timestamp``, ``cost``, ``service``,
``description``, ``metadata``), each mapped to its CBF column, and may also carry CBF columns
under their own names (``lineitem/type``, ``resource/account``, ``cost/on_demand_cost``,
``resource/tag:<key>``, ...), as CloudZero's CBF documentation writes them. Other
properties are ignored, as the document's objects allow them. A drop may name its ``month``
(``2024-10``, or a date or date-time in it); without one, its first line item's month is the
drop's. The choices are written down in docs/dialects/cloudzero.md (AnyCost).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from costlake.errors import InvalidInput
from costlake.sources.drops import Drop, month_of

FIELDS = {
    "timestamp": "time/usage_start",
    "cost": "cost/cost",
    "service": "resource/service",
    "description": "lineitem/description",
}
TAG_PREFIX = "resource/tag:"
CBF_TEXT = frozenset(
    {
        "lineitem/type", "lineitem/id", "lineitem/description", "lineitem/cloud_provider",
        "resource/id", "resource/service", "resource/account", "resource/region",
        "resource/usage_family", "action/operation", "action/usage_type", "action/region",
        "action/account", "usage/units", "bill/invoice_id", "k8s/cluster", "k8s/namespace",
        "k8s/deployment",
    }
)  # fmt: skip
CBF_NUMBERS = frozenset(
    {
        "usage/amount", "cost/discounted_cost", "cost/amortized_cost",
        "cost/discounted_amortized_cost", "cost/on_demand_cost",
    }
)  # fmt: skip
CBF_TIMES = frozenset({"time/usage_end"})
OPERATIONS = ("replace_drop",)
"""The one AnyCost operation served: a drop replaces its month (not ``sum``, not
``replace_hourly``)."""
START, COST = FIELDS["timestamp"], FIELDS["cost"]
_SEED_DONE = frozenset({"timestamp", "cost"})
_SEED_TEXT = {"service": FIELDS["service"], "description": FIELDS["description"]}
_CONTROL = re.compile(r"[\x00-\x1f]")
LIMIT = Decimal(10) ** 20
"""Costs and quantities are DECIMAL(38,18): 20 digits before the point."""


def parse(body: bytes) -> Any:
    """The JSON body, numbers with a fraction as exact decimals; NaN and Infinity refused."""

    def constant(name: str) -> Any:
        raise InvalidInput(f"body: {name} is not a number JSON allows")

    try:
        return json.loads(body, parse_float=Decimal, parse_constant=constant)
    except (ValueError, RecursionError):
        raise InvalidInput("body: not valid JSON") from None


def drops_of(doc: Any) -> list[Drop]:
    """The core drops a ``{"billing_drops": [...]}`` body asks for."""
    if not isinstance(doc, dict):
        raise InvalidInput("body: must be a JSON object with billing_drops")
    _operation(doc, "operation")
    drops = doc.get("billing_drops")
    if "billing_drops" not in doc:
        raise InvalidInput("billing_drops: Field required")
    if not isinstance(drops, list) or not drops:
        raise InvalidInput("billing_drops: must be a non-empty list of billing drops")
    return [_drop(d, f"billing_drops[{i}]") for i, d in enumerate(drops)]


def _operation(obj: Mapping[str, Any], where: str) -> None:
    op = obj.get("operation")
    if op is not None and op not in OPERATIONS:
        raise InvalidInput(
            f"{where}: only replace_drop is served (a drop replaces its billing month)"
        )


def _drop(drop: Any, where: str) -> Drop:
    if not isinstance(drop, dict):
        raise InvalidInput(f"{where}: must be an object with line_items")
    _operation(drop, f"{where}.operation")
    items = drop.get("line_items")
    if not isinstance(items, list) or not items:
        raise InvalidInput(f"{where}.line_items: must be a non-empty list of line items")
    rows = [_item(item, f"{where}.line_items[{j}]") for j, item in enumerate(items)]
    named = drop.get("month")
    month = _month(named, f"{where}.month") if named is not None else None
    first = month or rows[0][1]
    for j, (_, at) in enumerate(rows):
        if at != first:
            why = "its month" if month else "the month of its first line item"
            raise InvalidInput(
                f"{where}.line_items[{j}].timestamp: in {at}, but this drop is for {first} "
                f"({why}); send one drop per billing month"
            )
    return Drop(first, tuple(r for r, _ in rows))


def _month(value: Any, where: str) -> str:
    if isinstance(value, str) and len(value.strip()) == 7:
        try:
            return month_of(date.fromisoformat(value.strip() + "-01"))
        except ValueError:
            pass
    elif isinstance(value, str):
        try:
            return month_of(_moment(value, where))
        except InvalidInput:
            pass
    raise InvalidInput(f"{where}: give the billing month as YYYY-MM (or a date in it)")


def _moment(value: Any, where: str) -> datetime:
    """An ISO 8601 date-time (UTC without an offset) or a date (its midnight), in UTC."""
    if not isinstance(value, str):
        raise InvalidInput(f"{where}: must be an ISO 8601 date-time string")
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), datetime.min.time())
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise InvalidInput(f"{where}: {value[:40]!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def _number(value: Any, where: str, field: str = "") -> str:
    """A JSON number as exact decimal text. ``where`` and ``field`` make the message only
    when there is one (a drop may have tens of thousands of line items)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise InvalidInput(f"{_at(where, field)}: must be a number")
    exact = Decimal(value)
    if not exact.is_finite() or abs(exact) >= LIMIT:
        raise InvalidInput(f"{_at(where, field)}: must be a number below 10^20 in size")
    return format(exact, "f")


def _text(value: Any, where: str, field: str = "") -> str:
    if type(value) is not str:
        raise InvalidInput(f"{_at(where, field)}: must be a string")
    if "\x00" in value:
        raise InvalidInput(f"{_at(where, field)}: must not contain NUL characters")
    return value


def _tag_key(key: Any, where: str, field: str) -> str:
    if type(key) is not str or not key.strip() or _CONTROL.search(key):
        raise InvalidInput(
            f"{_at(where, field)}: a metadata key must be non-empty, without control characters"
        )
    return key


def _at(where: str, field: str) -> str:
    return f"{where}.{field}" if field else where


def _item(item: Any, where: str) -> tuple[dict[str, str], str]:
    """(CBF columns of one line item, the month it starts in)."""
    if not isinstance(item, dict):
        raise InvalidInput(f"{where}: must be an object with timestamp and cost")
    for field in ("timestamp", "cost"):
        if field not in item:
            raise InvalidInput(f"{where}.{field}: Field required")
    at = _moment(item["timestamp"], f"{where}.timestamp")
    row = {START: at.isoformat(sep=" "), COST: _number(item["cost"], where, "cost")}
    for key, value in item.items():
        if key in _SEED_DONE:
            continue
        column = _SEED_TEXT.get(key)
        if column is not None:  # null is refused, as the document types these
            row[column] = _text(value, where, key)
        elif key == "metadata":
            if not isinstance(value, dict):
                raise InvalidInput(f"{where}.metadata: must be an object of strings")
            for tag, text in value.items():
                field = f"metadata.{tag}"
                row[TAG_PREFIX + _tag_key(tag, where, field)] = _text(text, where, field)
        elif value is not None and type(key) is str and _is_cbf(key.lower()):
            _cbf_column(row, key, value, where)
    return row, month_of(at)


def _cbf_column(row: dict[str, str], key: str, value: Any, where: str) -> None:
    """A CBF column given under its own name (see the module)."""
    column = key.lower()
    if key in row or column in row:
        raise InvalidInput(f"{where}.{key}: given twice (once under the document's name)")
    if column in CBF_NUMBERS:
        row[column] = _number(value, where, key)
    elif column in CBF_TIMES:
        row[column] = _moment(value, f"{where}.{key}").isoformat(sep=" ")
    elif column in CBF_TEXT:
        row[column] = _text(value, where, key)
    else:
        tag = _tag_key(key[len(TAG_PREFIX) :], where, key)
        row[TAG_PREFIX + tag] = _text(value, where, key)


def _is_cbf(low: str) -> bool:
    return low in CBF_TEXT or low in CBF_NUMBERS or low in CBF_TIMES or low.startswith(TAG_PREFIX)


def accepted(connection_id: str, months: tuple[str, ...], rows: int, replaced: int) -> dict:
    """The 202 body (the document gives none): what was stored, so a client can log it."""
    return {
        "connection_id": connection_id,
        "months": list(months),
        "line_items": rows,
        "replaced_line_items": replaced,
    }
