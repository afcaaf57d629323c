"""The canonical cost-and-usage schema: FOCUS 1.2, the columns 1.3 adds, and our ``x_`` columns.

Every row in the lake has exactly these columns, in this order (a file leaves out the ones
its ingest never fills, and ``costlake.focus.scan`` gives them back as NULLs). Ingest
adapters produce them, the query engine reads them, exports write them. Types are Arrow
types; ``duckdb_type`` gives the DuckDB spelling used in the adapters' SQL.

Money and quantities are exact decimals (``DECIMAL(38, 18)``): 20 integer digits and 18
fractional ones, enough for 1e-18 unit prices and sums of 100 million rows. Providers that write
doubles (AWS) are converted through their shortest decimal text, so ``0.1`` stays ``0.1``.
Timestamps are UTC, stored as naive ``TIMESTAMP`` (microseconds) so that DuckDB and Spark
truncate them identically whatever the session time zone. JSON-typed FOCUS columns
(``SkuPriceDetails``, ``ContractApplied``, ...) and the tag columns (``Tags``,
``AllocatedTags``: key-value JSON objects in FOCUS) are stored as JSON object text; readers
look a tag up with ``costlake.query.compile.tag_sql``. Lake files written before that change
hold tags as ``MAP<string, string>`` (``LEGACY_TAGS``), which ``costlake.focus.scan`` reads
as the same text (``docs/decisions/0011-tags-as-json-text.md``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import pyarrow as pa

MONEY = pa.decimal128(38, 18)
QUANTITY = pa.decimal128(38, 18)
TIMESTAMP = pa.timestamp("us")
STRING = pa.string()
TAGS = pa.string()
"""Tags: a JSON object's text, ``{"team":"core"}``."""
LEGACY_TAGS = pa.map_(pa.string(), pa.string())
"""Tags in files written before tags were JSON text."""
TAG_COLUMNS: tuple[str, ...] = ("AllocatedTags", "Tags")


class ColumnKind(enum.StrEnum):
    """FOCUS column types: a dimension describes a charge, a metric measures it."""

    DIMENSION = "dimension"
    METRIC = "metric"


@dataclass(frozen=True, slots=True)
class Column:
    """One column of the canonical schema."""

    name: str
    type: pa.DataType
    nullable: bool
    kind: ColumnKind
    since: str
    """FOCUS version that introduced the column, or ``"costlake"`` for our ``x_`` columns."""
    json: bool = False
    """True when FOCUS types the column as a JSON object (stored as text)."""

    @property
    def is_cost(self) -> bool:
        return self.type == MONEY and self.name.endswith("Cost")


D, M = ColumnKind.DIMENSION, ColumnKind.METRIC

