"""The small vocabularies every string column of the demo is drawn from.

Each string column is a function of one frame key (sub account, SKU, line kind, ...), so its
distinct values and an index table are built once per run; a batch then needs one gather per
key and never hashes a string. Resource ids, names and tags are built from pieces kept here.
"""

from __future__ import annotations

import json
import zlib
from datetime import date

import numpy as np
import pyarrow as pa

from costlake.demo import catalog as cat
from costlake.demo.hashing import mix_int
from costlake.demo.lines import LINES
from costlake.demo.money import QTY, decimal128
from costlake.demo.plan import Plan
from costlake.demo.rows import APP_SLOTS, ZONE_SLOTS
from costlake.focus.schema import TAGS

SOURCE_ID = "demo"


def _invoice_id(account: cat.BillingAccount, month: date) -> str:
    number = mix_int(zlib.crc32(account.id.encode()) << 20 ^ month.year * 12 + month.month)
    return f"{cat.PROVIDERS[account.provider].invoice_prefix}{number % 10**10:010d}"


def _vocab(values: list[str | None]) -> tuple[pa.Array, np.ndarray]:
    """The distinct non-null values, and each key's index into them (-1 = null)."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    at = {v: i for i, v in enumerate(distinct)}
    return pa.array(distinct, pa.string()), np.array([at.get(v, -1) for v in values], np.int32)


class Vocabularies:
    """Per-run vocabularies: dictionary groups by frame key, and resource-name pieces."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.groups: dict[str, tuple[list[tuple[str, pa.Array, bool]], np.ndarray]] = {}
        self._by_sub()
        self._by_sku()
        self._by_other()
        self._resources()
        self.unit_prices = (
            decimal128(plan.cell_lp, np.full(len(plan.cell_lp), QTY)),
            decimal128(plan.cell_cp, np.full(len(plan.cell_cp), QTY)),
        )

    def _group(self, key: str, columns: dict[str, list[str | None]]) -> None:
        """Columns that are functions of one frame key: their vocabularies and one index
        table, so a batch needs a single gather per key."""
        vocabs = [(name, *_vocab(values)) for name, values in columns.items()]
        self.groups[key] = (
            [(name, vocab, bool((table < 0).any())) for name, vocab, table in vocabs],
            np.stack([table for _, _, table in vocabs]),
        )

    def _by_sub(self) -> None:
        accounts = {b.id: b for b in cat.BILLING_ACCOUNTS}
        subs = cat.SUB_ACCOUNTS
        ba = [accounts[s.billing_account] for s in subs]
        pv = [cat.PROVIDERS[b.provider] for b in ba]
        self._group(
            "sub",
            {
                "SubAccountId": [s.id for s in subs],
                "SubAccountName": [s.name for s in subs],
                "SubAccountType": [p.sub_account_type for p in pv],
                "BillingAccountId": [b.id for b in ba],
                "BillingAccountName": [b.name for b in ba],
                "BillingAccountType": [p.billing_account_type for p in pv],
                "ProviderName": [p.name for p in pv],
                "PublisherName": [p.publisher for p in pv],
                "ServiceProviderName": [p.name for p in pv],
                "InvoiceIssuerName": [p.invoice_issuer for p in pv],
                "HostProviderName": [
                    s.host_provider or (None if s.profile == "saas" else p.name)
                    for s, p in zip(subs, pv, strict=True)
                ],
            },
        )
        self.sub_account = np.array([cat.BILLING_ACCOUNTS.index(b) for b in ba], np.int64)
        self._group(
            "invoice",
            {
                "InvoiceId": [
                    _invoice_id(b, m) for b in cat.BILLING_ACCOUNTS for m in self.plan.months
                ]
            },
        )

    def _by_sku(self) -> None:
        skus = cat.SKUS
        self._group(
            "sku",
            {
                "ServiceName": [s.service for s in skus],
                "ServiceCategory": [s.category for s in skus],
                "ServiceSubcategory": [s.subcategory for s in skus],
            },
        )
        self._group(
            "usage_sku",
            {
                "SkuId": [s.sku_id or None for s in skus],
                "SkuMeter": [s.meter or None for s in skus],
                "SkuPriceDetails": [s.details for s in skus],
                "PricingUnit": [s.pricing_unit or None for s in skus],
                "ConsumedUnit": [s.consumed_unit or None for s in skus],
                "ResourceType": [cat.KINDS[s.resource].type for s in skus],
            },
        )
        self._group(
            "usage_desc",
            {
                "SkuPriceId": [
                    f"{s.sku_id}.{offer}" if s.sku_id else None
                    for s in skus
                    for offer in ("JRTCKXETXF", "SPOT", "COMMITTED")
                ]
            },
        )
        self._group(
            "desc",
            {
                "ChargeDescription": [
                    text
                    for s in skus
                    for text in (
                        s.description,
                        f"Spot {s.description.removeprefix('On Demand ')}",
                        f"{s.description.removeprefix('On Demand ')}, covered by a commitment",
                    )
                ]
                + self.plan.special.descriptions
            },
        )

    def _by_other(self) -> None:
        names = (
            "ChargeCategory",
            "ChargeClass",
            "ChargeFrequency",
            "PricingCategory",
            "CommitmentDiscountStatus",
        )
        self._group("line", {n: [line[c] for line in LINES] for c, n in enumerate(names)})
        cs = cat.COMMITMENTS
        self._group(
            "commit",
            {
                "CommitmentDiscountId": [c.id for c in cs],
                "CommitmentDiscountName": [c.name for c in cs],
                "CommitmentDiscountCategory": [c.category for c in cs],
                "CommitmentDiscountType": [c.type for c in cs],
                "CommitmentDiscountUnit": [c.unit for c in cs],
            },
        )
        self._group(
            "commit_resource",
            {
                "ResourceId": [c.id for c in cs],
                "ResourceName": [c.name for c in cs],
                "ResourceType": [c.resource_type for c in cs],
            },
        )
        regions = [cat.REGIONS[r] for r in self.plan.region_ids]
        self._group(
            "region", {"RegionId": [r.id for r in regions], "RegionName": [r.name for r in regions]}
        )
        self._group("zone", {"AvailabilityZone": [z for r in regions for z in r.zones]})
        self._group(
            "const",
            {"BillingCurrency": ["USD"], "x_SourceId": [SOURCE_ID], "x_SourceFormat": ["focus"]},
        )

    def _resources(self) -> None:
        """Id prefixes per (cell, zone slot, app); name stems per (kind, app slot); tag sets
        per (app slot, hygiene)."""
        p = self.plan
        kinds = list(cat.KINDS.values())
        self.sku_kind = np.array([list(cat.KINDS).index(s.resource) for s in cat.SKUS])
        self.id_width = np.array(
            [{"long": 16, "short": 5, "upper": 13, "none": 0}[k.token] for k in kinds]
        )
        self.name_token = np.array([k.name_token for k in kinds])
        slots = [
            (app, cat.PROFILE_ENV[s.profile])
            for s in cat.SUB_ACCOUNTS
            for app in cat.PROFILE_APPS[s.profile]
        ]
        values = [
            dict(app=a, env=e, app_=a.replace("-", "_"), APP=a.replace("-", "_").upper())
            for a, e in slots
        ]
        prefixes = [""] * (len(p.cell_sku) * ZONE_SLOTS * APP_SLOTS)
        for c, (sku, sub, region) in enumerate(
            zip(p.cell_sku, p.cell_sub, p.cell_region, strict=True)
        ):
            s, kind = cat.SUB_ACCOUNTS[sub], kinds[self.sku_kind[sku]]
            r = cat.REGIONS[p.region_ids[region]] if region >= 0 else None
            first = sum(len(cat.PROFILE_APPS[x.profile]) for x in cat.SUB_ACCOUNTS[:sub])
            for z in range(ZONE_SLOTS if "{zone}" in kind.prefix else 1):
                head = kind.prefix.format(
                    region=r.id if r else "",
                    account=s.id,
                    zone=r.zones[z % len(r.zones)] if r else "",
                    account_name=s.name,
                )
                for a in range(len(cat.PROFILE_APPS[s.profile])):
                    prefixes[(c * ZONE_SLOTS + z) * APP_SLOTS + a] = head + kind.middle.format(
                        **values[first + a]
                    )
        self.prefixes = pa.array(prefixes)
        self.slots = len(slots)
        self.names = pa.array([k.name.format(**v) for k in kinds for v in values])
        tags = []
        for app, env in slots:
            a = cat.APPS[app]
            full = [("team", a.team), ("env", env), ("app", app), ("cost-center", a.cost_center)]
            tags += [
                full,
                full[:3],
                [("app", app)],
                [],
                [*full[:1], ("env", cat.ENV_VARIANT[env]), *full[2:]],
            ]
        self.tags = pa.array(
            [json.dumps(dict(t), separators=(",", ":")) if t else None for t in tags], TAGS
        )
