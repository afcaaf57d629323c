"""Pure translations between CloudExpat's parameters and shapes and the core's.

No I/O here: the router gathers core results and hands them to these functions, so every
rule (windows, labels, rounding, deltas, estimates) is testable without a server.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from costlake.costs.schemas import AccountCosts, CostSummary
from costlake.kit.numbers import iso_millis_z, money, percentage, rounded
from costlake.kit.windows import Period, Window, trailing
from costlake.reports.schemas import AccountCarbon, CostReport

PROVIDERS = frozenset({"aws", "azure", "gcp"})
"""The providers CloudExpat documents; other spend (SaaS, OCI) is served by other dialects."""

LABELS = {
    Period.DAY: ("Yesterday", "Previous Day"),
    Period.WEEK: ("Last 7 Days", "Previous 7 Days"),
    Period.MONTH: ("This Month", "Last Month"),
}
MAX_ACCOUNTS = 20
MAX_SERVICES = 10


@dataclass(frozen=True, slots=True)
class Windows:
    period: Period
    current: Window
    previous: Window | None


def windows(period: str, compare: str, today: date) -> Windows:
    cur, prev = trailing(Period(period), today)
    return Windows(Period(period), cur, prev if compare == "previous" else None)


def clamp(value: int, maximum: int) -> int:
    """``max_accounts``/``max_services`` are documented "up to" a maximum: larger values
    are served as the maximum."""
    return min(value, maximum)


def amount(value: Decimal | None, places: str = "0.001") -> float | None:
    """Emissions in kgCO2e, to the gram."""
    return rounded(value, places)


def delta(
    current: Decimal, previous: Decimal | None, rounder=money
) -> dict[str, float | None] | None:  # noqa: ANN001
    if previous is None:
        return None
    return {
        "absolute": rounder(current - previous),
        "percentage": percentage(current - previous, previous),
    }


def period_info(w: Window, label: str) -> dict[str, str]:
    return {"start": w.start.isoformat(), "end": w.end.isoformat(), "label": label}


def is_estimate(window: Window, today: date) -> bool:
    """A figure is an estimate while its window includes days of a billing month that has not
    closed (not invoiced yet, so providers still restate it)."""
    return window.end > today.replace(day=1)


iso_z = iso_millis_z


def account_fields(a: AccountCosts) -> dict[str, str]:
    return {
        "accountId": a.key,
        "accountName": a.account_name or a.account_id,
        "provider": a.provider,
        "externalId": a.account_id,
    }


def cost_summary(
    summary: CostSummary,
    w: Windows,
    *,
    today: date,
    generated_at: datetime,
    max_accounts: int | None = None,
    max_services: int | None = None,
) -> dict[str, object]:
    labels = LABELS[w.period]
    estimate = is_estimate(w.current, today)
    accounts = summary.accounts[:max_accounts] if max_accounts else summary.accounts
    return {
        "generatedAt": iso_z(generated_at),
        "period": period_info(w.current, labels[0]),
        "comparison": period_info(w.previous, labels[1]) if w.previous else None,
        "accounts": [
            {
                **account_fields(a),
                "costs": {
                    "current": money(a.current),
                    "previous": money(a.previous),
                    "delta": delta(a.current, a.previous),
                    "currency": a.currency,
                    "isEstimate": estimate,
                },
                "byService": [
                    {
                        "service": s.service_name,
                        "cost": money(s.cost),
                        "percentage": percentage(s.cost, a.current) or 0.0,
                    }
                    for s in (a.by_service[:max_services] if max_services else a.by_service)
                ],
            }
            for a in accounts
        ],
        "totals": {
            "current": money(summary.current),
            "previous": money(summary.previous),
            "delta": delta(summary.current, summary.previous),
            "currency": summary.currency,
        },
    }


def carbon_summary(
    rows: Sequence[AccountCarbon],
    w: Windows,
    *,
    generated_at: datetime,
    max_accounts: int | None = None,
) -> dict[str, object]:
    labels = LABELS[w.period]
    shown = rows[:max_accounts] if max_accounts else rows
    cur = sum((r.current for r in rows), Decimal(0))
    prev = sum((r.previous or Decimal(0) for r in rows), Decimal(0)) if w.previous else None
    return {
        "generatedAt": iso_z(generated_at),
        "period": period_info(w.current, labels[0]),
        "accounts": [
            {
                **{k: v for k, v in account_fields(r.account).items() if k != "externalId"},
                "emissions": {
                    "current": amount(r.current),
                    "previous": amount(r.previous),
                    "delta": delta(r.current, r.previous, amount),
                    "unit": "kgCO2e",
                    "isEstimate": r.is_estimate,
                    "dataSource": r.data_source,
                },
            }
            for r in shown
        ],
        "totals": {
            "current": amount(cur),
            "previous": amount(prev),
            "delta": delta(cur, prev, amount),
            "unit": "kgCO2e",
        },
    }


def data_quality(has_rows: bool, estimate: bool) -> dict[str, str]:
    if not has_rows:
        return {
            "status": "no_data",
            "message": "No cost data is available for this period: no billing export "
            "covering it has been ingested yet.",
        }
    if estimate:
        return {
            "status": "actual",
            "message": "Cost data retrieved successfully. Figures for the current billing "
            "month are not invoiced yet and may still change.",
        }
    return {"status": "actual", "message": "Cost data retrieved successfully."}


def report(
    r: CostReport,
    w: Windows,
    *,
    today: date,
    generated_at: datetime,
    max_accounts: int,
    max_services: int,
    dashboard_url: str,
) -> tuple[dict[str, Any], bool]:
    """The ``/v1/report`` body and whether its figures are still estimates."""
    body: dict[str, Any] = {
        "costs": cost_summary(
            r.summary,
            w,
            today=today,
            generated_at=generated_at,
            max_accounts=max_accounts,
            max_services=max_services,
        )
    }
    if r.carbon is not None:
        body["carbon"] = carbon_summary(
            r.carbon, w, generated_at=generated_at, max_accounts=max_accounts
        )
    if r.inventory is not None:
        inv = r.inventory
        body["resources"] = {
            "totalResources": inv.total,
            "byProvider": [{"name": n, "count": c} for n, c in inv.by_provider],
            "byType": [{"name": n, "count": c} for n, c in inv.by_type],
            "lastSeen": inv.last_seen.date().isoformat() if inv.last_seen else None,
        }
    estimate = is_estimate(w.current, today)
    body["dataQuality"] = data_quality(r.summary.rows_found, estimate)
    body["metadata"] = {
        "generatedAt": iso_z(generated_at),
        "apiVersion": "v1",
        "dashboardUrl": dashboard_url,
    }
    return body, estimate


def stamp(body: dict[str, Any], generated_at: datetime) -> dict[str, Any]:
    """``body`` with every ``generatedAt`` set to ``generated_at``: a body rendered once for
    a lake version is served again with the time of each request."""
    when = iso_z(generated_at)
    out = {**body}
    if "generatedAt" in out:
        out["generatedAt"] = when
    for part in ("costs", "carbon", "metadata"):
        if isinstance(out.get(part), dict) and "generatedAt" in out[part]:
            out[part] = {**out[part], "generatedAt": when}
    return out
