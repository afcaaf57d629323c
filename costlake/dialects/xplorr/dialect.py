"""Xplorr's declarations (``/api/v1``): ``xplorr_`` API tokens or a signed-in user's JWT
as ``Authorization: Bearer``, errors as ``{"error": {code, message, status}}``, lists as
``{data, total, page, limit}``, and the rate-limit classes of the document's tables.

Public routes (sign-up, log-in, password reset...) are counted per client address, and
log-in per address *and* e-mail, so an attacker failing on purpose against someone's
e-mail never locks that person out from another address (docs/dialects/xplorr.md).
"""

from __future__ import annotations

from typing import ClassVar

from fastapi import APIRouter

from costlake.dialects.framework.dialect import DialectBase
from costlake.dialects.framework.envelopes import NestedError
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass
from costlake.dialects.framework.schemes import ApiKeyScheme, SessionScheme
from costlake.dialects.xplorr.keys import XPLORR

QUARTER = 15 * 60


class Xplorr(DialectBase):
    name = "xplorr"
    title = "Xplorr API (served by costlake)"
    version = "v1"
    path_prefixes = ("/api/v1",)
    schemes = (ApiKeyScheme("bearer", (XPLORR,)), SessionScheme())
    envelope = NestedError()
    rate_limits: ClassVar = {
        DEFAULT: RateLimitClass(60, 60, "Reads: 60 per minute per credential (our choice)"),
        "write": RateLimitClass(30, 60, "Write Operations: 30 per minute per credential"),
        "login": RateLimitClass(20, QUARTER, "Login: 20 per 15 minutes per address and e-mail"),
        "login_address": RateLimitClass(100, QUARTER, "Login: 100 per 15 min per address"),
        "auth": RateLimitClass(20, QUARTER, "Auth: 20 per 15 minutes per address (and e-mail)"),
        "session": RateLimitClass(100, QUARTER, "Refresh, log-out: 100 per 15 min per address"),
        "reset": RateLimitClass(5, 30 * 60, "Reset password: 5 per 30 minutes per address"),
        "2fa": RateLimitClass(10, QUARTER, "2FA authenticate: 10 per 15 min per address"),
        "2fa_disable": RateLimitClass(5, QUARTER, "2FA confirm, disable: 5 per 15 min per user"),
        "exchange": RateLimitClass(30, QUARTER, "Token Exchange: 30 per 15 minutes per address"),
        "sso": RateLimitClass(300, QUARTER, "SAML and passkey sign-in: 300 per 15 min per address"),
    }
    example = ("GET", "/api/v1/tokens", None)

    def routes(self) -> APIRouter:
        from costlake.dialects.xplorr.router import build_router

        return build_router(self)


__all__ = ["XPLORR", "Xplorr"]
