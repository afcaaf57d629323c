"""Azure Cost Management cost details (actual or amortised; EA or MCA) -> FOCUS.

One adapter reads both datasets and both agreement types: column names are matched
case-insensitively (EA writes ``CostInBillingCurrency``, MCA ``costInBillingCurrency``; older EA
exports write ``Cost``), and the one rule for the cost metrics gives the right answer for either
dataset without knowing which it is (see docs/ingest/azure.md):

* BilledCost is the row's cost, except rows a commitment pays for (usage covered by a
  reservation or savings plan, and the unused share of one): those are 0, because the purchase
  row carries the invoiced amount. In an actual-cost file those rows already cost 0, so
  BilledCost totals the file; in an amortised file they carry the amortised share, which was
  never invoiced on its own.
* EffectiveCost is the row's cost: in an amortised file that is FOCUS's amortised cost; in an
  actual-cost file it is the cash view (purchases in the month bought).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats import _native as n
from costlake.ingest.formats._azure_tables import (
    METER_CATEGORY_SERVICE_CATEGORY,
    NAMESPACE_SERVICE,
    REGION_NAMES,
)
from costlake.ingest.registry import register
from costlake.ingest.sql import ISO_FORMATS, US_DATE_FORMATS, Expr, lit

_COST = ("CostInBillingCurrency", "Cost", "PreTaxCost")
_DATE = ("Date", "UsageDateTime", "UsageDate")
_METER = ("MeterCategory", "MeterId", "MeterName")
_SUBSCRIPTION = ("SubscriptionId", "SubscriptionGuid")
# Columns only Azure cost details carry; each one found makes detection surer.
_AZURE_ONLY = (
    "MeterCategory",
    "MeterSubCategory",
    "MeterId",
    "MeterName",
    "MeterRegion",
    "ConsumedService",
    "ResourceLocation",
    "ChargeType",
    "PricingModel",
    "PayGPrice",
    "EffectivePrice",
    "UnitOfMeasure",
    "benefitId",
    "ReservationId",
    "SubscriptionName",
    "BillingProfileId",
    "InvoiceSectionName",
    "PartNumber",
    "CostInBillingCurrency",
    "AdditionalInfo",
    "ServiceFamily",
    "ResourceGroup",
    "ResourceGroupName",
)
_FORMATS = ISO_FORMATS + US_DATE_FORMATS
_COMMITMENT_MODELS = ("reservation", "savingsplan", "savings plan")
_CHARGE_CATEGORY = {
    "usage": "Usage",
    "unusedreservation": "Usage",
    "unusedsavingsplan": "Usage",
    "purchase": "Purchase",
    "refund": "Purchase",
    "tax": "Tax",
    "credit": "Credit",
}
_FREQUENCY = {"onetime": "One-Time", "recurring": "Recurring", "usagebased": "Usage-Based"}
_PRICING_CATEGORY = {
    "ondemand": "Standard",
    "spot": "Dynamic",
    "reservation": "Committed",
    "savingsplan": "Committed",
    "savings plan": "Committed",
}
_UNASSIGNED_REGIONS = ("", "unassigned", "unknown", "n/a")


class AzureAdapter:
    name: ClassVar[str] = "azure"
    description: ClassVar[str] = (
        "Azure Cost Management cost details, actual or amortised, EA or MCA (CSV or Parquet)"
    )
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        if n.is_focus(columns):
            return 0
        if columns.find(*_COST) is None or columns.find(*_DATE) is None:
            return 0
        if columns.find(*_METER) is None or columns.find(*_SUBSCRIPTION) is None:
            return 0
        return min(90, 40 + 2 * sum(1 for c in _AZURE_ONLY if columns.find(c)))

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        c = _Columns(columns)
        cost = c.money_required("cost", *_COST)
        charge_type = f"lower(coalesce({c.text_sql('ChargeType')}, 'usage'))"
        model = f"lower(coalesce({c.text_sql('PricingModel')}, ''))"
        models = ", ".join(lit(m) for m in _COMMITMENT_MODELS)
        covered = f"({charge_type} = 'usage' AND {model} IN ({models}))"
        unused = f"({charge_type} IN ('unusedreservation', 'unusedsavingsplan'))"
        is_usage = f"({charge_type} = 'usage')"

        out: dict[str, Expr] = {
            "BilledCost": Expr(
                f"CASE WHEN {covered} OR {unused} THEN 0 ELSE {cost.sql} END", cost.raw
            ),
            "EffectiveCost": cost,
            "ListCost": self._priced_cost(
                c, "PayGPrice", is_usage, cost, total=("PaygCostInBillingCurrency",)
            ),
            "ContractedCost": self._priced_cost(c, "UnitPrice", is_usage, cost, total=()),
            "ListUnitPrice": c.price("PayGPrice"),
            "ContractedUnitPrice": c.price("UnitPrice"),
            "PricingQuantity": c.money("Quantity", "UsageQuantity"),
            "PricingUnit": c.text("UnitOfMeasure"),
            "BillingCurrency": c.text_required(
                "billing currency", "BillingCurrencyCode", "BillingCurrency", "Currency"
            ),
            "BillingAccountId": c.first_text(
                "billing account", "BillingProfileId", "BillingAccountId"
            ),
            "BillingAccountName": Expr(
                f"coalesce({c.text_sql('BillingProfileName')}, {c.text_sql('BillingAccountName')})"
            ),
            "SubAccountId": c.text(*_SUBSCRIPTION),
            "SubAccountName": c.text("SubscriptionName"),
            "ChargeCategory": Expr(n.lookup(charge_type, _CHARGE_CATEGORY, "'Adjustment'")),
            "ChargeClass": Expr(f"CASE WHEN {charge_type} = 'refund' THEN 'Correction' END"),
            "ChargeDescription": c.text("ProductName", "Product"),
            "ChargeFrequency": Expr(
                n.lookup(
                    f"replace({c.text_sql('Frequency')}, '-', '')",
                    _FREQUENCY,
                    f"CASE WHEN {is_usage} OR {unused} THEN 'Usage-Based' END",
                )
            ),
            "PricingCategory": Expr(n.lookup(model, _PRICING_CATEGORY)),
            "ConsumedQuantity": Expr(
                f"CASE WHEN {is_usage} THEN {n.sql_or_null(c.money('Quantity', 'UsageQuantity'))}"
                " END"
            ),
            "ConsumedUnit": Expr(f"CASE WHEN {is_usage} THEN {c.text_sql('UnitOfMeasure')} END"),
            "InvoiceId": c.text("InvoiceId", "InvoiceNumber"),
            "InvoiceIssuerName": Expr(f"coalesce({c.text_sql('PartnerName')}, 'Microsoft')"),
            "ProviderName": sql.constant("Microsoft"),
            "PublisherName": Expr(f"coalesce({c.text_sql('PublisherName')}, 'Microsoft')"),
            "ServiceProviderName": Expr(
                f"CASE WHEN lower({c.text_sql('PublisherType')}) = 'marketplace' "
                f"THEN coalesce({c.text_sql('PublisherName')}, 'Microsoft') ELSE 'Microsoft' END"
            ),
            "HostProviderName": sql.constant("Microsoft"),
            "AvailabilityZone": c.text("AvailabilityZone"),
            "SkuId": c.text("ProductId", "MeterId"),
            "SkuMeter": c.text("MeterName"),
            "Tags": c.tags(),
        }
        out.update(self._periods(c))
        out.update(self._commitment(c, covered, unused))
        out.update(self._service(c))
        out.update(self._place(c))
        out.update(self._pricing_currency(c))
        return out

    # -- pieces ------------------------------------------------------------------------------

    @staticmethod
    def _priced_cost(
        c: _Columns, price: str, is_usage: str, cost: Expr, total: tuple[str, ...]
    ) -> Expr:
        """List or contracted cost: the provider's total when it has one, else price x quantity.

        Only usage rows are priced; for other rows (purchases, tax, adjustments) and rows
        without a usable price, the billed cost is the best estimate available.
        """
        given = c.money(*total) if total else None
        unit_price = c.price(price)
        quantity = c.money("Quantity", "UsageQuantity")
        priced = "NULL"
        if unit_price is not None and quantity is not None:
            priced = (
                f"CASE WHEN {is_usage} AND {unit_price.sql} <> 0 "
                f"THEN {n.product(unit_price.sql, quantity.sql)} END"
            )
        return Expr(f"coalesce({n.sql_or_null(given)}, {priced}, {cost.sql}, 0)")

    @staticmethod
    def _periods(c: _Columns) -> dict[str, Expr]:
        start = c.timestamp_required("usage date", *_DATE)
        billing_start = c.timestamp("BillingPeriodStartDate")
        billing_end = c.timestamp("BillingPeriodEndDate")
        # Derived columns carry the raw text they derive from, so a bad date is reported with
        # its value whichever of them DuckDB evaluates first.
        period_start = Expr(
            f"coalesce({n.sql_or_null(billing_start)}, {n.month_start(start.sql)})",
            billing_start.raw if billing_start else start.raw,
        )
        end_sql = (
            f"CAST({billing_end.sql} + INTERVAL 1 DAY AS TIMESTAMP)" if billing_end else "NULL"
        )
        return {
            "ChargePeriodStart": start,
            "ChargePeriodEnd": Expr(f"CAST({start.sql} + INTERVAL 1 DAY AS TIMESTAMP)", start.raw),
            "BillingPeriodStart": period_start,
            "BillingPeriodEnd": Expr(
                f"coalesce({end_sql}, {n.next_month(period_start.sql)})",
                billing_end.raw if billing_end else period_start.raw,
            ),
        }

    @staticmethod
    def _commitment(c: _Columns, covered: str, unused: str) -> dict[str, Expr]:
        benefit = f"coalesce({c.text_sql('benefitId')}, {c.text_sql('ReservationId')})"
        model = f"lower(coalesce({c.text_sql('PricingModel')}, ''))"
        kind = (
            f"CASE WHEN {benefit} IS NULL THEN NULL "
            f"WHEN lower({benefit}) LIKE '%/microsoft.capacity/%' THEN 'r' "
            f"WHEN lower({benefit}) LIKE '%/microsoft.billingbenefits/%' THEN 's' "
            f"WHEN {model} = 'reservation' THEN 'r' "
            f"WHEN {model} IN ('savingsplan', 'savings plan') THEN 's' END"
        )
        return {
            "CommitmentDiscountId": Expr(benefit),
            "CommitmentDiscountName": Expr(
                f"coalesce({c.text_sql('benefitName')}, {c.text_sql('ReservationName')})"
            ),
            "CommitmentDiscountCategory": Expr(
                f"CASE {kind} WHEN 'r' THEN 'Usage' WHEN 's' THEN 'Spend' END"
            ),
            "CommitmentDiscountType": Expr(
                f"CASE {kind} WHEN 'r' THEN 'Reservation' WHEN 's' THEN 'Savings Plan' END"
            ),
            "CommitmentDiscountStatus": Expr(
                f"CASE WHEN {unused} THEN 'Unused' WHEN {covered} THEN 'Used' END"
            ),
        }

    @staticmethod
    def _service(c: _Columns) -> dict[str, Expr]:
        meter = c.text_sql("MeterCategory")
        consumed = f"lower({c.text_sql('ConsumedService')})"
        ns_name = n.lookup(consumed, {k: v[0] for k, v in NAMESPACE_SERVICE.items()})
        ns_category = n.lookup(consumed, {k: v[1] for k, v in NAMESPACE_SERVICE.items()}, "'Other'")
        product = c.text_sql("ProductName", "Product")
        return {
            "ServiceName": Expr(
                f"coalesce({meter}, {ns_name}, {c.text_sql('ConsumedService')}, "
                f"{product}, 'Microsoft Azure')"
            ),
            "ServiceCategory": Expr(n.lookup(meter, METER_CATEGORY_SERVICE_CATEGORY, ns_category)),
        }

    @staticmethod
    def _place(c: _Columns) -> dict[str, Expr]:
        location = c.text_sql("ResourceLocation", "ResourceLocationNormalized", "Location")
        unassigned = ", ".join(lit(v) for v in _UNASSIGNED_REGIONS)
        region = (
            f"CASE WHEN lower({location}) IN ({unassigned}) THEN NULL "
            f"ELSE lower(replace({location}, ' ', '')) END"
        )
        resource = c.text_sql("ResourceId", "InstanceId", "InstanceName")
        return {
            "RegionId": Expr(region),
            "RegionName": Expr(
                f"CASE WHEN ({region}) IS NOT NULL THEN "
                f"{n.lookup(region, REGION_NAMES, location)} END"
            ),
            "ResourceId": Expr(resource),
            "ResourceName": Expr(
                f"coalesce({c.text_sql('ResourceName')}, "
                f"NULLIF(regexp_extract({resource}, '[^/]+$'), ''))"
            ),
            "ResourceType": Expr(
                f"NULLIF(regexp_extract({resource}, '/providers/([^/]+/[^/]+)', 1), '')"
            ),
            "SubAccountType": Expr(
                f"CASE WHEN {c.text_sql(*_SUBSCRIPTION)} IS NOT NULL THEN 'Subscription' END"
            ),
        }

    @staticmethod
    def _pricing_currency(c: _Columns) -> dict[str, Expr]:
        currency = c.text("PricingCurrency", "PricingCurrencyCode")
        if currency is None:
            return {}
        out = {"PricingCurrency": currency}
        for column, raw in (
            ("PricingCurrencyListUnitPrice", "PayGPrice"),
            ("PricingCurrencyContractedUnitPrice", "UnitPrice"),
            ("PricingCurrencyEffectiveCost", "CostInPricingCurrency"),
        ):
            value = c.money(raw)
            if value is not None:
                out[column] = value
        return out


class _Columns:
    """Typed, case-insensitive access to one Azure file's columns."""

    def __init__(self, columns: RawColumns) -> None:
        self.columns = columns
        self.rate = n.money_of(columns, "ExchangeRatePricingToBilling")

    def text(self, *names: str) -> Expr | None:
        return n.text_of(self.columns, *names)

    def text_sql(self, *names: str) -> str:
        return n.sql_or_null(self.text(*names))

    def text_required(self, what: str, *names: str) -> Expr:
        found = self.text(*names)
        if found is None:
            raise MalformedFile(
                f"Azure cost details have no {what} column (expected one of {', '.join(names)})",
                column=names[0],
            )
        return found

    def first_text(self, what: str, *names: str) -> Expr:
        """The first of ``names`` that is not blank on the row (at least one must exist)."""
        self.text_required(what, *names)
        return Expr(f"coalesce({', '.join(self.text_sql(name) for name in names)})")

    def money(self, *names: str) -> Expr | None:
        return n.money_of(self.columns, *names)

    def money_required(self, what: str, *names: str) -> Expr:
        found = self.columns.find(*names)
        if found is None:
            raise MalformedFile(
                f"Azure cost details have no {what} column (expected one of {', '.join(names)})",
                column=names[0],
            )
        return sql.money_or_zero(found, self.columns.types[found])

    def price(self, name: str) -> Expr | None:
        """A unit price in the billing currency (MCA prices are in the pricing currency)."""
        value = self.money(name)
        if value is None or self.rate is None:
            return value
        return Expr(n.product(value.sql, f"coalesce({self.rate.sql}, 1)"), value.raw)

    def timestamp(self, *names: str) -> Expr | None:
        found = self.columns.find(*names)
        if found is None:
            return None
        return sql.timestamp(found, _FORMATS, self.columns.types[found])

    def timestamp_required(self, what: str, *names: str) -> Expr:
        found = self.timestamp(*names)
        if found is None:
            raise MalformedFile(
                f"Azure cost details have no {what} column (expected one of {', '.join(names)})",
                column=names[0],
            )
        return found

    def tags(self) -> Expr | None:
        found = self.columns.find("Tags")
        return None if found is None else sql.json_tags(found, self.columns.types[found])


register(AzureAdapter())
