"""Tiny FOCUS cost-and-usage CSVs for the ingest tests: one charge per line, by cost and month."""

from __future__ import annotations

from pathlib import Path

HEADER = (
    "BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,"
    "ChargeCategory,ChargePeriodStart,ChargePeriodEnd,EffectiveCost,InvoiceIssuerName,"
    "ProviderName,PublisherName,ServiceCategory,ServiceName,Tags\n"
)


def row(cost: str = "1.5", month: int = 9, tags: str = '"{""team"":""web""}"') -> str:
    """One usage charge of ``cost`` on the first of ``month`` 2024, tagged ``team=web``."""
    start, end = f"2024-{month:02d}-01", f"2024-{month + 1:02d}-01"
    return (
        f"{cost},acct-1,USD,{start},{end},Usage,{start}T05:00:00Z,{start}T06:00:00Z,{cost},"
        f"AWS,AWS,AWS,Compute,EC2,{tags}\n"
    )


def focus_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(rows))
    return path
