"""CloudExpat's declarations: Bearer keys of the form ``ce_live_`` + 32 characters, its error
body, 100 requests per hour per key with X-RateLimit-* headers."""

from __future__ import annotations

from fastapi import APIRouter, Response

from costlake.dialects.base import KeyScheme, RateLimitPolicy
from costlake.dialects.cloudexpat import errors
from costlake.kit.ratelimit import RateLimitDecision


class CloudExpat:
    name = "cloudexpat"
    title = "CloudExpat REST API (served by costlake)"
    version = "v1"
    key_scheme = KeyScheme("bearer")
    rate_limit = RateLimitPolicy(limit=100, window_seconds=3600)
    path_prefixes = ("/v1/costs", "/v1/carbon", "/v1/report")

    def key_shape_ok(self, secret: str) -> bool:
        from costlake.keys.styles import shape_ok

        return shape_ok("cloudexpat", secret)

    def status_for(self, error: Exception) -> int:
        return errors.code_and_status(error)[1]

    def error_response(self, error: Exception, status: int) -> Response:
        return errors.render(error, status)

    def rate_limit_headers(self, decision: RateLimitDecision) -> dict[str, str]:
        return {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(decision.reset_at),
        }

    def routes(self) -> APIRouter:
        from costlake.dialects.cloudexpat.router import build_router

        return build_router(self)
