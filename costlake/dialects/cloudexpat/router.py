"""CloudExpat's endpoints, paths and parameters verbatim from the seed. Each handler parses,
calls one core service on a worker thread, and renders through ``translate``."""

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import PlainTextResponse, Response

from costlake.auth.principals import Principal
from costlake.costs.service import AccountScope
from costlake.dialects.cloudexpat import markdown, translate
from costlake.dialects.cloudexpat.schemas import (
    CarbonSummaryResponse,
    CostSummaryResponse,
    ErrorResponse,
    ReportResponse,
)
from costlake.dialects.framework.dialect import Dialect
from costlake.dialects.framework.routing import dialect_route_class, needs
from costlake.dialects.responses import OrjsonResponse
from costlake.dialects.runner import run_blocking
from costlake.kit import clock
from costlake.platform import Platform
from costlake.reports.service import cost_report

PeriodParam = Annotated[Literal["day", "week", "month"], Query(description="day, week, or month")]
CompareParam = Annotated[Literal["previous", "none"], Query(description="previous or none")]
AccountParam = Annotated[
    str | None,
    Query(description="Filter to specific account (its accountId or externalId)", max_length=255),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid parameter"},
    401: {"model": ErrorResponse, "description": "Invalid or missing API key"},
    403: {"model": ErrorResponse, "description": "The API key lacks the scope needed"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded"},
    500: {"model": ErrorResponse, "description": "Server error"},
}


def _scope(who: Principal, account: str | None) -> AccountScope:
    return AccountScope(granted=who.account_ids, providers=translate.PROVIDERS, account=account)


async def _rendered(
    request: Request, who: Principal, key: tuple[object, ...], render: Callable[[], Any]
) -> Any:
    """``render()`` on a worker thread, kept with the lake version under ``key`` (which holds
    every parameter and the day the windows were computed on), so a repeated question is
    rendered once per ingest."""
    queries = request.app.state.platform.queries
    return await run_blocking(request, lambda: queries.remember(who.org, key, render))


def build_router(dialect: Dialect) -> APIRouter:
    router = APIRouter(
        route_class=dialect_route_class(dialect), tags=["CloudExpat"], responses=ERRORS
    )
    costs_reader = Annotated[Principal, needs(dialect, "costs:read")]
    carbon_reader = Annotated[Principal, needs(dialect, "carbon:read")]
    report_reader = Annotated[Principal, needs(dialect, "reports:read")]

    @router.get("/v1/costs/summary", response_model=CostSummaryResponse)
    async def costs_summary(
        request: Request,
        who: costs_reader,
        period: PeriodParam = "month",
        compare: CompareParam = "previous",
        accountId: AccountParam = None,  # noqa: N803
    ) -> Response:
        """Returns cost summary for all connected cloud accounts."""
        platform: Platform = request.app.state.platform
        today = clock.today()
        w, scope = translate.windows(period, compare, today), _scope(who, accountId)

        def render() -> dict[str, Any]:
            r = cost_report(
                platform.queries, who.org, w.current, w.previous, scope,
                max_services=translate.MAX_SERVICES, include_carbon=False,
            )  # fmt: skip
            return translate.cost_summary(r.summary, w, today=today, generated_at=clock.now())

        body = await _rendered(request, who, ("ce.costs", w, scope, today), render)
        return OrjsonResponse(translate.stamp(body, clock.now()))

    @router.get("/v1/carbon/summary", response_model=CarbonSummaryResponse)
    async def carbon_summary(
        request: Request,
        who: carbon_reader,
        period: PeriodParam = "month",
        compare: CompareParam = "previous",
        accountId: AccountParam = None,  # noqa: N803
    ) -> Response:
        """Returns carbon emissions data for all connected cloud accounts."""
        platform: Platform = request.app.state.platform
        w, scope = translate.windows(period, compare, clock.today()), _scope(who, accountId)

        def render() -> dict[str, Any]:
            r = cost_report(
                platform.queries, who.org, w.current, w.previous, scope,
                max_services=0, include_carbon=True,
            )  # fmt: skip
            return translate.carbon_summary(r.carbon or [], w, generated_at=clock.now())

        body = await _rendered(request, who, ("ce.carbon", w, scope), render)
        return OrjsonResponse(translate.stamp(body, clock.now()))

    @router.get(
        "/v1/report",
        response_model=ReportResponse,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    async def report(
        request: Request,
        who: report_reader,
        format: Annotated[
            Literal["json", "markdown"], Query(description="json or markdown")
        ] = "json",
        period: PeriodParam = "month",
        include_carbon: Annotated[bool, Query(description="Include carbon emissions")] = True,
        accountId: AccountParam = None,  # noqa: N803
        max_accounts: Annotated[
            int, Query(ge=1, le=1_000_000, description="Max accounts to include (up to 20)")
        ] = 10,
        max_services: Annotated[
            int, Query(ge=1, le=1_000_000, description="Max services per account (up to 10)")
        ] = 5,
    ) -> Response:
        """Combined cost and carbon report. Supports JSON and Markdown formats."""
        platform: Platform = request.app.state.platform
        n_accounts = translate.clamp(max_accounts, translate.MAX_ACCOUNTS)
        n_services = translate.clamp(max_services, translate.MAX_SERVICES)
        today: date = clock.today()
        w, scope = translate.windows(period, "previous", today), _scope(who, accountId)

        def render() -> tuple[dict[str, Any], bool]:
            r = cost_report(
                platform.queries, who.org, w.current, w.previous, scope,
                max_services=n_services, include_carbon=include_carbon,
            )  # fmt: skip
            return translate.report(
                r, w, today=today, generated_at=clock.now(), max_accounts=n_accounts,
                max_services=n_services, dashboard_url=platform.dashboard_url,
            )  # fmt: skip

        key = ("ce.report", w, scope, today, n_accounts, n_services, include_carbon)
        cached, estimate = await _rendered(request, who, key, render)
        body = translate.stamp(cached, clock.now())
        if format == "markdown":
            return PlainTextResponse(
                markdown.render(body, estimate=estimate), media_type="text/markdown; charset=utf-8"
            )
        return OrjsonResponse(body)

    return router
