"""Oracle Cloud (OCI) cost reports -> FOCUS.

OCI writes one CSV per report interval with slash-named columns (``lineItem/intervalUsageStart``,
``cost/myCost``, ``product/service``) and one ``tags/<namespace>.<key>`` column per defined or
free-form tag. The report prices usage only (no tax or invoice rows), so every row is Usage; a
line that restates an earlier one carries ``lineItem/isCorrection = true`` and becomes
ChargeClass Correction. ``cost/myCost`` is what the tenancy is charged: it is the billed,
effective, contracted and (lacking a list price in the report) list cost. See docs/ingest/oci.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats import _native as n
from costlake.ingest.registry import register
from costlake.ingest.sql import Expr

_START = "lineItem/intervalUsageStart"
_COST = "cost/myCost"
_OCI_ONLY = (
    "lineItem/referenceNo",
    "lineItem/tenantId",
    "lineItem/intervalUsageEnd",
    "product/service",
    "product/compartmentId",
    "product/compartmentName",
    "product/region",
    "product/resourceId",
    "usage/billedQuantity",
    "cost/productSku",
    "cost/unitPrice",
    "cost/currencyCode",
    "cost/overageFlag",
    "lineItem/isCorrection",
    "lineItem/backreferenceNo",
)
_TAG_PREFIX = "tags/"

# product/service -> FOCUS service category (matched lowercased; unknown services are Other).
SERVICE_CATEGORY: dict[str, str] = {
    "compute": "Compute",
    "container_engine": "Compute",
    "oke": "Compute",
    "functions": "Compute",
    "container_instances": "Compute",
    "block_storage": "Storage",
    "objectstore": "Storage",
    "object_storage": "Storage",
    "file_storage": "Storage",
    "archive_storage": "Storage",
    "network": "Networking",
    "load_balancer": "Networking",
    "network_load_balancer": "Networking",
    "fastconnect": "Networking",
    "dns": "Networking",
    "vpn": "Networking",
    "database": "Databases",
    "mysql": "Databases",
    "nosql": "Databases",
    "postgresql": "Databases",
    "exadata": "Databases",
    "autonomous_database": "Databases",
    "telemetry": "Management and Governance",
    "monitoring": "Management and Governance",
    "logging": "Management and Governance",
    "logging_analytics": "Management and Governance",
    "notifications": "Management and Governance",
    "oracle_streaming_service": "Integration",
    "streaming": "Integration",
    "integration": "Integration",
    "api_gateway": "Integration",
    "goldengate": "Integration",
    "data_integration": "Integration",
    "analytics": "Analytics",
    "data_flow": "Analytics",
    "data_catalog": "Analytics",
    "big_data": "Analytics",
    "data_science": "AI and Machine Learning",
    "ai_services": "AI and Machine Learning",
    "generative_ai": "AI and Machine Learning",
    "key_management": "Security",
    "vault": "Security",
    "web_application_firewall": "Security",
    "cloud_guard": "Security",
    "identity": "Identity",
    "devops": "Developer Tools",
    "resource_manager": "Developer Tools",
    "email_delivery": "Business Applications",
    "digital_media": "Media",
    "iot": "Internet of Things",
}


class OciAdapter:
    name: ClassVar[str] = "oci"
    description: ClassVar[str] = "Oracle Cloud (OCI) cost report (CSV)"
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        if n.is_focus(columns) or columns.find(_START) is None or columns.find(_COST) is None:
            return 0
        return min(90, 50 + 2 * sum(1 for c in _OCI_ONLY if columns.find(c)))

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        def text(*names: str) -> Expr | None:
            return n.text_of(columns, *names)

        def text_sql(*names: str) -> str:
            return n.sql_or_null(text(*names))

        cost_column = self._required(columns, _COST)
        cost = sql.money_or_zero(cost_column, columns.types[cost_column])
        start_column = self._required(columns, _START)
        start = sql.timestamp(start_column, type_=columns.types[start_column])
        end_column = columns.find("lineItem/intervalUsageEnd")
        end = n.end_or_default(
            sql.timestamp(end_column, type_=columns.types[end_column]) if end_column else None,
            start,
            "1 HOUR",
        )
        service = text_sql("product/service")
        correction = f"lower({text_sql('lineItem/isCorrection')}) IN ('true', '1', 'yes')"
        tags = n.columns_with_prefix(columns, _TAG_PREFIX)

        return {
            "BilledCost": cost,
            "EffectiveCost": cost,
            "ContractedCost": cost,
            "ListCost": cost,
            "BillingAccountId": self._required_text(columns, "lineItem/tenantId"),
            "BillingCurrency": self._required_text(columns, "cost/currencyCode"),
            "ChargePeriodStart": start,
            "ChargePeriodEnd": end,
            "BillingPeriodStart": Expr(n.month_start(start.sql), start.raw),
            "BillingPeriodEnd": Expr(n.next_month(n.month_start(start.sql)), start.raw),
            "ChargeCategory": sql.constant("Usage"),
            "ChargeClass": Expr(f"CASE WHEN {correction} THEN 'Correction' END"),
            "ChargeFrequency": sql.constant("Usage-Based"),
            "ChargeDescription": text("product/Description"),
            "ConsumedQuantity": n.money_of(columns, "usage/billedQuantity"),
            "ConsumedUnit": text("cost/skuUnitDescription"),
            "PricingQuantity": n.money_of(columns, "usage/billedQuantity"),
            "PricingUnit": text("cost/skuUnitDescription", "cost/billingUnitReadable"),
            "ContractedUnitPrice": n.money_of(columns, "cost/unitPrice"),
            "PricingCategory": sql.constant("Standard"),
            "ProviderName": sql.constant("Oracle"),
            "PublisherName": sql.constant("Oracle"),
            "InvoiceIssuerName": sql.constant("Oracle"),
            "ServiceProviderName": sql.constant("Oracle"),
            "HostProviderName": sql.constant("Oracle"),
            "ServiceName": Expr(f"coalesce({service}, 'Oracle Cloud')"),
            "ServiceCategory": Expr(n.lookup(service, SERVICE_CATEGORY, "'Other'")),
            "SubAccountId": text("product/compartmentId"),
            "SubAccountName": text("product/compartmentName"),
            "SubAccountType": Expr(
                f"CASE WHEN {text_sql('product/compartmentId')} IS NOT NULL THEN 'Compartment' END"
            ),
            "RegionId": Expr(f"lower({text_sql('product/region')})"),
            "RegionName": text("product/region"),
            "AvailabilityZone": text("product/availabilityDomain"),
            "ResourceId": text("product/resourceId"),
            "SkuId": text("cost/productSku"),
            "Tags": sql.tags_json_from_columns(tags),
        }

    @staticmethod
    def _required(columns: RawColumns, name: str) -> str:
        found = columns.find(name)
        if found is None:
            raise MalformedFile(f"OCI cost report has no {name} column", column=name)
        return found

    @classmethod
    def _required_text(cls, columns: RawColumns, name: str) -> Expr:
        return sql.text_sql(sql.ident(cls._required(columns, name)))


register(OciAdapter())
