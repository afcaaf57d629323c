"""Core result types for cost summaries (vendor-neutral; dialects translate them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class ServiceCost:
    service_name: str
    cost: Decimal


@dataclass(frozen=True, slots=True)
class AccountCosts:
    """One cloud account's cost in a window and the window before."""

    provider: str  # slug: aws, azure, gcp, ...
    provider_name: str  # FOCUS ProviderName
    account_id: str  # SubAccountId, or BillingAccountId where there is no sub account
    account_name: str | None
    billing_account_id: str
    current: Decimal
    previous: Decimal | None
    currency: str
    by_service: tuple[ServiceCost, ...] = ()

    @property
    def key(self) -> str:
        """A stable id for the account across dialects: ``<provider>-<account id>``."""
        return f"{self.provider}-{self.account_id}"


@dataclass(frozen=True, slots=True)
class CostSummary:
    accounts: tuple[AccountCosts, ...]
    current: Decimal
    previous: Decimal | None
    currency: str
    rows_found: bool = field(default=False)
    """True when the lake had any charge in the window (even if it sums to zero)."""
