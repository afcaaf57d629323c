"""The shapes of the demo catalogue's entries, and the vocabulary its tables share.

Kept apart from the tables so each table module reads as data, and so the generator can name
the types (``cat.Commitment``) without loading any one table's helpers.
"""

from __future__ import annotations

from dataclasses import dataclass

# Pricing patterns: how a resource's consumed quantity moves from day to day (see demo/rows.py).
INSTANCE = "instance"  # 24 h a day in prod; office hours in non-prod, nearly off at weekends
STEADY = "steady"  # a fixed number of units around the clock (clusters, vCores, NAT gateways)
STORAGE_MONTH = "storage-month"  # stored size (GB) growing slowly, billed per GB-month
STORAGE_HOUR = "storage-hour"  # stored size growing slowly, billed per GiB-hour
TRAFFIC = "traffic"  # user traffic: weekday peak, quieter weekends, steady growth
BATCH = "batch"  # pipelines: weekday jobs, month-end close bump
AI = "ai"  # token usage: weekday-heavy, fast growth
PATTERNS = (INSTANCE, STEADY, STORAGE_MONTH, STORAGE_HOUR, TRAFFIC, BATCH, AI)

PROFILES = ("prod", "staging", "dev", "data", "ml", "shared", "security", "saas", "warehouse")
NON_PROD = frozenset({"staging", "dev", "ml"})


@dataclass(frozen=True, slots=True)
class Region:
    id: str
    name: str
    zones: tuple[str, ...]
    price_permille: int = 1000
    """Regional price level relative to the SKU's list price (US East = 1000)."""


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    publisher: str
    invoice_issuer: str
    billing_account_type: str
    sub_account_type: str
    invoice_prefix: str


@dataclass(frozen=True, slots=True)
class BillingAccount:
    provider: str
    id: str
    name: str
    discount_permille: int
    """Negotiated discount off list (EDP, MACC, contract): ContractedUnitPrice = list * (1 - d)."""
    tax_bp: int
    """Sales tax in basis points of the monthly bill; 0 = no tax rows."""


@dataclass(frozen=True, slots=True)
class SubAccount:
    billing_account: str
    id: str
    name: str
    profile: str
    weight: float
    """Share of the demo's resources living in this sub account."""
    regions: tuple[tuple[str, float], ...] = ()
    host_provider: str | None = None


@dataclass(frozen=True, slots=True)
class App:
    name: str
    team: str
    cost_center: str


@dataclass(frozen=True, slots=True)
class ResourceKind:
    """How to spell a resource: id ``prefix + middle + token``, name ``name + short token``.

    ``prefix`` may use {region} {zone} {account} {account_name} {project}; ``middle`` and ``name``
    may use {app} {env} {app_} (underscored) {APP} (upper). ``token`` is the random part of the
    id: ``long`` (16 hex), ``short`` (5 hex, the same as the name's), ``upper`` or ``none``.
    """

    type: str
    prefix: str
    middle: str
    token: str
    name: str = "{app}-{env}-"
    name_token: bool = True


@dataclass(frozen=True, slots=True)
class Sku:
    key: str
    provider: str
    service: str
    category: str
    subcategory: str
    sku_id: str
    meter: str
    description: str
    pricing_unit: str
    consumed_unit: str
    list_price: str
    """USD per pricing unit, as decimal text."""
    resource: str
    pattern: str
    quantity: float
    """Median consumed quantity per resource-day (stored size for storage patterns)."""
    spread: float
    weight: float
    block: int = 1
    """Consumed units per pricing unit (1000 for "1K Tokens")."""
    integer: bool = False
    regional: bool = True
    zonal: bool = False
    only: tuple[str, ...] = ()
    """Profiles this SKU is used in; empty = all."""
    details: str | None = None
    """SkuPriceDetails JSON."""
    spot: bool = False


@dataclass(frozen=True, slots=True)
class Commitment:
    """A savings plan, reservation or committed-use discount and the fleet it covers."""

    provider: str
    id: str
    name: str
    category: str  # "Spend" | "Usage"
    type: str
    unit: str
    owner: str  # sub account charged for the fee
    service_sku: str  # SKU whose service the fee and unused rows are booked under
    skus: tuple[str, ...]
    subs: tuple[str, ...]
    discount_permille: int
    share: float
    """Fleet size as a share of the day's resources."""
    resource_type: str
    region: str | None = None


@dataclass(frozen=True, slots=True)
class AnomalySpec:
    kind: str
    provider: str
    sub_account_id: str
    service_name: str
    factor: float
    start: float
    """Start as a fraction of the window."""
    days: int
    """Length in days; 0 = until the end of the window."""
    description: str


@dataclass(frozen=True, slots=True)
class CreditSpec:
    line: str  # "credit" | "refund" | "adjustment"
    sub: str
    sku: str
    permille: int
    """Amount as permille of the sub account's billed usage (of the previous month for fixes)."""
    description: str


# Service categories named in more than one table.
CATEGORY_AI = "AI and Machine Learning"
CATEGORY_MG = "Management and Governance"
