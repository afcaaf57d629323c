"""FOCUS exports, versions 1.0 to 1.3, as AWS, Microsoft, Google and Oracle write them.

Columns are taken by name, so column order and extra provider columns (``x_*``, ``oci_*``)
don't matter. Older names are read too: 1.0-preview's ``ChargeType``/``UsageQuantity``, and
1.3's ``ServiceProviderName`` fills ``ProviderName``/``PublisherName`` when those are gone.
Real exports write ``NULL`` as a bare token and timestamps with or without ``T``/``Z``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.focus.schema import (
    CHARGE_CATEGORIES,
    CHARGE_FREQUENCIES,
    COLUMNS,
    MONEY,
    QUANTITY,
    TAG_COLUMNS,
    TIMESTAMP,
)
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.registry import register
from costlake.ingest.sql import Expr

# Columns whose presence says "this is FOCUS".
_SIGNATURE = ("BilledCost", "BillingAccountId", "ChargePeriodStart", "ServiceName")

# Older or alternative spellings, canonical name -> candidates in preference order.
_ALIASES: dict[str, tuple[str, ...]] = {
    "ChargeCategory": ("ChargeCategory", "ChargeType"),
    "ConsumedQuantity": ("ConsumedQuantity", "UsageQuantity"),
    "ConsumedUnit": ("ConsumedUnit", "UsageUnit"),
    "ProviderName": ("ProviderName", "Provider", "ServiceProviderName"),
    "PublisherName": ("PublisherName", "Publisher", "ServiceProviderName", "ProviderName"),
    "InvoiceIssuerName": (
        "InvoiceIssuerName",
        "InvoiceIssuer",
        "ProviderName",
        "ServiceProviderName",
    ),
    "RegionId": ("RegionId", "Region"),
    "RegionName": ("RegionName", "Region"),
    "EffectiveCost": ("EffectiveCost", "AmortizedCost"),
    "ServiceProviderName": ("ServiceProviderName", "ProviderName", "Provider"),
    "HostProviderName": ("HostProviderName",),
}

_ZERO_IF_NULL = frozenset({"ContractedCost", "ListCost"})
_SKIP = frozenset({"x_SourceId", "x_SourceFormat", "x_IngestedAt"})


class FocusAdapter:
    name: ClassVar[str] = "focus"
    description: ClassVar[str] = "FinOps FOCUS 1.0-1.3 cost and usage export (CSV or Parquet)"
    csv_options: ClassVar[CsvOptions] = CsvOptions(null_strings=("", "NULL"))

    def detect(self, columns: RawColumns) -> int:
        if not columns.has(*_SIGNATURE):
            return 0
        return 100 + sum(1 for c in COLUMNS if c.name in columns.types)

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        out: dict[str, Expr] = {}
        for column in COLUMNS:
            if column.name in _SKIP:
                continue
            raw_name = columns.find(*_ALIASES.get(column.name, (column.name,)))
            if raw_name is None:
                if column.name.startswith("x_") or column.nullable:
                    continue
                if column.name in _ZERO_IF_NULL:
                    out[column.name] = Expr("0")
                    continue
                raise MalformedFile(f"FOCUS column {column.name} is missing", column=column.name)
            out[column.name] = self._convert(
                column.name,
                column.type,
                raw_name,
                columns.types[raw_name],
                columns.file_format == "csv",
            )
        out["ChargeCategory"] = sql.enum_value(out["ChargeCategory"], CHARGE_CATEGORIES)
        if "ChargeFrequency" in out:
            out["ChargeFrequency"] = sql.enum_value(out["ChargeFrequency"], CHARGE_FREQUENCIES)
        return out

    @staticmethod
    def _convert(name: str, type_: object, raw_name: str, raw_type: str, csv: bool) -> Expr:
        if type_ in (MONEY, QUANTITY):
            if name in _ZERO_IF_NULL:
                return sql.money_or_zero(raw_name, raw_type)
            return sql.money(raw_name, raw_type)
        if type_ == TIMESTAMP:
            return sql.timestamp(raw_name, type_=raw_type)
        if name in TAG_COLUMNS:
            return sql.json_tags(raw_name, raw_type)
        if raw_type.upper() == "VARCHAR" and csv:
            return sql.text(raw_name)
        if raw_type.upper() == "VARCHAR":
            return Expr(sql.ident(raw_name))  # typed input: taken as written, no trimming
        return sql.text_sql(sql.ident(raw_name))


register(FocusAdapter())
