"""Per-account cost summaries: the question behind most dialects' "summary" endpoints."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from costlake.costs.schemas import AccountCosts, CostSummary, ServiceCost
from costlake.kit.providers import provider_names, provider_slug
from costlake.query.model import CostQuery, Filter, Metric
from costlake.query.service import QueryService

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class AccountScope:
    """Which accounts a caller may see and asked for."""

    granted: tuple[str, ...] | None = None
    """Account ids the caller is granted (None: the whole org)."""
    providers: frozenset[str] | None = None
    """Provider slugs to include (None: all)."""
    account: str | None = None
    """One account asked for, by key (``aws-123``) or by its id (``123``)."""


def account_summary(
    queries: QueryService,
    org: str,
    start: datetime,
    end: datetime,
    *,
    previous_start: datetime | None = None,
    metric: Metric = Metric.BILLED,
    scope: AccountScope = AccountScope(),
    max_services: int | None = None,
) -> CostSummary:
    """Cost per account in [start, end), with the window [previous_start, start) when given,
    and each account's largest services (the rest are not folded: percentages are of the
    account's total)."""
    compare = previous_start is not None
    dims = (
        "ProviderName",
        "BillingAccountId",
        "SubAccountId",
        "SubAccountName",
        "BillingAccountName",
        "BillingCurrency",
    )
    base = CostQuery(
        start,
        end,
        group_by=dims,
        metric=metric,
        compare_previous=compare,
        previous_start_at=previous_start,
        account_ids=scope.granted,
    )
    result = queries.run(org, base)
    totals: dict[tuple[str, str, str], list[object]] = {}
    for r in result.rows:
        provider = provider_slug(r["ProviderName"])  # type: ignore[arg-type]
        if scope.providers is not None and provider not in scope.providers:
            continue
        account_id = r["SubAccountId"] or r["BillingAccountId"]
        key = (provider, str(account_id), str(r["BillingAccountId"]))
        if scope.account and scope.account not in (f"{provider}-{account_id}", account_id):
            continue
        t = totals.setdefault(key, [r["ProviderName"], None, ZERO, None, r["BillingCurrency"]])
        t[1] = t[1] or r["SubAccountName"] or r["BillingAccountName"]
        t[2] = t[2] + (r["cost"] or ZERO)  # type: ignore[operator]
        if compare and r.get("previous_cost") is not None:
            t[3] = (t[3] or ZERO) + r["previous_cost"]  # type: ignore[operator]
    services = _services(queries, org, start, end, metric, scope, totals.keys(), max_services)
    accounts = []
    for (provider, account_id, billing), (pname, name, cur, prev, ccy) in totals.items():
        if compare and prev is None:
            prev = ZERO
        accounts.append(
            AccountCosts(
                provider=provider,
                provider_name=str(pname),
                account_id=account_id,
                account_name=name,
                billing_account_id=billing,
                current=cur,  # type: ignore[arg-type]
                previous=prev,
                currency=str(ccy or "USD"),  # type: ignore[arg-type]
                by_service=tuple(services.get((provider, account_id, billing), ())),
            )
        )
    accounts.sort(key=lambda a: (-a.current, a.provider, a.account_id))
    currencies = {a.currency for a in accounts}
    return CostSummary(
        accounts=tuple(accounts),
        current=sum((a.current for a in accounts), ZERO),
        previous=sum((a.previous or ZERO for a in accounts), ZERO) if compare else None,
        currency=currencies.pop() if len(currencies) == 1 else "USD",
        rows_found=bool(result.rows),
    )


def _provider_filter(scope: AccountScope) -> tuple[Filter, ...]:
    """Leave other providers out in the scan itself (the slug check after it stays)."""
    if scope.providers is None:
        return ()
    names = provider_names(scope.providers)
    return (Filter.of("ProviderName", "in", *names),) if names else ()


def _services(
    queries: QueryService,
    org: str,
    start: datetime,
    end: datetime,
    metric: Metric,
    scope: AccountScope,
    keys: Iterable[tuple[str, str, str]],
    max_services: int | None,
) -> dict[tuple[str, str, str], list[ServiceCost]]:
    wanted = set(keys)
    if not wanted:
        return {}
    q = CostQuery(
        start,
        end,
        group_by=("ProviderName", "BillingAccountId", "SubAccountId", "ServiceName"),
        metric=metric,
        account_ids=scope.granted,
    )
    per: dict[tuple[str, str, str], dict[str, Decimal]] = defaultdict(dict)
    for r in queries.run(org, q).rows:
        provider = provider_slug(r["ProviderName"])  # type: ignore[arg-type]
        key = (
            provider,
            str(r["SubAccountId"] or r["BillingAccountId"]),
            str(r["BillingAccountId"]),
        )
        if key in wanted:
            name = str(r["ServiceName"])
            per[key][name] = per[key].get(name, ZERO) + (r["cost"] or ZERO)  # type: ignore[operator]
    out = {}
    for key, svc in per.items():
        ranked = sorted(svc.items(), key=lambda kv: (-kv[1], kv[0]))
        if max_services is not None:
            ranked = ranked[:max_services]
        out[key] = [ServiceCost(n, c) for n, c in ranked]
    return out
