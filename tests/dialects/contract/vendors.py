"""Two made-up vendors that use what the real dialects to come will use: session tokens beside
API keys, two key headers, anonymous reads, the other envelopes, cursor and numbered pages,
and several rate-limit classes. They own ``/tv`` and ``/tv/public`` (nested prefixes, like
Xplorr's ``/api/v1`` and StackSpend's ``/api/v1/public``)."""

from typing import Annotated, ClassVar

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.accounts.service import list_accounts
from costlake.auth.principals import Principal
from costlake.dialects.framework.dialect import DialectBase
from costlake.dialects.framework.envelopes import DataErrorMeta, NestedError
from costlake.dialects.framework.pagination import CursorPages, NumberedPages
from costlake.dialects.framework.ratelimit import DEFAULT, RateLimitClass, RateLimitHeaders
from costlake.dialects.framework.routing import dialect_route_class, needs
from costlake.dialects.framework.schemes import ApiKeyScheme, SessionScheme
from costlake.keys.styles import ALPHANUMERIC, StyleSpec
from costlake.kit.pagination import page_of
from costlake.orgs.service import get_org
from costlake.platform import Platform

NESTED_KEY = StyleSpec("tvnested", "tvn_", 32, ALPHANUMERIC, "test vendor")
META_KEY = StyleSpec("tvmeta", "tvm_", 32, ALPHANUMERIC, "test vendor")


def visible_accounts(platform: Platform, who: Principal) -> list[str]:
    with platform.session() as s:
        ids = sorted(a.account_id for a in list_accounts(s, get_org(s, who.org)))
    if who.account_ids is not None:
        ids = [a for a in ids if a in who.account_ids]
    return ids


class NestedVendor(DialectBase):
    name = "tvnested"
    title = "Nested test vendor"
    version = "v1"
    path_prefixes = ("/tv",)
    schemes = (ApiKeyScheme("bearer", (NESTED_KEY,)), SessionScheme())
    envelope = NestedError()
    rate_limits: ClassVar = {
        DEFAULT: RateLimitClass(30, 60, "cost queries"),
        "reports": RateLimitClass(10, 900, "report generation"),
    }
    rate_limit_headers = RateLimitHeaders("x-ratelimit", "delta")
    pages = NumberedPages()

    def routes(self) -> APIRouter:
        router = APIRouter(route_class=dialect_route_class(self))

        @router.get("/tv/accounts")
        async def accounts(
            request: Request,
            who: Annotated[Principal, needs(self, "accounts:read")],
            page: Annotated[int | None, Query()] = None,
            limit: Annotated[int | None, Query()] = None,
        ) -> Response:
            """Accounts the caller sees, page by page."""
            ids = visible_accounts(request.app.state.platform, who)
            p = page_of(ids, self.pages.request(page, limit))
            return self.success(p.items, meta=self.pages.meta(p))

        @router.post("/tv/reports", status_code=201)
        async def report(
            request: Request,
            who: Annotated[Principal, needs(self, "reports:read", rate_class="reports")],
        ) -> Response:
            """A report (another rate-limit class)."""
            return self.success({"org": who.org}, status=201)

        return router


class MetaVendor(DialectBase):
    name = "tvmeta"
    title = "Meta test vendor"
    version = "v1"
    path_prefixes = ("/tv/public",)
    schemes = (
        ApiKeyScheme("header", (META_KEY,), header="X-API-Key"),
        ApiKeyScheme("bearer", (META_KEY,)),
    )
    envelope = DataErrorMeta()
    anonymous_allowed = True
    rate_limits: ClassVar = {DEFAULT: RateLimitClass(60, 60, "every endpoint")}
    codes: ClassVar = {
        **DialectBase.codes,
        "invalid": "VALIDATION_ERROR",
        "forbidden": "INVALID_SCOPE",
    }
    statuses: ClassVar = {"invalid": 422}
    pages = CursorPages(default_limit=2)

    def routes(self) -> APIRouter:
        router = APIRouter(route_class=dialect_route_class(self))

        @router.get("/tv/public/accounts")
        async def accounts(
            request: Request,
            who: Annotated[Principal, needs(self, "accounts:read")],
            cursor: Annotated[str | None, Query()] = None,
            limit: Annotated[int | None, Query()] = None,
        ) -> Response:
            """Accounts the caller sees, by cursor."""
            platform: Platform = request.app.state.platform
            generation = platform.lake.snapshot(who.org).generation
            ids = visible_accounts(platform, who)
            p = page_of(ids, self.pages.request(cursor, limit, generation=generation))
            return self.success(p.items, meta=self.pages.meta(p, generation=generation))

        return router
