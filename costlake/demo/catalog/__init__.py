"""The demo company's static catalogue: who bills it, for what, where, at which price.

Everything here is plain data, so the generator stays a pure function of (catalogue, seed, size)
and a reader can check the demo's realism in a few files: ``company`` (regions, providers,
accounts, apps), ``kinds`` (how resource ids look), ``skus`` (what is bought, at which list
price), ``bill_events`` (commitments, credits, anomalies), and ``model`` (the entries' shapes).
Prices are public on-demand list prices (US regions, rounded); ids are made up but shaped like
the real thing (12-digit AWS accounts, Azure subscription GUIDs, GCP project ids). Instance types
use the names the carbon tables in ``shared/data/carbon`` know, and ``SkuPriceDetails`` carries
their vCPU and memory so a carbon model needs no lookup.

The generator reads it as ``from costlake.demo import catalog as cat``; every table and type is
re-exported here so that stays the one import.
"""

from __future__ import annotations

from costlake.demo.catalog.bill_events import ANOMALIES, COMMITMENTS, CREDITS
from costlake.demo.catalog.company import (
    AFFINITY,
    APPS,
    AWS_REGIONS,
    BILLING_ACCOUNTS,
    ENV_VARIANT,
    PROFILE_APPS,
    PROFILE_ENV,
    PROVIDERS,
    REGIONS,
    SUB_ACCOUNTS,
    TAG_KEYS,
)
from costlake.demo.catalog.kinds import KINDS
from costlake.demo.catalog.model import (
    AI,
    BATCH,
    INSTANCE,
    NON_PROD,
    PATTERNS,
    PROFILES,
    STEADY,
    STORAGE_HOUR,
    STORAGE_MONTH,
    TRAFFIC,
    AnomalySpec,
    App,
    BillingAccount,
    Commitment,
    CreditSpec,
    Provider,
    Region,
    ResourceKind,
    Sku,
    SubAccount,
)
from costlake.demo.catalog.skus import SKUS

__all__ = [
    "AFFINITY",
    "AI",
    "ANOMALIES",
    "APPS",
    "AWS_REGIONS",
    "BATCH",
    "BILLING_ACCOUNTS",
    "COMMITMENTS",
    "CREDITS",
    "ENV_VARIANT",
    "INSTANCE",
    "KINDS",
    "NON_PROD",
    "PATTERNS",
    "PROFILES",
    "PROFILE_APPS",
    "PROFILE_ENV",
    "PROVIDERS",
    "REGIONS",
    "SKUS",
    "STEADY",
    "STORAGE_HOUR",
    "STORAGE_MONTH",
    "SUB_ACCOUNTS",
    "TAG_KEYS",
    "TRAFFIC",
    "AnomalySpec",
    "App",
    "BillingAccount",
    "Commitment",
    "CreditSpec",
    "Provider",
    "Region",
    "ResourceKind",
    "Sku",
    "SubAccount",
]
