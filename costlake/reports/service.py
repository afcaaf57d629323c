"""Cost and carbon per account for a period, one service call per question.

The carbon join (emissions keyed by provider and account, matched to the cost summary's
accounts, zero where an account has costs but no emissions) used to live in a dialect's
router; every dialect that shows carbon beside cost calls :func:`carbon_by_account`.
"""

from __future__ import annotations

from decimal import Decimal

from costlake.carbon.service import emissions_for_windows
from costlake.costs.resources import resource_inventory
from costlake.costs.schemas import CostSummary
from costlake.costs.service import AccountScope, account_summary
from costlake.kit.providers import provider_slug
from costlake.kit.windows import Window
from costlake.query.service import QueryService
from costlake.reports.schemas import AccountCarbon, CostReport

ESTIMATE_SOURCE = "costlake_ccf_estimate"


def costs_by_account(
    queries: QueryService,
    org: str,
    current: Window,
    previous: Window | None,
    scope: AccountScope,
    *,
    max_services: int | None,
) -> CostSummary:
    return account_summary(
        queries,
        org,
        current.start_at,
        current.end_at,
        previous_start=previous.start_at if previous else None,
        scope=scope,
        max_services=max_services,
    )


def carbon_by_account(
    queries: QueryService,
    org: str,
    summary: CostSummary,
    current: Window,
    previous: Window | None,
    scope: AccountScope,
) -> list[AccountCarbon]:
    """Emissions of each account in ``summary``, largest first, for both windows."""
    windows = [(current.start_at, current.end_at)]
    if previous:
        windows.append((previous.start_at, previous.end_at))
    answers = emissions_for_windows(queries, org, windows, account_ids=scope.granted)
    cur, prev = (
        {(provider_slug(r.provider_name), r.account_id): r for r in rows}
        for rows in (answers[0], answers[1] if previous else [])
    )
    zero = Decimal(0)
    out = []
    for a in summary.accounts:
        c, p = cur.get((a.provider, a.account_id)), prev.get((a.provider, a.account_id))
        out.append(
            AccountCarbon(
                account=a,
                current=c.kg_co2e if c else zero,
                previous=(p.kg_co2e if p else zero) if previous else None,
                is_estimate=c.is_estimate if c else True,
                data_source=c.data_source if c else ESTIMATE_SOURCE,
            )
        )
    out.sort(key=lambda r: (-r.current, r.account.key))
    return out


def cost_report(
    queries: QueryService,
    org: str,
    current: Window,
    previous: Window | None,
    scope: AccountScope,
    *,
    max_services: int | None,
    include_carbon: bool,
) -> CostReport:
    """Costs per account, their emissions if asked, and when the period has no cost rows at
    all, the resources seen before it (so an empty answer still says what is there).

    Kept with the lake version: the same question over the same data is answered once."""
    key = ("cost_report", current, previous, scope, max_services, include_carbon)
    return queries.remember(
        org,
        key,
        lambda: _cost_report(
            queries, org, current, previous, scope,
            max_services=max_services, include_carbon=include_carbon,
        ),
    )  # fmt: skip


def _cost_report(
    queries: QueryService,
    org: str,
    current: Window,
    previous: Window | None,
    scope: AccountScope,
    *,
    max_services: int | None,
    include_carbon: bool,
) -> CostReport:
    summary = costs_by_account(queries, org, current, previous, scope, max_services=max_services)
    carbon = (
        carbon_by_account(queries, org, summary, current, previous, scope)
        if include_carbon
        else None
    )
    inventory = None
    if not summary.rows_found:
        inventory = resource_inventory(
            queries, org, before=current.end_at, account_ids=scope.granted
        )
    return CostReport(summary, carbon, inventory)
