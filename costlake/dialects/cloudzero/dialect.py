"""CloudZero's declarations: the API key as the whole ``Authorization`` value (CloudZero's
own way) or after ``Bearer ``, keys of the form ``czk_`` + 40 characters, the gateway's
``{message, code}`` error body, and two rate-limit classes (billing queries, everything else).
"""

from __future__ import annotations

from typing import ClassVar

from fastapi import APIRouter

from costlake.dialects.cloudzero import errors
from costlake.dialects.framework.dialect import DialectBase
from costlake.dialects.framework.envelopes import Bare
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass
from costlake.dialects.framework.schemes import ApiKeyScheme
from costlake.keys.styles import ALPHANUMERIC, StyleSpec

CLOUDZERO_KEY = StyleSpec(
    "cloudzero", "czk_", 40, ALPHANUMERIC, "CloudZero API keys (Authorization: <key>)"
)
BILLING = "billing"


class CloudZero(DialectBase):
    name = "cloudzero"
    title = "CloudZero API (served by costlake)"
    version = "2.0.0"
    path_prefixes = ("/v2", "/v1/telemetry")
    schemes = (
        ApiKeyScheme("raw", (CLOUDZERO_KEY,)),
        ApiKeyScheme("bearer", (CLOUDZERO_KEY,)),
    )
    envelope = Bare(errors.body, errors.ErrorResponse)
    rate_limits: ClassVar = {
        DEFAULT: RateLimitClass(1000, 3600, "dimensions and insights, per API key"),
        BILLING: RateLimitClass(
            60, 86400, "POST /v2/billing/costs, per API key, as CloudZero publishes it"
        ),
    }
    codes: ClassVar = {**DialectBase.codes, **errors.CODES}
    example = (
        "POST",
        "/v2/billing/costs",
        '{"start": "2020-01-01", "end": "2030-01-01", "group_by": ["Provider"], '
        '"granularity": "monthly"}',
    )

    def routes(self) -> APIRouter:
        from costlake.dialects.cloudzero.routers import build_router

        return build_router(self)
