"""Google Cloud Carbon Footprint export -> FOCUS rows that carry emissions, not cost.

The BigQuery export has one row per billing account, project, service, location and month:
``usage_month``, ``billing_account_id``, ``project.id``, ``service.description``,
``location.region``/``location.location``, ``carbon_footprint_kgCO2e.{scope1,
scope2.location_based, scope2.market_based, scope3}`` and
``carbon_footprint_total_kgCO2e.{location_based, market_based}``. It is read as JSON lines
or Parquet (nested records) or flattened CSV (``project.id`` or ``project_id`` columns),
through the same ``Fields`` helper as the billing export.

Each row becomes one ``Usage`` line with every cost 0, ``x_CarbonKgCO2e`` = the
location-based total (scope 1 + scope 2 location-based + scope 3, as CCF's estimates are
location-based; summed from the scopes when the total is absent), ``x_EmbodiedKgCO2e`` =
scope 3 (Google's upstream emissions, mostly hardware manufacturing) and ``x_CarbonSource =
'gcp_carbon_footprint'``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats import _native as n
from costlake.ingest.formats._gcp_fields import Fields
from costlake.ingest.formats._gcp_tables import REGION_NAMES, SERVICE_CATEGORY
from costlake.ingest.registry import register
from costlake.ingest.sql import ISO_FORMATS, MONEY_SQL, Expr

SOURCE = "gcp_carbon_footprint"
_FORMATS = (*ISO_FORMATS, "%Y-%m", "%Y%m")
_TOTAL = "carbon_footprint_total_kgCO2e"
_SCOPES = "carbon_footprint_kgCO2e"


class GcpCarbonAdapter:
    name: ClassVar[str] = "gcp-carbon"
    description: ClassVar[str] = (
        "Google Cloud Carbon Footprint export (JSON lines, Parquet or flattened CSV)"
    )
    csv_options: ClassVar[CsvOptions] = CsvOptions()

    def detect(self, columns: RawColumns) -> int:
        f = Fields(columns)
        if n.is_focus(columns) or not f.has("usage_month"):
            return 0
        if f.has(f"{_TOTAL}.location_based") or f.has(f"{_SCOPES}.scope1"):
            return 95
        return 0

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        f = Fields(columns)
        month_field = f.get("usage_month")
        account = f.text("billing_account_id")
        if month_field is None or account == "NULL":
            raise MalformedFile("the GCP carbon export needs usage_month and billing_account_id")
        month_raw = sql.nullif_blank(month_field.sql) if month_field.is_text else None
        month = Expr(sql.timestamp_sql(month_field.sql, _FORMATS, month_field.type), month_raw)
        start = Expr(n.month_start(month.sql), month.raw)
        project = f.text("project.id")
        service = f.text("service.description")
        region = f"coalesce({f.text('location.region')}, {f.text('location.location')})"
        zero = Expr("0")
        return {
            "BilledCost": zero,
            "EffectiveCost": zero,
            "ListCost": zero,
            "ContractedCost": zero,
            "BillingCurrency": sql.constant("USD"),
            "BillingAccountId": Expr(account),
            "SubAccountId": Expr(project),
            "SubAccountType": Expr(f"CASE WHEN {project} IS NOT NULL THEN 'Project' END"),
            "BillingPeriodStart": start,
            "BillingPeriodEnd": Expr(n.next_month(start.sql), start.raw),
            "ChargePeriodStart": start,
            "ChargePeriodEnd": Expr(n.next_month(start.sql), start.raw),
            "ChargeCategory": sql.constant("Usage"),
            "ChargeFrequency": sql.constant("Usage-Based"),
            "ChargeDescription": Expr(
                f"'Google Cloud Carbon Footprint: ' || coalesce({service}, 'all services')"
            ),
            "ProviderName": sql.constant("Google Cloud"),
            "PublisherName": sql.constant("Google Cloud"),
            "InvoiceIssuerName": sql.constant("Google Cloud"),
            "ServiceProviderName": sql.constant("Google Cloud"),
            "HostProviderName": sql.constant("Google Cloud"),
            "ServiceName": Expr(f"coalesce({service}, {f.text('service.id')}, 'Google Cloud')"),
            "ServiceCategory": Expr(n.lookup(service, SERVICE_CATEGORY, "'Other'")),
            "RegionId": Expr(region),
            "RegionName": Expr(n.lookup(region, REGION_NAMES, region)),
            "x_CarbonKgCO2e": self._total(f),
            "x_EmbodiedKgCO2e": self._money(f, f"{_SCOPES}.scope3") or Expr("NULL"),
            "x_CarbonSource": sql.constant(SOURCE),
        }

    @staticmethod
    def _money(f: Fields, path: str) -> Expr | None:
        field = f.get(path)
        if field is None:
            return None
        raw = sql.nullif_blank(field.sql) if field.is_text else None
        return Expr(sql.money_sql(field.sql, field.type), raw)

    def _total(self, f: Fields) -> Expr:
        total = self._money(f, f"{_TOTAL}.location_based")
        scopes = [
            self._money(f, f"{_SCOPES}.{s}") for s in ("scope1", "scope2.location_based", "scope3")
        ]
        known = [s for s in scopes if s is not None]
        summed = None
        if known:
            terms = " + ".join(f"coalesce({s.sql}, 0)" for s in known)
            any_present = " OR ".join(f"({s.sql}) IS NOT NULL" for s in known)
            summed = f"CASE WHEN {any_present} THEN CAST({terms} AS {MONEY_SQL}) END"
        if total is None and summed is None:
            raise MalformedFile(
                f"the GCP carbon export has neither {_TOTAL}.location_based "
                f"nor {_SCOPES}.scope1/scope2/scope3"
            )
        if total is None:
            return Expr(summed or "NULL")
        return Expr(f"coalesce({total.sql}, {summed or 'NULL'})", total.raw)


register(GcpCarbonAdapter())
