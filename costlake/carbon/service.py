"""Emissions per cloud account, preferring what the provider reports over our estimate.

The lake can hold two views of the same usage: CCF estimates on the billing lines
(``x_CarbonSource = 'costlake_ccf_estimate'``) and provider-reported totals ingested from
the AWS Customer Carbon Footprint Tool or the GCP Carbon Footprint export. Adding both would
count the usage twice, so for every (account, month) that has provider-reported rows, those
rows are used and the estimates ignored; other months keep the estimate. The provider's
number wins because it is measured on the real fleet, with the provider's own PUE, hardware
and energy data; ours is a model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from costlake.carbon.enricher import ESTIMATE
from costlake.query.model import CostQuery, Filter, Granularity, Metric
from costlake.query.service import QueryService

AWS_REPORTED = "aws_carbon_footprint"
GCP_REPORTED = "gcp_carbon_footprint"
PROVIDER_REPORTED = frozenset({AWS_REPORTED, GCP_REPORTED})


@dataclass(frozen=True, slots=True)
class AccountEmissions:
    provider_name: str
    account_id: str
    """SubAccountId (AWS account, Azure subscription, GCP project), else BillingAccountId."""
    kg_co2e: Decimal
    is_estimate: bool
    """True when any month of the window used the CCF estimate."""
    data_source: str
    """The provider's source when its data covered every month with emissions in the window,
    else ``costlake_ccf_estimate``."""


def emissions_by_account(
    queries: QueryService,
    org: str,
    start: datetime,
    end: datetime,
    *,
    account_ids: tuple[str, ...] | None = None,
) -> list[AccountEmissions]:
    """kgCO2e per account over ``[start, end)``, provider data first (see module docstring).

    Provider exports are monthly totals, so a window that covers part of a month gets the
    matching share of that month's reported total (by time overlap); estimates are per line
    item and are summed over the window itself.
    """
    months: dict[tuple[str, str], dict[object, dict[str, Decimal]]] = defaultdict(
        lambda: defaultdict(dict)
    )

    def add(rows: list[dict[str, object]], share: bool) -> None:
        for row in rows:
            source, kg = row["x_CarbonSource"], row["cost"]
            if source is None or kg is None:
                continue  # lines without carbon data (not usage, SaaS, unknown usage)
            month = row["period"]
            assert isinstance(month, datetime)
            factor = _overlap(month, start, end) if share else Decimal(1)
            if factor == 0:
                continue
            account = row["SubAccountId"] or row["BillingAccountId"]
            by_source = months[(str(row["ProviderName"]), str(account))][month]
            by_source[str(source)] = by_source.get(str(source), Decimal(0)) + Decimal(kg) * factor

    dims = ("ProviderName", "BillingAccountId", "SubAccountId", "x_CarbonSource")
    estimates = CostQuery(
        start=start,
        end=end,
        granularity=Granularity.MONTH,
        group_by=dims,
        metric=Metric.CARBON,
        account_ids=account_ids,
        order_by_cost=False,
        filters=(Filter.of("x_CarbonSource", "eq", ESTIMATE),),
    )
    reported = CostQuery(
        start=_month_start(start),
        end=end,
        granularity=Granularity.MONTH,
        group_by=dims,
        metric=Metric.CARBON,
        account_ids=account_ids,
        order_by_cost=False,
        filters=(Filter.of("x_CarbonSource", "in", *sorted(PROVIDER_REPORTED)),),
    )
    add(queries.run(org, estimates).rows, share=False)
    add(queries.run(org, reported).rows, share=True)
    return [
        _account(provider, account, per_month)
        for (provider, account), per_month in sorted(months.items())
    ]


def _month_start(moment: datetime) -> datetime:
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _overlap(month: datetime, start: datetime, end: datetime) -> Decimal:
    """The share of calendar month ``month`` that falls inside [start, end)."""
    nxt = (month + timedelta(days=32)).replace(day=1)
    lo, hi = max(month, start), min(nxt, end)
    if hi <= lo:
        return Decimal(0)
    return Decimal((hi - lo).total_seconds()) / Decimal((nxt - month).total_seconds())


def _account(
    provider: str, account: str, per_month: dict[object, dict[str, Decimal]]
) -> AccountEmissions:
    total, used = Decimal(0), set()
    for by_source in per_month.values():
        reported = {s: kg for s, kg in by_source.items() if s in PROVIDER_REPORTED}
        chosen = reported or {s: kg for s, kg in by_source.items() if s == ESTIMATE}
        total += sum(chosen.values(), Decimal(0))
        used |= chosen.keys()
    is_estimate = ESTIMATE in used or not used
    source = ESTIMATE if is_estimate else ",".join(sorted(used))
    return AccountEmissions(provider, account, total, is_estimate, source)


def emissions_for_windows(
    queries: QueryService,
    org: str,
    windows: Sequence[tuple[datetime, datetime]],
    *,
    account_ids: tuple[str, ...] | None = None,
) -> list[list[AccountEmissions]]:
    """``emissions_by_account`` for several windows (a period and its comparison) in one scan.

    Windows that start and end at midnight are answered from one query with daily buckets:
    estimates are summed over each window's days, monthly provider reports prorated to it.
    Other windows fall back to one ``emissions_by_account`` call each.
    """
    if not windows or not all(_midnight(s) and _midnight(e) for s, e in windows):
        return [
            emissions_by_account(queries, org, s, e, account_ids=account_ids) for s, e in windows
        ]
    query = CostQuery(
        start=_month_start(min(s for s, _ in windows)),
        end=max(e for _, e in windows),
        granularity=Granularity.DAY,
        group_by=("ProviderName", "BillingAccountId", "SubAccountId", "x_CarbonSource"),
        metric=Metric.CARBON,
        account_ids=account_ids,
        order_by_cost=False,
        filters=(Filter.of("x_CarbonSource", "in", ESTIMATE, *sorted(PROVIDER_REPORTED)),),
    )
    rows = queries.run(org, query).rows
    answers = []
    for start, end in windows:
        months: dict[tuple[str, str], dict[object, dict[str, Decimal]]] = defaultdict(
            lambda: defaultdict(dict)
        )
        for row in rows:
            source, kg, day = row["x_CarbonSource"], row["cost"], row["period"]
            if source is None or kg is None:
                continue
            assert isinstance(day, datetime)
            month = _month_start(day)
            if source == ESTIMATE:
                if not start <= day < end:
                    continue
                factor = Decimal(1)
            else:
                factor = _overlap(month, start, end)
                if factor == 0:
                    continue
            account = row["SubAccountId"] or row["BillingAccountId"]
            by_source = months[(str(row["ProviderName"]), str(account))][month]
            by_source[str(source)] = by_source.get(str(source), Decimal(0)) + Decimal(kg) * factor
        answers.append(
            [
                _account(provider, account, per_month)
                for (provider, account), per_month in sorted(months.items())
            ]
        )
    return answers


def _midnight(moment: datetime) -> bool:
    return moment == moment.replace(hour=0, minute=0, second=0, microsecond=0)
