"""Kubecost's declarations: Bearer API keys (``kc_`` + 40 characters, or costlake's plain
keys), the ``{code, data}`` envelope, no documented rate limit (a generous one, without
headers), and anonymous reads when the operator names an org for it, since Kubecost runs
unauthenticated inside clusters."""

from __future__ import annotations

from typing import ClassVar

from fastapi import APIRouter

from costlake.dialects.framework.dialect import DialectBase
from costlake.dialects.framework.envelopes import CodeData
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass, RateLimitHeaders
from costlake.dialects.framework.schemes import ApiKeyScheme
from costlake.keys.styles import ALPHANUMERIC, PLAIN, StyleSpec

KUBECOST_KEY = StyleSpec(
    "kubecost", "kc_", 40, ALPHANUMERIC, "API keys for the Kubecost External Costs API"
)


class Kubecost(DialectBase):
    name = "kubecost"
    title = "Kubecost External Costs API (served by costlake)"
    version = "v1"
    path_prefixes = ("/model/customCost",)
    schemes = (ApiKeyScheme("bearer", (KUBECOST_KEY, PLAIN)),)
    example = ("GET", "/model/customCost/total?window=30d&aggregate=domain", None)
    envelope = CodeData()
    anonymous_allowed = True
    rate_limits: ClassVar = {
        DEFAULT: RateLimitClass(6000, 3600, "every endpoint, per credential (none documented)")
    }
    rate_limit_headers = RateLimitHeaders(style="none")

    def routes(self) -> APIRouter:
        from costlake.dialects.kubecost.router import build_router

        return build_router(self)
