"""StackSpend's declarations: API keys in ``X-API-Key`` or as ``Authorization: Bearer``
(``ss_live_`` + 40 characters, or costlake's plain keys), the ``{data, error, meta}``
envelope on every answer, 60 requests per minute per key, and the document's error codes:
``VALIDATION_ERROR`` is 422, a missing scope ``INVALID_SCOPE`` and a revoked key
``FORBIDDEN``, an org whose API access is switched off (``COSTLAKE_API_ACCESS_OFF``)
``PLAN_RESTRICTED`` (all 403)."""

from __future__ import annotations

from datetime import timedelta
from typing import ClassVar

from fastapi import APIRouter

from costlake.dialects.framework.dialect import DialectBase
from costlake.dialects.framework.envelopes import DataErrorMeta
from costlake.dialects.framework.errors import STATUS
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass
from costlake.dialects.framework.schemes import ApiKeyScheme
from costlake.errors import ApiAccessOff, MissingScope, Unauthenticated
from costlake.keys.styles import ALPHANUMERIC, PLAIN, StyleSpec
from costlake.kit import clock

STACKSPEND_KEY = StyleSpec(
    "stackspend",
    "ss_live_",
    40,
    ALPHANUMERIC,
    "StackSpend API keys (X-API-Key: <key> or Authorization: Bearer <key>)",
)
KEY_STYLES = (STACKSPEND_KEY, PLAIN)
WITHDRAWN = frozenset({"revoked", "expired"})
"""Reasons a key that exists is refused: the document's FORBIDDEN ("valid but has been
revoked or deleted"), not UNAUTHORIZED."""


class StackSpend(DialectBase):
    name = "stackspend"
    title = "StackSpend API (served by costlake)"
    version = "v1"
    path_prefixes = ("/api/v1/public", "/api/v1/otel-ingest")
    schemes = (
        ApiKeyScheme("header", KEY_STYLES, header="X-API-Key"),
        ApiKeyScheme("bearer", KEY_STYLES),
    )
    envelope = DataErrorMeta()
    rate_limits: ClassVar = {
        DEFAULT: RateLimitClass(60, 60, "60 requests per minute per API key, every endpoint")
    }
    codes: ClassVar = {**DialectBase.codes, "invalid": "VALIDATION_ERROR"}
    statuses: ClassVar = {"invalid": 422}

    @property
    def example(self) -> tuple[str, str, str | None]:  # type: ignore[override]
        """The last 30 days by service: dates the demo's data (which ends today) covers."""
        end = clock.today()
        start = end - timedelta(days=29)
        query = f"start_date={start}&end_date={end}&group_by=service"
        return ("GET", f"/api/v1/public/rollups/daily?{query}", None)

    def status_for(self, error: Exception) -> int:
        if isinstance(error, Unauthenticated) and error.reason in WITHDRAWN:
            return STATUS["forbidden"]
        return super().status_for(error)

    def error_code(self, kind: str, error: Exception) -> str:
        if isinstance(error, Unauthenticated) and error.reason in WITHDRAWN:
            return "FORBIDDEN"
        if isinstance(error, MissingScope):
            return "INVALID_SCOPE"
        if isinstance(error, ApiAccessOff):
            return "PLAN_RESTRICTED"
        return super().error_code(kind, error)

    def routes(self) -> APIRouter:
        from costlake.dialects.stackspend.router import build_router

        return build_router(self)


__all__ = ["STACKSPEND_KEY", "StackSpend"]
