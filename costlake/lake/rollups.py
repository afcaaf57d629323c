"""Rollups: pre-aggregated copies of a partition that answer common questions from far fewer rows.

Each partition of the lake carries, beside its line items, a few small Parquet files that hold
the same charges summed by time bucket and a set of dimensions. They have the line items' own
column names (``ChargePeriodStart`` is the bucket start, each cost column the bucket's sum), so
any query that only groups and filters on a rollup's dimensions, sums its metrics, and whose
time range falls on its bucket boundaries gets exactly the same answer from it. The query layer
decides when that holds (``costlake.query.planner``); the lake only builds and lists them.

Rollups are written with their partition and swapped with it in the same manifest commit, so a
restated period replaces its rollups atomically, and they can never disagree with the rows.
On the demo data, one month of 2.5M rows becomes ~15k daily rows, ~6k monthly tag rows, and
~80k monthly resource rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from costlake.ingest.sql import ident, lit

ROW_COUNT = "x_RowCount"
"""Extra column of every rollup: how many line items each bucket sums."""

METRICS: tuple[str, ...] = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "ConsumedQuantity",
    "x_EnergyKwh",
    "x_CarbonKgCO2e",
    "x_EmbodiedKgCO2e",
)
"""The columns every rollup sums (exact decimals: the sum of sums equals the sum)."""

_CORE = (
    "ProviderName",
    "BillingAccountId",
    "SubAccountId",
    "ServiceName",
    "ServiceCategory",
    "RegionId",
    "ChargeCategory",
    "BillingCurrency",
    "x_SourceId",
    "x_CarbonSource",
)
"""Dimensions every rollup keeps: the ones dialects group and filter by most."""


@dataclass(frozen=True, slots=True)
class Rollup:
    name: str
    grain: str
    """``day`` or ``month``: the bucket ``ChargePeriodStart`` is truncated to."""
    dimensions: tuple[str, ...]

    @property
    def columns(self) -> frozenset[str]:
        return frozenset(("ChargePeriodStart", *self.dimensions, *METRICS))


ROLLUPS: tuple[Rollup, ...] = (
    Rollup(
        "daily",
        "day",
        _CORE
        + (
            "ServiceProviderName",
            "HostProviderName",
            "InvoiceIssuerName",
            "PublisherName",
            "BillingAccountName",
            "BillingAccountType",
            "SubAccountName",
            "SubAccountType",
            "ServiceSubcategory",
            "RegionName",
            "ChargeClass",
            "ChargeFrequency",
            "PricingCategory",
            "CommitmentDiscountCategory",
            "CommitmentDiscountType",
            "CommitmentDiscountStatus",
            "x_SourceFormat",
        ),
    ),
    Rollup("monthly_tags", "month", _CORE + ("Tags",)),
    Rollup("monthly_resources", "month", _CORE + ("ResourceId", "ResourceName", "ResourceType")),
)
BY_NAME = {r.name: r for r in ROLLUPS}


def _grouped(r: Rollup) -> tuple[str, ...]:
    return (f"__{r.grain}", *r.dimensions)


def _all_keys() -> list[str]:
    """Every grouping column of every rollup, in a fixed order."""
    keys: list[str] = []
    for r in ROLLUPS:
        keys += [k for k in _grouped(r) if k not in keys]
    return keys


def _mask(r: Rollup, keys: list[str]) -> int:
    """The value ``GROUPING(keys...)`` takes on this rollup's rows (bit set = not grouped;
    the first key is the most significant bit)."""
    grouped = set(_grouped(r))
    n = len(keys)
    return sum(1 << (n - 1 - i) for i, k in enumerate(keys) if k not in grouped)


def build_sql(files: list[str]) -> str:
    """One scan of a partition's files computing every rollup at once (GROUPING SETS); each
    output row carries ``__mask``, which tells the rollup it belongs to (see ``_mask``)."""
    keys = _all_keys()
    grains = sorted({r.grain for r in ROLLUPS})
    source = (
        "SELECT *, "
        + ", ".join(f"date_trunc('{g}', ChargePeriodStart) AS __{g}" for g in grains)
        + f" FROM read_parquet([{', '.join(lit(f) for f in files)}])"
    )
    sets = ", ".join("(" + ", ".join(ident(k) for k in _grouped(r)) + ")" for r in ROLLUPS)
    metrics = ", ".join(f"SUM({ident(m)}) AS {ident(m)}" for m in METRICS)
    columns = ", ".join(ident(k) for k in keys)
    return (
        f"SELECT {columns}, GROUPING({columns}) AS __mask, {metrics}, "
        f"count(*) AS {ROW_COUNT} FROM ({source}) GROUP BY GROUPING SETS ({sets})"
    )


def write(
    con: duckdb.DuckDBPyConnection, files: list[str], folder: Path, *, tag: str
) -> dict[str, Path]:
    """Compute every rollup of a partition's ``files`` into ``folder`` (one scan, then one
    small COPY each); returns rollup name -> file. ``tag`` makes names unique per partition."""
    keys = _all_keys()
    table = ident(f"__rollups_{tag}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS {build_sql(files)}")
    try:
        out: dict[str, Path] = {}
        for r in ROLLUPS:
            target = folder / f"rollup-{r.name}-{tag}.parquet"
            select = ", ".join(
                [f"__{r.grain} AS ChargePeriodStart", *(ident(d) for d in r.dimensions)]
                + [ident(m) for m in METRICS]
                + [ROW_COUNT]
            )
            con.execute(
                f"COPY (SELECT {select} FROM {table} WHERE __mask = {_mask(r, keys)} "
                f"ORDER BY ChargePeriodStart) TO {lit(str(target))} "
                "(FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880)"
            )
            out[r.name] = target
        return out
    finally:
        con.execute(f"DROP TABLE IF EXISTS {table}")
