"""Datadog's estimated cost API (``GET /api/v2/usage/estimated_cost``) as FOCUS rows.

Requests as documented: ``start_date``/``end_date`` (``YYYY-MM-DD``, UTC) within one
month, ``view=sub-org`` so each organization's cost comes apart, the ``DD-API-KEY`` and
``DD-APPLICATION-KEY`` headers (set on the client). With ``start_date`` the answer is
day-over-day *cumulative* month-to-date cost: one ``cost_by_org`` entry per organization
and day, with ``charges`` per product and charge type (``total`` sums the others). A day's
cost of a product is therefore its ``total`` that day minus the day before; each becomes
one FOCUS row (``ProviderName`` Datadog, ``ServiceName`` the product, ``SubAccountId`` the
organization's ``public_id``). Costs are estimates until Datadog closes the month, so a
re-sync of the month replaces them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from costlake.sources.saas.http import VendorError, get_json
from costlake.sources.saas.rows import FocusRow, month_of

VENDOR = "Datadog"
BASE_URL = "https://api.datadoghq.com"
PATH = "/api/v2/usage/estimated_cost"


def fetch_costs(
    client: httpx.Client,
    account: str,
    start: date,
    end: date,
    *,
    sleep: Callable[[float], None] | None = None,
) -> Iterator[FocusRow]:
    """FOCUS rows for the days [start, end), which must lie in one month; ``account`` is
    the parent organization's id (the billing account)."""
    if start >= end:
        return
    if (start.year, start.month) != (
        (end - timedelta(days=1)).year,
        (end - timedelta(days=1)).month,
    ):
        raise ValueError("Datadog costs are fetched one month at a time")
    first = start.replace(day=1)
    params = [
        ("start_date", first.isoformat()),
        ("end_date", (end - timedelta(days=1)).isoformat()),
        ("view", "sub-org"),
    ]
    extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    body = get_json(client, VENDOR, PATH, params, **extra)
    cumulative: dict[tuple[str, str, str | None, str | None], list[tuple[date, Decimal]]] = {}
    for entry in _entries(body):
        attrs = entry.get("attributes") or {}
        day = _day(attrs.get("date"))
        org = str(attrs.get("public_id") or "")
        for charge in attrs.get("charges") or []:
            if not isinstance(charge, dict) or charge.get("charge_type") != "total":
                continue
            key = (org, str(charge.get("product_name") or "unknown"), attrs.get("org_name"),
                   attrs.get("region"))  # fmt: skip
            cumulative.setdefault(key, []).append((day, _money(charge.get("cost"))))
    for (org, product, org_name, region), days in cumulative.items():
        before = Decimal(0)
        for day, total in sorted(days):
            cost, before = total - before, total
            if day < start or day >= end or cost == 0:
                continue
            moment = datetime(day.year, day.month, day.day)
            yield FocusRow(
                provider=VENDOR,
                category="Management and Governance",
                service=product,
                billing_account=account,
                billing_account_name=org_name,
                sub_account=org or None,
                description=product,
                sku=product,
                start=moment,
                end=moment + timedelta(days=1),
                billing_period=month_of(day),
                billed=cost,
                currency="USD",
                region=region,
            )


def _entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    data = body.get("data")
    if not isinstance(data, list) or not all(isinstance(d, dict) for d in data):
        raise VendorError(f"{VENDOR}: {PATH} answered without a list of data")
    return data


def _day(value: object) -> date:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()
    except ValueError:
        raise VendorError(f"{VENDOR}: a cost without a valid date: {value!r}") from None


def _money(value: object) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except ArithmeticError:
        raise VendorError(f"{VENDOR}: a cost that is not a number: {value!r}") from None
