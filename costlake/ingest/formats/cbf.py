"""CloudZero Common Bill Format (CBF, the AnyCost bucket-drop CSV) -> FOCUS.

CBF is a generic bill: any vendor's charges, one row per line item, columns such as
``time/usage_start``, ``cost/cost``, ``resource/service``, ``lineitem/type`` and one
``resource/tag:<key>`` column per tag. Its five cost columns map onto the four FOCUS metrics
with CloudZero's own fallbacks (a blank cost column falls back, a 0 is kept):

* BilledCost     = ``cost/cost`` (CloudZero's "Billed Cost")
* EffectiveCost  = ``discounted_amortized_cost`` -> ``amortized_cost`` -> ``discounted_cost``
  -> ``cost`` (CloudZero's "Discounted Amortized Cost", FOCUS's amortised net cost)
* ContractedCost = ``discounted_cost`` -> ``cost``
* ListCost       = ``on_demand_cost`` -> ``cost``

CBF has no provider, billing account or currency column: ProviderName is
``lineitem/cloud_provider`` when the file has it, else "CloudZero CBF"; the billing account is
that provider name (one CBF feed = one billed source); the currency is USD, as CloudZero
assumes. See docs/ingest/cbf.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats import _native as n
from costlake.ingest.registry import register
from costlake.ingest.sql import Expr, lit

DEFAULT_PROVIDER = "CloudZero CBF"
_COST = "cost/cost"
_START = "time/usage_start"
_CBF_ONLY = (
    "lineitem/type",
    "lineitem/id",
    "lineitem/description",
    "lineitem/cloud_provider",
    "time/usage_end",
    "resource/id",
    "resource/service",
    "resource/account",
    "resource/region",
    "resource/usage_family",
    "action/operation",
    "action/usage_type",
    "action/region",
    "action/account",
    "usage/amount",
    "usage/units",
    "cost/discounted_cost",
    "cost/amortized_cost",
    "cost/discounted_amortized_cost",
    "cost/on_demand_cost",
    "bill/invoice_id",
)
_TAG_PREFIX = "resource/tag:"
_K8S = ("k8s/cluster", "k8s/namespace", "k8s/deployment")

# lineitem/type (lowercased) -> (ChargeCategory, ChargeFrequency).
LINE_ITEM_TYPES: dict[str, tuple[str, str | None]] = {
    "usage": ("Usage", "Usage-Based"),
    "tax": ("Tax", None),
    "support": ("Purchase", "Recurring"),
    "purchase": ("Purchase", "One-Time"),
    "committedusepurchase": ("Purchase", "One-Time"),
    "committeduserecurringfee": ("Purchase", "Recurring"),
    "committedusevacancy": ("Usage", "Usage-Based"),
    "discount": ("Credit", "Usage-Based"),
    "credit": ("Credit", "One-Time"),
    "fee": ("Purchase", "One-Time"),
    "adjustment": ("Adjustment", None),
}

# resource/service (lowercased) -> FOCUS service category; CBF services are free-form, so only
# generic names are listed and anything else is Other.
SERVICE_CATEGORY: dict[str, str] = {
    "compute": "Compute",
    "containers": "Compute",
    "kubernetes": "Compute",
    "serverless": "Compute",
    "storage": "Storage",
    "backup": "Storage",
    "database": "Databases",
    "databases": "Databases",
    "network": "Networking",
    "networking": "Networking",
    "cdn": "Networking",
    "bandwidth": "Networking",
    "analytics": "Analytics",
    "data warehouse": "Analytics",
    "ai": "AI and Machine Learning",
    "llm": "AI and Machine Learning",
    "machine learning": "AI and Machine Learning",
    "monitoring": "Management and Governance",
    "observability": "Management and Governance",
    "logging": "Management and Governance",
    "security": "Security",
    "identity": "Identity",
    "ci/cd": "Developer Tools",
    "developer tools": "Developer Tools",
    "support": "Other",
}


class CbfAdapter:
    name: ClassVar[str] = "cbf"
    description: ClassVar[str] = "CloudZero Common Bill Format (AnyCost CBF, CSV)"
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        if n.is_focus(columns) or columns.find(_COST) is None or columns.find(_START) is None:
            return 0
        return min(90, 50 + 2 * sum(1 for c in _CBF_ONLY if columns.find(c)))

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        def text(*names: str) -> Expr | None:
            return n.text_of(columns, *names)

        def text_sql(*names: str) -> str:
            return n.sql_or_null(text(*names))

        cost = self._cost(columns, _COST)
        start = self._timestamp(columns, _START)
        end = self._timestamp(columns, "time/usage_end", required=False)
        kind = f"lower(coalesce({text_sql('lineitem/type')}, 'usage'))"
        category = {k: v[0] for k, v in LINE_ITEM_TYPES.items()}
        frequency = {k: v[1] for k, v in LINE_ITEM_TYPES.items() if v[1]}
        provider = f"coalesce({text_sql('lineitem/cloud_provider')}, {lit(DEFAULT_PROVIDER)})"
        service = text_sql("resource/service")
        resource = text_sql("resource/id")
        account = text_sql("resource/account", "action/account")
        is_usage = f"({kind} IN ('usage', 'committedusevacancy'))"
        amount = n.money_of(columns, "usage/amount")

        return {
            "BilledCost": cost,
            "EffectiveCost": self._fallback(
                columns,
                cost,
                "cost/discounted_amortized_cost",
                "cost/amortized_cost",
                "cost/discounted_cost",
            ),
            "ContractedCost": self._fallback(columns, cost, "cost/discounted_cost"),
            "ListCost": self._fallback(columns, cost, "cost/on_demand_cost"),
            "BillingAccountId": Expr(provider),
            "BillingCurrency": sql.constant("USD"),
            "ChargePeriodStart": start,
            "ChargePeriodEnd": n.end_or_default(end, start, "1 HOUR"),
            "BillingPeriodStart": Expr(n.month_start(start.sql), start.raw),
            "BillingPeriodEnd": Expr(n.next_month(n.month_start(start.sql)), start.raw),
            # Unknown line item types are kept as Usage, as CloudZero treats a missing type.
            "ChargeCategory": Expr(n.lookup(kind, category, "'Usage'")),
            "ChargeFrequency": Expr(n.lookup(kind, frequency)),
            "ChargeDescription": Expr(
                f"coalesce({text_sql('lineitem/description')}, {text_sql('action/usage_type')})"
            ),
            "CommitmentDiscountStatus": Expr(
                f"CASE WHEN {kind} = 'committedusevacancy' THEN 'Unused' END"
            ),
            "ConsumedQuantity": Expr(f"CASE WHEN {is_usage} THEN {n.sql_or_null(amount)} END"),
            "ConsumedUnit": Expr(f"CASE WHEN {is_usage} THEN {text_sql('usage/units')} END"),
            "PricingQuantity": amount,
            "PricingUnit": text("usage/units"),
            "InvoiceId": text("bill/invoice_id"),
            "ProviderName": Expr(provider),
            "PublisherName": Expr(provider),
            "InvoiceIssuerName": Expr(provider),
            "ServiceProviderName": Expr(provider),
            "HostProviderName": Expr(provider),
            "ServiceName": Expr(
                f"coalesce({service}, {text_sql('resource/usage_family')}, {provider})"
            ),
            "ServiceCategory": Expr(n.lookup(service, SERVICE_CATEGORY, "'Other'")),
            "ServiceSubcategory": text("resource/usage_family"),
            "SkuId": text("action/usage_type"),
            "SkuMeter": text("action/operation"),
            "SubAccountId": Expr(account),
            "RegionId": text("resource/region", "action/region"),
            "RegionName": text("resource/region", "action/region"),
            "ResourceId": Expr(resource),
            # CloudZero reads resource/id as "<type>/<name>" or "<type>:<name>".
            "ResourceType": Expr(
                f"CASE WHEN regexp_matches({resource}, '[/:]') "
                f"THEN NULLIF(regexp_extract({resource}, '^([^/:]*)', 1), '') END"
            ),
            "ResourceName": Expr(
                f"CASE WHEN regexp_matches({resource}, '[/:]') "
                f"THEN NULLIF(regexp_extract({resource}, '^[^/:]*[/:]([^/:]*)', 1), '') "
                f"ELSE {resource} END"
            ),
            "Tags": self._tags(columns),
        }

    # -- pieces ------------------------------------------------------------------------------

    @staticmethod
    def _cost(columns: RawColumns, name: str) -> Expr:
        found = columns.find(name)
        if found is None:
            raise MalformedFile(f"CBF file has no {name} column", column=name)
        return sql.money_or_zero(found, columns.types[found])

    @staticmethod
    def _fallback(columns: RawColumns, cost: Expr, *names: str) -> Expr:
        """The first of ``names`` that is not blank on the row, else ``cost`` (CloudZero's rule).

        A value that is present but not a number is an error, not a fallback.
        """
        present = [n.money_of(columns, name) for name in names if columns.find(name)]
        if not present:
            return cost
        value = f"coalesce({', '.join(p.sql for p in present)}, {cost.sql})"
        bad = [(f"({p.raw} IS NOT NULL AND {p.sql} IS NULL)", p.raw) for p in present if p.raw]
        if not bad:
            return Expr(value, cost.raw)
        whens = " ".join(f"WHEN {cond} THEN {raw}" for cond, raw in bad)
        any_bad = " OR ".join(cond for cond, _ in bad)
        return Expr(
            f"CASE WHEN {any_bad} THEN NULL ELSE {value} END",
            f"CASE {whens} ELSE {cost.raw or 'NULL'} END",
        )

    @staticmethod
    def _timestamp(columns: RawColumns, name: str, *, required: bool = True) -> Expr | None:
        found = columns.find(name)
        if found is None:
            if required:
                raise MalformedFile(f"CBF file has no {name} column", column=name)
            return None
        return sql.timestamp(found, type_=columns.types[found])

    @staticmethod
    def _tags(columns: RawColumns) -> Expr:
        tags = n.columns_with_prefix(columns, _TAG_PREFIX)
        tags.update({c: c for c in (columns.find(k) for k in _K8S) if c})
        if not tags:
            return Expr("NULL")
        return sql.tags_json_from_columns(tags)


register(CbfAdapter())
