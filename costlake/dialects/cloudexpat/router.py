"""CloudExpat's endpoints, paths and parameters verbatim from the seed. Each handler parses,
calls the core on a worker thread, and renders through ``translate``."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import PlainTextResponse, Response

from costlake.costs.resources import resource_inventory
from costlake.costs.schemas import CostSummary
from costlake.costs.service import AccountScope, account_summary
from costlake.dialects.base import Caller, Dialect, authenticator, dialect_route_class
from costlake.dialects.cloudexpat import markdown, translate
from costlake.dialects.cloudexpat.schemas import (
    CarbonSummaryResponse,
    CostSummaryResponse,
    ErrorResponse,
    ReportResponse,
)
from costlake.dialects.responses import OrjsonResponse
from costlake.dialects.runner import run_blocking
from costlake.kit import clock
from costlake.kit.providers import provider_slug
from costlake.platform import Platform

PeriodParam = Annotated[Literal["day", "week", "month"], Query(description="day, week, or month")]
CompareParam = Annotated[Literal["previous", "none"], Query(description="previous or none")]
AccountParam = Annotated[
    str | None,
    Query(description="Filter to specific account (its accountId or externalId)", max_length=255),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorResponse, "description": "Invalid parameter"},
    401: {"model": ErrorResponse, "description": "Invalid or missing API key"},
    429: {"model": ErrorResponse, "description": "Rate limit exceeded"},
    500: {"model": ErrorResponse, "description": "Server error"},
}


@dataclass(frozen=True, slots=True)
class _Costs:
    summary: CostSummary
    windows: translate.Windows
    today: date


def _scope(caller: Caller, account: str | None) -> AccountScope:
    return AccountScope(granted=caller.account_ids, providers=translate.PROVIDERS, account=account)


def _costs(
    platform: Platform,
    caller: Caller,
    period: str,
    compare: str,
    account: str | None,
    max_services: int | None,
) -> _Costs:
    today = clock.today()
    w = translate.windows(period, compare, today)
    summary = account_summary(
        platform.queries,
        caller.org,
        w.current.start_at,
        w.current.end_at,
        previous_start=w.previous.start_at if w.previous else None,
        scope=_scope(caller, account),
        max_services=max_services,
    )
    return _Costs(summary, w, today)


def _carbon(platform: Platform, caller: Caller, costs: _Costs) -> list[translate.AccountCarbon]:
    from costlake.carbon.service import emissions_for_windows

    w = costs.windows
    windows = [(w.current.start_at, w.current.end_at)]
    if w.previous:
        windows.append((w.previous.start_at, w.previous.end_at))
    answers = emissions_for_windows(
        platform.queries, caller.org, windows, account_ids=caller.account_ids
    )
    cur, prev = (
        {(provider_slug(r.provider_name), r.account_id): r for r in rows}
        for rows in (answers[0], answers[1] if w.previous else [])
    )
    zero = Decimal(0)
    out = []
    for a in costs.summary.accounts:
        c, p = cur.get((a.provider, a.account_id)), prev.get((a.provider, a.account_id))
        out.append(
            translate.AccountCarbon(
                account=a,
                current=c.kg_co2e if c else zero,
                previous=(p.kg_co2e if p else zero) if w.previous else None,
                is_estimate=c.is_estimate if c else True,
                data_source=c.data_source if c else "costlake_ccf_estimate",
            )
        )
    out.sort(key=lambda r: (-r.current, r.account.key))
    return out


def build_router(dialect: Dialect) -> APIRouter:
    router = APIRouter(
        route_class=dialect_route_class(dialect), tags=["CloudExpat"], responses=ERRORS
    )
    caller_dep = Annotated[Caller, Depends(authenticator(dialect))]

    @router.get("/v1/costs/summary", response_model=CostSummaryResponse)
    async def costs_summary(
        request: Request,
        caller: caller_dep,
        period: PeriodParam = "month",
        compare: CompareParam = "previous",
        accountId: AccountParam = None,
    ) -> Response:  # noqa: N803
        """Returns cost summary for all connected cloud accounts."""
        platform: Platform = request.app.state.platform
        costs = await run_blocking(
            request,
            lambda: _costs(platform, caller, period, compare, accountId, translate.MAX_SERVICES),
        )
        return OrjsonResponse(
            translate.cost_summary(
                costs.summary, costs.windows, today=costs.today, generated_at=clock.now()
            )
        )

    @router.get("/v1/carbon/summary", response_model=CarbonSummaryResponse)
    async def carbon_summary(
        request: Request,
        caller: caller_dep,
        period: PeriodParam = "month",
        compare: CompareParam = "previous",
        accountId: AccountParam = None,
    ) -> Response:  # noqa: N803
        """Returns carbon emissions data for all connected cloud accounts."""
        platform: Platform = request.app.state.platform

        def work() -> tuple[_Costs, list[translate.AccountCarbon]]:
            costs = _costs(platform, caller, period, compare, accountId, 0)
            return costs, _carbon(platform, caller, costs)

        costs, rows = await run_blocking(request, work)
        return OrjsonResponse(
            translate.carbon_summary(rows, costs.windows, generated_at=clock.now())
        )

    @router.get(
        "/v1/report",
        response_model=ReportResponse,
        responses={200: {"content": {"text/markdown": {}}}},
    )
    async def report(
        request: Request,
        caller: caller_dep,
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

        def work() -> dict[str, Any]:
            costs = _costs(platform, caller, period, "previous", accountId, n_services)
            now = clock.now()
            body: dict[str, Any] = {
                "costs": translate.cost_summary(
                    costs.summary,
                    costs.windows,
                    today=costs.today,
                    generated_at=now,
                    max_accounts=n_accounts,
                    max_services=n_services,
                )
            }
            if include_carbon:
                body["carbon"] = translate.carbon_summary(
                    _carbon(platform, caller, costs),
                    costs.windows,
                    generated_at=now,
                    max_accounts=n_accounts,
                )
            if not costs.summary.rows_found:
                inv = resource_inventory(
                    platform.queries,
                    caller.org,
                    before=costs.windows.current.end_at,
                    account_ids=caller.account_ids,
                )
                body["resources"] = {
                    "totalResources": inv.total,
                    "byProvider": [{"name": n, "count": c} for n, c in inv.by_provider],
                    "byType": [{"name": n, "count": c} for n, c in inv.by_type],
                    "lastSeen": inv.last_seen.date().isoformat() if inv.last_seen else None,
                }
            estimate = translate.is_estimate(costs.windows.current, costs.today)
            body["dataQuality"] = translate.data_quality(costs.summary.rows_found, estimate)
            body["metadata"] = {
                "generatedAt": translate.iso_z(now),
                "apiVersion": "v1",
                "dashboardUrl": platform.dashboard_url,
            }
            body["_estimate"] = estimate
            return body

        body = await run_blocking(request, work)
        estimate = body.pop("_estimate")
        if format == "markdown":
            return PlainTextResponse(
                markdown.render(body, estimate=estimate), media_type="text/markdown; charset=utf-8"
            )
        return OrjsonResponse(body)

    return router
