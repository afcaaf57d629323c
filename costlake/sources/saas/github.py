"""GitHub's enhanced billing usage report
(``GET /organizations/{org}/settings/billing/usage``) as FOCUS rows.

Requests as documented: ``year`` and ``month`` (one month per request), a token as
``Authorization: Bearer``, ``Accept: application/vnd.github+json`` and
``X-GitHub-Api-Version: 2022-11-28`` (set on the client). Each ``usageItems`` entry (a day
of one product and SKU, per repository) becomes one FOCUS row: ``ProviderName`` GitHub,
``ServiceName`` the product (Actions, Packages, Copilot, ...), ``SkuId`` the SKU,
``BilledCost`` the ``netAmount`` (after discounts), ``ListCost`` the ``grossAmount``, the
quantity in its ``unitType``, the repository as the resource.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx

from costlake.sources.saas.http import VendorError, get_json
from costlake.sources.saas.rows import FocusRow, month_of

VENDOR = "GitHub"
BASE_URL = "https://api.github.com"
HEADERS = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}


def fetch_costs(
    client: httpx.Client,
    organization: str,
    start: date,
    end: date,
    *,
    sleep: Callable[[float], None] | None = None,
) -> Iterator[FocusRow]:
    """FOCUS rows for the days [start, end) of ``organization``, a month per request."""
    path = f"/organizations/{quote(organization, safe='')}/settings/billing/usage"
    extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    month = start.replace(day=1)
    while month < end:
        params = [("year", str(month.year)), ("month", str(month.month))]
        body = get_json(client, VENDOR, path, params, **extra)
        items = body.get("usageItems")
        if not isinstance(items, list):
            raise VendorError(f"{VENDOR}: {path} answered without usageItems")
        for item in items:
            row = _row(item, organization)
            if start <= row.start.date() < end:
                yield row
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _row(item: object, organization: str) -> FocusRow:
    if not isinstance(item, dict):
        raise VendorError(f"{VENDOR}: a usage item that is not an object")
    try:
        moment = datetime.fromisoformat(str(item["date"]).replace("Z", "+00:00"))
        net = Decimal(str(item.get("netAmount", 0)))
        gross = Decimal(str(item.get("grossAmount", item.get("netAmount", 0))))
        quantity = Decimal(str(item.get("quantity", 0)))
    except (KeyError, ValueError, ArithmeticError):
        raise VendorError(f"{VENDOR}: a usage item without a valid date or amount") from None
    day = datetime(moment.year, moment.month, moment.day)
    product = str(item.get("product") or "GitHub")
    return FocusRow(
        provider=VENDOR,
        category="Developer Tools",
        service=product.capitalize() if product.islower() else product,
        billing_account=organization,
        billing_account_name=item.get("organizationName") or organization,
        sub_account=None,
        description=item.get("sku") or product,
        sku=item.get("sku"),
        start=day,
        end=day + timedelta(days=1),
        billing_period=month_of(day.date()),
        billed=net,
        listed=gross,
        currency="USD",
        quantity=quantity,
        unit=item.get("unitType"),
        resource=item.get("repositoryName") or None,
    )
