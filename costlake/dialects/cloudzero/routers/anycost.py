"""AnyCost: ``POST /v2/connections/billing/anycost/{connection_id}/billing_drops``, CBF line
items that replace a connection's billing month (core: :mod:`costlake.sources.drops`)."""

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.dialects.cloudzero import anycost as translate
from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.framework.bodies import read_body
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.platform import Platform
from costlake.sources.drops import Stored, store_drops

MAX_BODY = 5_000_000
"""The document's "5MB JSON limit", read as 5,000,000 bytes (docs/dialects/cloudzero.md)."""
TAGS: list[str | Enum] = ["AnyCost"]
LINE_ITEM = {
    "type": "object",
    "properties": {
        "timestamp": {"type": "string", "format": "date-time"},
        "cost": {"type": "number", "format": "double"},
        "service": {"type": "string"},
        "description": {"type": "string"},
        "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "required": ["timestamp", "cost"],
}
BILLING_DROP = {
    "type": "object",
    "description": "Cost data in CloudZero Common Bill Format (CBF), one billing month.",
    "properties": {
        "line_items": {"type": "array", "items": LINE_ITEM},
        "month": {"type": "string", "description": "YYYY-MM (default: the first item's)."},
    },
    "required": ["line_items"],
}
BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"billing_drops": {"type": "array", "items": BILLING_DROP}},
                    "required": ["billing_drops"],
                }
            }
        },
    }
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    202: {"description": "Billing drop accepted for processing."},
    400: {"model": ErrorResponse, "description": "Bad request. Invalid CBF data."},
    413: {"model": ErrorResponse, "description": "Payload too large. Exceeds 5MB limit."},
}


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    writer = Annotated[Principal, needs(dialect, "billing:write")]

    @router.post(
        "/v2/connections/billing/anycost/{connection_id}/billing_drops",
        status_code=202, tags=TAGS, responses=RESPONSES, openapi_extra=BODY,
    )  # fmt: skip
    async def create_any_cost_billing_drop(
        request: Request, who: writer, connection_id: str
    ) -> Response:
        """Sends cost data in Common Bill Format (CBF) to an AnyCost Stream connection; each
        drop replaces that connection's billing month."""
        platform: Platform = request.app.state.platform
        body = await read_body(request, MAX_BODY)
        work = platform.settings.home / "tmp"

        def store() -> Stored:  # parsing 5 MB of line items is work too: off the event loop
            drops = translate.drops_of(translate.parse(body))
            return store_drops(
                platform, who.org, connection_id, drops, work, account_ids=who.account_ids
            )

        done = await run_blocking(request, store)
        answer = translate.accepted(connection_id, done.months, done.line_items,
                                    done.replaced_line_items)  # fmt: skip
        return dialect.success(answer, status=202)
