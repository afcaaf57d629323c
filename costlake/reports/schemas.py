"""The report's core types: per-account emissions beside per-account costs."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from costlake.costs.resources import ResourceInventory
from costlake.costs.schemas import AccountCosts, CostSummary


@dataclass(frozen=True, slots=True)
class AccountCarbon:
    """One account's emissions in the period (and the comparison period, if asked)."""

    account: AccountCosts
    current: Decimal
    previous: Decimal | None
    is_estimate: bool
    data_source: str


@dataclass(frozen=True, slots=True)
class CostReport:
    summary: CostSummary
    carbon: list[AccountCarbon] | None
    """None when carbon was not asked for."""
    inventory: ResourceInventory | None
    """Resources seen before the period's end, only when the period has no cost rows."""