# (name, type, nullable, kind, since, json). Nullability follows FOCUS 1.2: a column the spec says
# MUST NOT be null is non-nullable here and adapters must fill it.
_SPEC: list[tuple[str, pa.DataType, bool, ColumnKind, str, bool]] = [
    ("AllocatedMethodDetails", STRING, True, D, "1.3", True),
    ("AllocatedMethodId", STRING, True, D, "1.3", False),
    ("AllocatedResourceId", STRING, True, D, "1.3", False),
    ("AllocatedResourceName", STRING, True, D, "1.3", False),
    ("AllocatedTags", TAGS, True, D, "1.3", False),
    ("AvailabilityZone", STRING, True, D, "1.0", False),
    ("BilledCost", MONEY, False, M, "1.0", False),
    ("BillingAccountId", STRING, False, D, "1.0", False),
    ("BillingAccountName", STRING, True, D, "1.0", False),
    ("BillingAccountType", STRING, True, D, "1.2", False),
    ("BillingCurrency", STRING, False, D, "1.0", False),
    ("BillingPeriodEnd", TIMESTAMP, False, D, "1.0", False),
    ("BillingPeriodStart", TIMESTAMP, False, D, "1.0", False),
    ("CapacityReservationId", STRING, True, D, "1.1", False),
    ("CapacityReservationStatus", STRING, True, D, "1.1", False),
    ("ChargeCategory", STRING, False, D, "1.0", False),
    ("ChargeClass", STRING, True, D, "1.0", False),
    ("ChargeDescription", STRING, True, D, "1.0", False),
    ("ChargeFrequency", STRING, True, D, "1.0", False),
    ("ChargePeriodEnd", TIMESTAMP, False, D, "1.0", False),
    ("ChargePeriodStart", TIMESTAMP, False, D, "1.0", False),
    ("CommitmentDiscountCategory", STRING, True, D, "1.0", False),
    ("CommitmentDiscountId", STRING, True, D, "1.0", False),
    ("CommitmentDiscountName", STRING, True, D, "1.0", False),
    ("CommitmentDiscountQuantity", QUANTITY, True, M, "1.1", False),
    ("CommitmentDiscountStatus", STRING, True, D, "1.0", False),
    ("CommitmentDiscountType", STRING, True, D, "1.0", False),
    ("CommitmentDiscountUnit", STRING, True, D, "1.1", False),
    ("ConsumedQuantity", QUANTITY, True, M, "1.0", False),
    ("ConsumedUnit", STRING, True, D, "1.0", False),
    ("ContractApplied", STRING, True, D, "1.3", True),
    ("ContractedCost", MONEY, False, M, "1.0", False),
    ("ContractedUnitPrice", MONEY, True, M, "1.0", False),
    ("EffectiveCost", MONEY, False, M, "1.0", False),
    ("HostProviderName", STRING, True, D, "1.3", False),
    ("InvoiceId", STRING, True, D, "1.2", False),
    ("InvoiceIssuerName", STRING, False, D, "1.0", False),
    ("ListCost", MONEY, False, M, "1.0", False),
    ("ListUnitPrice", MONEY, True, M, "1.0", False),
    ("PricingCategory", STRING, True, D, "1.0", False),
    ("PricingCurrency", STRING, True, D, "1.2", False),
    ("PricingCurrencyContractedUnitPrice", MONEY, True, M, "1.2", False),
    ("PricingCurrencyEffectiveCost", MONEY, True, M, "1.2", False),
    ("PricingCurrencyListUnitPrice", MONEY, True, M, "1.2", False),
    ("PricingQuantity", QUANTITY, True, M, "1.0", False),
    ("PricingUnit", STRING, True, D, "1.0", False),
    ("ProviderName", STRING, False, D, "1.0", False),
    ("PublisherName", STRING, False, D, "1.0", False),
    ("RegionId", STRING, True, D, "1.0", False),
    ("RegionName", STRING, True, D, "1.0", False),
    ("ResourceId", STRING, True, D, "1.0", False),
    ("ResourceName", STRING, True, D, "1.0", False),
    ("ResourceType", STRING, True, D, "1.0", False),
    ("ServiceCategory", STRING, False, D, "1.0", False),
    ("ServiceName", STRING, False, D, "1.0", False),
    ("ServiceProviderName", STRING, True, D, "1.3", False),
    ("ServiceSubcategory", STRING, True, D, "1.1", False),
    ("SkuId", STRING, True, D, "1.0", False),
    ("SkuMeter", STRING, True, D, "1.1", False),
    ("SkuPriceDetails", STRING, True, D, "1.1", True),
    ("SkuPriceId", STRING, True, D, "1.0", False),
    ("SubAccountId", STRING, True, D, "1.0", False),
    ("SubAccountName", STRING, True, D, "1.0", False),
    ("SubAccountType", STRING, True, D, "1.2", False),
    ("Tags", TAGS, True, D, "1.0", False),
    # --- costlake's own columns ---
    ("x_SourceId", STRING, False, D, "costlake", False),
    ("x_SourceFormat", STRING, False, D, "costlake", False),
    ("x_IngestedAt", TIMESTAMP, False, D, "costlake", False),
    ("x_EnergyKwh", QUANTITY, True, M, "costlake", False),
    ("x_CarbonKgCO2e", QUANTITY, True, M, "costlake", False),
    ("x_EmbodiedKgCO2e", QUANTITY, True, M, "costlake", False),
    ("x_CarbonSource", STRING, True, D, "costlake", False),
]

COLUMNS: tuple[Column, ...] = tuple(
    Column(name, type_, nullable, kind, since, json)
    for name, type_, nullable, kind, since, json in _SPEC
)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}
FOCUS_SCHEMA: pa.Schema = pa.schema(
    [pa.field(c.name, c.type, nullable=c.nullable) for c in COLUMNS]
)

# Columns a FOCUS 1.x export must carry; others may be absent and are filled with NULL.
REQUIRED_FOCUS_COLUMNS: frozenset[str] = frozenset(
    c.name for c in COLUMNS if not c.nullable and c.since != "costlake"
)

# The metrics a cost query can sum.
COST_COLUMNS: tuple[str, ...] = ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")

# Allowed values of the enumerated FOCUS columns (1.2).
CHARGE_CATEGORIES = frozenset({"Usage", "Purchase", "Tax", "Credit", "Adjustment"})
CHARGE_FREQUENCIES = frozenset({"One-Time", "Recurring", "Usage-Based"})


def duckdb_type(column: Column) -> str:
    """The DuckDB SQL type of a canonical column."""
    return sql_type(column.type)


_SPELLINGS: dict[str, tuple[str, str, str, str, str]] = {
    # decimal (precision, scale), timestamp, map, 64-bit integer, text
    "duckdb": ("DECIMAL({}, {})", "TIMESTAMP", "MAP(VARCHAR, VARCHAR)", "BIGINT", "VARCHAR"),
    "spark": ("DECIMAL({},{})", "TIMESTAMP_NTZ", "MAP<STRING,STRING>", "BIGINT", "STRING"),
}


def sql_type(t: pa.DataType, dialect: str = "duckdb") -> str:
    """A lake column's Arrow type as ``dialect``'s SQL spells it (``duckdb`` or ``spark``)."""
    decimal, timestamp, map_, int64, text = _SPELLINGS[dialect]
    if pa.types.is_decimal(t):
        return decimal.format(t.precision, t.scale)
    if pa.types.is_timestamp(t):
        return timestamp
    if pa.types.is_map(t):
        return map_
    if pa.types.is_int64(t):
        return int64
    return text
