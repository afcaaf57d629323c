"""Billing: ``POST /v2/billing/costs`` and ``GET /v2/billing/dimensions``."""

from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.allocation import service as allocation
from costlake.auth.principals import Principal
from costlake.dialects.cloudzero import dimensions, translate
from costlake.dialects.cloudzero.dialect import BILLING
from costlake.dialects.cloudzero.errors import ErrorResponse
from costlake.dialects.cloudzero.schemas import CostsRequest, CostsResponse, DimensionsResponse
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.pagination import LinkPages
from costlake.dialects.framework.routing import needs
from costlake.dialects.runner import run_blocking
from costlake.dimensions.service import org_dimensions
from costlake.kit.pagination import page_of
from costlake.platform import Platform

PAGES = LinkPages(default_limit=10_000, max_limit=10_000)
"""CloudZero pages cost results in blocks of 10,000 groups."""
BAD_REQUEST: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Bad request."}
}

TAGS: list[str | Enum] = ["Billing"]


def add_routes(router: APIRouter, dialect: Dialect) -> None:
    reader = Annotated[Principal, needs(dialect, "costs:read")]
    billing_reader = Annotated[Principal, needs(dialect, "costs:read", rate_class=BILLING)]

    @router.get("/v2/billing/dimensions", response_model=DimensionsResponse, tags=TAGS)
    async def get_billing_dimensions(request: Request, who: reader) -> Response:
        """Returns a list of dimensions available for use in the getBillingCosts API."""
        platform: Platform = request.app.state.platform

        def read() -> tuple[list[str], list[str]]:
            with platform.session() as s:
                return org_dimensions(platform.queries, s, who.org, account_ids=who.account_ids)

        found = await run_blocking(request, read)
        data = [{"id": d.id, "name": d.name, "type": d.type} for d in dimensions.listing(*found)]
        return dialect.success({"data": data})

    @router.post(
        "/v2/billing/costs", response_model=CostsResponse, tags=TAGS, responses=BAD_REQUEST
    )
    async def get_billing_costs(
        request: Request,
        who: billing_reader,
        body: CostsRequest,
        cursor: Annotated[str | None, Query(description="From a pagination link.")] = None,
        limit: Annotated[int | None, Query(description="Groups per page (up to 10,000).")] = None,
    ) -> Response:
        """Returns cost data according to the parameters passed in."""
        platform: Platform = request.app.state.platform
        ask = translate.billing_query(**body.model_dump(), account_ids=who.account_ids)

        def answer() -> tuple[list[dict[str, object]], dict[str, object]]:
            snapshot = platform.lake.snapshot(who.org)
            wanted = PAGES.request(cursor, limit, generation=snapshot.generation)
            with platform.session() as s:
                result = allocation.run(
                    platform.queries, s, who.org, ask.query, ask.split, snapshot=snapshot
                )
            page = page_of(translate.series(result, ask.dimensions), wanted)
            url = str(request.url.remove_query_params(["cursor", "limit"]))
            links = PAGES.meta(page, url, {}, generation=snapshot.generation)
            return page.items, translate.pagination(links)

        data, pagination = await run_blocking(request, answer)
        return dialect.success({"data": data, "pagination": pagination})
