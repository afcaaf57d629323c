"""CloudExpat's declarations: Bearer keys of the form ``ce_live_`` + 32 characters, its error
body ``{error, message, code}``, 100 requests per hour per key with X-RateLimit-* headers."""

from __future__ import annotations

from typing import Any, ClassVar

from fastapi import APIRouter

from costlake.dialects.cloudexpat import errors
from costlake.dialects.cloudexpat.schemas import ErrorResponse
from costlake.dialects.framework.dialect import DialectBase
from costlake.dialects.framework.envelopes import Bare
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass
from costlake.dialects.framework.schemes import ApiKeyScheme
from costlake.errors import Unauthenticated
from costlake.keys.styles import ALPHANUMERIC, StyleSpec

CLOUDEXPAT_KEY = StyleSpec("cloudexpat", "ce_live_", 32, ALPHANUMERIC, "CloudExpat API keys")


def _body(code: str, message: str, status: int) -> dict[str, Any]:
    return {"error": code, "message": message, "code": code}


class CloudExpat(DialectBase):
    name = "cloudexpat"
    title = "CloudExpat REST API (served by costlake)"
    version = "v1"
    path_prefixes = ("/v1/costs", "/v1/carbon", "/v1/report")
    schemes = (ApiKeyScheme("bearer", (CLOUDEXPAT_KEY,)),)
    envelope = Bare(_body, ErrorResponse)
    rate_limits: ClassVar = {DEFAULT: RateLimitClass(100, 3600, "every endpoint, per API key")}
    codes: ClassVar = {**DialectBase.codes, **errors.CODES}
    example = ("GET", "/v1/costs/summary?period=month", None)

    def error_code(self, kind: str, error: Exception) -> str:
        if isinstance(error, Unauthenticated) and error.reason == "malformed":
            return "INVALID_API_KEY_FORMAT"
        return super().error_code(kind, error)

    def error_message(self, kind: str, error: Exception) -> str:
        return errors.message(self.error_code(kind, error), error)

    def routes(self) -> APIRouter:
        from costlake.dialects.cloudexpat.router import build_router

        return build_router(self)
