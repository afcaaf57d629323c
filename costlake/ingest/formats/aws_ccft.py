"""AWS Customer Carbon Footprint Tool data -> FOCUS rows that carry emissions, not cost.

Two layouts are read, as CSV or Parquet:

- the **Carbon emissions data export** (AWS Data Exports, 2025): ``usage_account_id``,
  ``payer_account_id``, ``usage_period_start``/``usage_period_end``, ``product_code``,
  ``region_code``, ``location``, ``total_lbm_emissions_value``/``_unit`` and
  ``total_mbm_emissions_value``/``_unit`` (MTCO2e), ``model_version``;
- the older **CCFT** data as the console's API returned it and AWS's sample flattened it:
  ``accountId``, ``startDate`` (the month), ``paceProductCode``, ``regionCode``,
  ``mbmCarbon`` (MTCO2e).

Each row becomes one ``Usage`` line for its account, month, product and region, with every
cost 0 and ``x_CarbonKgCO2e`` = the emissions in kg (MTCO2e x 1000), ``x_CarbonSource =
'aws_carbon_footprint'``. The location-based value is used when the export has it, as the
CCF estimates are location-based; the market-based one otherwise. The carbon enricher leaves
these rows alone, and ``costlake.carbon.service`` prefers them to estimates month by month.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats import _native as n
from costlake.ingest.formats._aws_common import AMAZON, SERVICE_CATEGORY
from costlake.ingest.registry import register
from costlake.ingest.sql import ISO_FORMATS, MONEY_SQL, Expr

SOURCE = "aws_carbon_footprint"
_FORMATS = (*ISO_FORMATS, "%Y-%m-%d %H:%M:%SZ", "%Y-%m-%d %H:%M:%S.%fZ", "%Y-%m")
# Legacy CCFT product codes -> CUR product codes; and CUR codes -> product names (ServiceName).
_PACE_CODES = {"EC2": "AmazonEC2", "S3": "AmazonS3", "Other": "Other"}
_PRODUCT_NAMES = {
    "AmazonEC2": "Amazon Elastic Compute Cloud",
    "AmazonS3": "Amazon Simple Storage Service",
    "AmazonRDS": "Amazon Relational Database Service",
    "AmazonDynamoDB": "Amazon DynamoDB",
    "AWSLambda": "AWS Lambda",
    "AmazonCloudFront": "Amazon CloudFront",
    "AmazonEFS": "Amazon Elastic File System",
    "AmazonElastiCache": "Amazon ElastiCache",
    "AmazonRedshift": "Amazon Redshift",
    "Other": "Other AWS services",
}


class AwsCcftAdapter:
    name: ClassVar[str] = "aws-ccft"
    description: ClassVar[str] = (
        "AWS Customer Carbon Footprint Tool emissions (Data Exports carbon table, or CCFT CSV)"
    )
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        if n.is_focus(columns):
            return 0
        if columns.find("usage_account_id") and columns.find(
            "total_lbm_emissions_value", "total_mbm_emissions_value"
        ):
            return 95
        if columns.find("accountId", "account_id") and columns.find("mbmCarbon", "mbm_carbon"):
            return 90
        return 0

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        account = self._required(columns, "account", "usage_account_id", "accountId", "account_id")
        payer = n.text_of(columns, "payer_account_id")
        start = self._timestamp(columns, "usage_period_start", "startDate", "start_date", "month")
        end = columns.find("usage_period_end")
        end_sql = sql.timestamp(end, _FORMATS, columns.types[end]).sql if end else "NULL"
        product = self._product(columns)
        region = n.text_of(columns, "region_code", "regionCode", "region")
        month = n.month_start(start.sql)
        zero = Expr("0")
        return {
            "BilledCost": zero,
            "EffectiveCost": zero,
            "ListCost": zero,
            "ContractedCost": zero,
            "BillingCurrency": sql.constant("USD"),
            "BillingAccountId": Expr(f"coalesce({n.sql_or_null(payer)}, {account.sql})"),
            "SubAccountId": account,
            "SubAccountType": sql.constant("Account"),
            "BillingPeriodStart": Expr(month, start.raw),
            "BillingPeriodEnd": Expr(n.next_month(month), start.raw),
            "ChargePeriodStart": start,
            "ChargePeriodEnd": Expr(f"coalesce({end_sql}, {n.next_month(start.sql)})", start.raw),
            "ChargeCategory": sql.constant("Usage"),
            "ChargeFrequency": sql.constant("Usage-Based"),
            "ChargeDescription": Expr(
                f"'AWS Customer Carbon Footprint Tool: ' || coalesce({product}, 'all products')"
            ),
            "ProviderName": sql.constant("AWS"),
            "ServiceProviderName": sql.constant("AWS"),
            "HostProviderName": sql.constant("AWS"),
            "PublisherName": sql.constant(AMAZON),
            "InvoiceIssuerName": sql.constant(AMAZON),
            "ServiceName": Expr(
                f"coalesce({n.lookup(product, _PRODUCT_NAMES, product)}, 'Other AWS services')"
            ),
            "ServiceCategory": Expr(n.lookup(product, SERVICE_CATEGORY, "'Other'")),
            "RegionId": Expr(n.sql_or_null(region)),
            "RegionName": Expr(n.sql_or_null(n.text_of(columns, "location"))),
            "x_CarbonKgCO2e": self._kg(columns),
            "x_CarbonSource": sql.constant(SOURCE),
        }

    @staticmethod
    def _required(columns: RawColumns, what: str, *names: str) -> Expr:
        found = n.text_of(columns, *names)
        if found is None:
            raise MalformedFile(f"the AWS carbon export has no {what} column ({names[0]})")
        return found

    @staticmethod
    def _timestamp(columns: RawColumns, *names: str) -> Expr:
        found = columns.find(*names)
        if found is None:
            raise MalformedFile(f"the AWS carbon export has no period column ({names[0]})")
        return sql.timestamp(found, _FORMATS, columns.types[found])

    @staticmethod
    def _product(columns: RawColumns) -> str:
        code = n.text_of(columns, "product_code", "productCode")
        if code is not None:
            return code.sql
        pace = n.text_of(columns, "paceProductCode", "pace_product_code", "service")
        return "NULL" if pace is None else n.lookup(pace.sql, _PACE_CODES, pace.sql)

    @staticmethod
    def _kg(columns: RawColumns) -> Expr:
        """Emissions in kg: location-based first, else market-based; MTCO2e unless the unit
        column says kg."""
        parts: list[Expr] = []
        for value_names, unit_names in (
            (("total_lbm_emissions_value",), ("total_lbm_emissions_unit",)),
            (
                ("total_mbm_emissions_value", "mbmCarbon", "mbm_carbon"),
                ("total_mbm_emissions_unit",),
            ),
        ):
            value = n.money_of(columns, *value_names)
            if value is None:
                continue
            unit = n.text_of(columns, *unit_names)
            per = (
                f"CASE WHEN lower({unit.sql}) IN ('kgco2e', 'kg') THEN 1 ELSE 1000 END"
                if unit
                else "1000"
            )
            parts.append(Expr(f"CAST({value.sql} * {per} AS {MONEY_SQL})", value.raw))
        if not parts:
            raise MalformedFile(
                "the AWS carbon export has no emissions value column "
                "(total_lbm_emissions_value, total_mbm_emissions_value or "
                "mbmCarbon)"
            )
        raws = [p.raw for p in parts if p.raw]
        raw = f"coalesce({', '.join(raws)})" if raws else None
        return Expr(f"coalesce({', '.join(p.sql for p in parts)})", raw)


register(AwsCcftAdapter())
