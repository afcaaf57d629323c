"""Kubecost's External Costs endpoints, paths and parameters verbatim from the document
(plus ``costType``, ``sortBy`` and ``sortDirection``, which current OpenCost reads)."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from costlake.auth.principals import Principal
from costlake.customcosts.service import custom_costs
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import dialect_route_class, needs
from costlake.dialects.kubecost import translate
from costlake.dialects.kubecost.schemas import ErrorResponse, TimeseriesResponse, TotalResponse
from costlake.dialects.runner import run_blocking
from costlake.kit import clock
from costlake.platform import Platform

DEFAULT_WINDOW = "7d"
"""The document requires ``window``; costlake answers a request without one for the last
7 days (the Kubecost UI's default) rather than refusing it."""

WindowParam = Annotated[
    str,
    Query(
        max_length=200,
        description="Duration of time over which to query: today, yesterday, week, lastweek, "
        "month, lastmonth, 7d, 24h, 2w, '7d offset 1d', '1712448000,1712620800' or "
        "'2024-04-07T00:00:00Z,2024-04-09T00:00:00Z'",
    ),
]
AggregateParam = Annotated[
    str | None,
    Query(
        max_length=500,
        description="Field(s) by which to aggregate, comma-separated: zone, accountName, "
        "chargeCategory, description, resourceName, resourceType, providerId, usageUnit, "
        "domain, costSource",
    ),
]
AccumulateParam = Annotated[
    str | None,
    Query(
        max_length=20,
        description="false: hourly or daily steps; true: one window; or hour, day, week, "
        "month, quarter",
    ),
]
FilterParam = Annotated[
    str | None,
    Query(max_length=4000, description='Filter language v2, e.g. domain:"datadog"'),
]
CostTypeParam = Annotated[str, Query(max_length=20, description="blended, list or billed")]
SortByParam = Annotated[str, Query(max_length=20, description="cost, aggregate or costType")]
SortDirParam = Annotated[str, Query(max_length=10, description="asc or desc")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid parameter"},
    401: {"model": ErrorResponse, "description": "Missing or invalid API key"},
    403: {"model": ErrorResponse, "description": "The API key lacks the scope needed"},
    429: {"model": ErrorResponse, "description": "Too many requests"},
    500: {"model": ErrorResponse, "description": "Server error"},
}


def build_router(dialect: Dialect) -> APIRouter:
    router = APIRouter(
        route_class=dialect_route_class(dialect), tags=["Kubecost"], responses=ERRORS
    )
    reader = Annotated[Principal, needs(dialect, "costs:read")]

    async def answer(
        request: Request, who: Principal, params: dict[str, Any], *, series: bool
    ) -> Response:
        platform: Platform = request.app.state.platform
        req = translate.request(**params, now=clock.now(), series=series)
        steps = await run_blocking(
            request,
            lambda: custom_costs(
                platform.queries, who.org, req.bounds, aggregate=req.aggregate,
                predicate=req.predicate, cost_type=req.cost_type, hourly=req.hourly,
                account_ids=who.account_ids,
            ),
        )  # fmt: skip
        body = translate.timeseries(steps, req) if series else translate.total(steps, req)
        return dialect.success(body)

    @router.get("/model/customCost/timeseries", response_model=TimeseriesResponse)
    async def customcost_timeseries(
        request: Request,
        who: reader,
        window: WindowParam = DEFAULT_WINDOW,
        aggregate: AggregateParam = None,
        accumulate: AccumulateParam = None,
        filter: FilterParam = None,  # noqa: A002
        costType: CostTypeParam = "blended",  # noqa: N803
        sortBy: SortByParam = "cost",  # noqa: N803
        sortDirection: SortDirParam = "desc",  # noqa: N803
    ) -> Response:
        """Samples costs of connected third party services."""
        params = dict(
            window=window, aggregate=aggregate, accumulate=accumulate, filter=filter,
            cost_type=costType, sort_by=sortBy, sort_direction=sortDirection,
        )  # fmt: skip
        return await answer(request, who, params, series=True)

    @router.get("/model/customCost/total", response_model=TotalResponse)
    async def customcost_total(
        request: Request,
        who: reader,
        window: WindowParam = DEFAULT_WINDOW,
        aggregate: AggregateParam = None,
        accumulate: AccumulateParam = None,
        filter: FilterParam = None,  # noqa: A002
        costType: CostTypeParam = "blended",  # noqa: N803
        sortBy: SortByParam = "cost",  # noqa: N803
        sortDirection: SortDirParam = "desc",  # noqa: N803
    ) -> Response:
        """Samples costs of connected third party services, summarised into one window."""
        params = dict(
            window=window, aggregate=aggregate, accumulate=accumulate, filter=filter,
            cost_type=costType, sort_by=sortBy, sort_direction=sortDirection,
        )  # fmt: skip
        return await answer(request, who, params, series=False)

    return router
