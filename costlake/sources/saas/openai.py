"""OpenAI's organization Costs API (``GET /v1/organization/costs``) as FOCUS rows.

Requests as documented: ``start_time``/``end_time`` in Unix seconds, ``bucket_width=1d``,
``group_by=project_id`` and ``group_by=line_item``, ``limit`` buckets a page, the cursor in
``page`` from the previous page's ``next_page`` while ``has_more``; an admin key as a Bearer
token. Each result (one day, one project, one line item, ``amount {value, currency}``)
becomes one FOCUS row: ``ProviderName`` OpenAI, ``SubAccountId`` the project,
``ChargeDescription`` the line item (``gpt-4o-2024-08-06, input``), the amount as billed,
effective, list and contracted cost (the API reports what is billed, with no list price).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from costlake.sources.saas.http import VendorError, pages
from costlake.sources.saas.rows import FocusRow, month_of

VENDOR = "OpenAI"
BASE_URL = "https://api.openai.com"
PATH = "/v1/organization/costs"
PAGE_BUCKETS = 31


def _unix(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def fetch_costs(
    client: httpx.Client,
    organization: str,
    start: date,
    end: date,
    *,
    sleep: Callable[[float], None] | None = None,
) -> Iterator[FocusRow]:
    """FOCUS rows for the days [start, end) of ``organization`` (its id, ``org-...``)."""
    params = [
        ("start_time", _unix(start)),
        ("end_time", _unix(end)),
        ("bucket_width", "1d"),
        ("group_by", "project_id"),
        ("group_by", "line_item"),
        ("limit", str(PAGE_BUCKETS)),
    ]
    extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
    for body in pages(
        client, VENDOR, PATH, params, cursor_param="page",
        next_cursor=lambda b: b.get("next_page") if b.get("has_more") else None, **extra,
    ):  # fmt: skip
        for bucket in _list(body, "data"):
            yield from _bucket_rows(bucket, organization)


def _list(body: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = body.get(key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise VendorError(f"{VENDOR}: {PATH} answered without a list of {key}")
    return value


def _bucket_rows(bucket: dict[str, Any], organization: str) -> Iterator[FocusRow]:
    try:
        start = datetime.fromtimestamp(int(bucket["start_time"]), UTC).replace(tzinfo=None)
        end = datetime.fromtimestamp(int(bucket["end_time"]), UTC).replace(tzinfo=None)
    except (KeyError, TypeError, ValueError):
        raise VendorError(f"{VENDOR}: a bucket without start_time/end_time") from None
    for result in _list(bucket, "results"):
        amount = result.get("amount") or {}
        try:
            value = Decimal(str(amount.get("value", 0)))
        except ArithmeticError:
            raise VendorError(f"{VENDOR}: an amount that is not a number") from None
        currency = str(amount.get("currency") or "usd").upper()
        project = result.get("project_id")
        line_item = result.get("line_item")
        period = month_of(start.date())
        yield FocusRow(
            provider=VENDOR,
            category="AI and Machine Learning",
            service="OpenAI API",
            billing_account=organization,
            billing_account_name=organization,
            sub_account=project,
            description=line_item,
            sku=line_item.split(",")[0].strip() if line_item else None,
            start=start,
            end=end if end > start else start + timedelta(days=1),
            billing_period=period,
            billed=value,
            currency=currency,
        )
