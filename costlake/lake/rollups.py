"""Rollups: pre-aggregated copies of a partition that answer common questions from far fewer rows.

Each partition of the lake carries, beside its line items, a few small Parquet files that hold
the same charges summed by time bucket and a set of dimensions. They have the line items' own
column names (``ChargePeriodStart`` is the bucket start, each cost column the bucket's sum), so
any query that only groups and filters on a rollup's dimensions, sums its metrics, and whose
time range falls on its bucket boundaries gets exactly the same answer from it. The query layer
decides when that holds (``costlake.query.planner``); the lake only builds and lists them.

Rollups are written with their partition and swapped with it in the same manifest commit, so a
restated period replaces its rollups atomically, and they can never disagree with the rows.
On the demo data, one month of 2.5M rows becomes ~15k daily rows (no resources, no tags)
and ~80k monthly rows (resources and tags, fewer other dimensions).

Every dimension kept costs ingest time (hashing it for every line item; the tags text is the
dearest), so each rollup keeps what the dialects and common questions group and filter by, and
the rest is answered from the line items. One monthly rollup with both resources and tags
costs a fifth less to build than one for each. ``bench/`` measures the cost inside ingest.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import duckdb

from costlake.focus import scan
from costlake.kit.duck import parquet_rows
from costlake.kit.sql import ident, lit
from costlake.lake.store import PARQUET_OPTIONS, Lake

ROW_COUNT = scan.ROW_COUNT
"""Extra column of every rollup: how many line items each bucket sums."""

METRICS: tuple[str, ...] = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "x_EnergyKwh",
    "x_CarbonKgCO2e",
)
"""The columns every rollup sums (exact decimals: the sum of sums equals the sum). Each one
costs ingest time, so only the metrics dialects ask for; others read the line items."""

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
    many: tuple[str, ...] = ()
    """Dimensions that can have about as many values as there are line items (resources,
    tags). A rollup with such dimensions is only kept when it comes out at most
    ``1 / MIN_ROWS_PER_GROUP`` of its partition (``worth_building`` estimates it before
    building, ``write`` checks the result)."""

    @property
    def columns(self) -> frozenset[str]:
        return frozenset(("ChargePeriodStart", *self.dimensions, *METRICS))


ROLLUPS: tuple[Rollup, ...] = (
    Rollup(
        "daily",
        "day",
        _CORE
        + (
            "BillingAccountName",
            "SubAccountName",
            "ServiceSubcategory",
            "RegionName",
            "ChargeClass",
            "PricingCategory",
        ),
    ),
    Rollup(
        "monthly",
        "month",
        (
            "ProviderName",
            "BillingAccountId",
            "SubAccountId",
            "ServiceName",
            "RegionId",
            "ChargeCategory",
            "x_SourceId",
            "ResourceId",
            "ResourceName",
            "Tags",
        ),
        many=("ResourceId", "Tags"),
    ),
)
BY_NAME = {r.name: r for r in ROLLUPS}

MIN_ROWS_PER_GROUP = 8
"""A rollup must sum at least this many line items per row on average, or it is not built:
grouping by keys that are nearly unique costs about as much as writing the line items again
(5.6 CPU-s for 1M rows of random resources and tags, against 0.6 for hourly usage of 2,300
resources) and saves queries little. Queries then read the line items."""

CHECK_FROM_ROWS = 250_000
"""Partitions smaller than this get every rollup without asking: it costs well under a
second."""


def select_sql(rollup: Rollup, files: list[str]) -> str:
    """The SELECT computing one rollup from a partition's line items.

    Tags are grouped by their JSON text as stored: the same tags written in another order
    or spacing make another row of the same sums, which a query adds up like any other."""
    keys = [f"date_trunc('{rollup.grain}', ChargePeriodStart)"]
    select = [f"{keys[0]} AS ChargePeriodStart"]
    for d in rollup.dimensions:
        keys.append(ident(d))
        select.append(ident(d))
    select += [f"SUM({ident(m)}) AS {ident(m)}" for m in METRICS]
    return (
        f"SELECT {', '.join(select)}, count(*) AS {ROW_COUNT} "
        f"FROM {scan.scan(files)} "
        f"GROUP BY {', '.join(keys)} ORDER BY ChargePeriodStart"
    )


def worth_building(
    con: duckdb.DuckDBPyConnection, rollup: Rollup, files: list[str], rows: int | None = None
) -> bool:
    """Whether ``rollup`` of a partition of ``files`` (``rows`` line items) sums
    ``MIN_ROWS_PER_GROUP`` line items or more per row, estimated before building it.

    First from the footers (``footer_groups``): when they bound the rollup's rows well under
    that, it is built without reading anything else. Otherwise from the distinct values of
    its ``many`` dimensions in each bucket (HyperLogLog over one hash, a fraction of the
    rollup's own cost). Estimating from resources alone costs a fifth of that, but tags
    unique per line (a build number) then build a rollup as large as the line items before
    ``write`` finds out: 2.8x a raw copy instead of 1.7x (0009).
    """
    if not rollup.many:
        return True
    rows = parquet_rows(con, files) if rows is None else rows
    if rows < CHECK_FROM_ROWS:
        return True
    footer = footer_groups(con, rollup, files)
    if footer is not None and footer * MIN_ROWS_PER_GROUP <= rows:
        return True
    keys = ", ".join([f"date_trunc('{rollup.grain}', ChargePeriodStart)", *map(ident, rollup.many)])
    groups = con.execute(
        f"SELECT approx_count_distinct(hash({keys})) FROM {scan.scan(files)}"
    ).fetchall()[0][0]
    return int(groups) * MIN_ROWS_PER_GROUP <= rows


def footer_groups(con: duckdb.DuckDBPyConnection, rollup: Rollup, files: list[str]) -> int | None:
    """The rollup's rows as the Parquet footers bound them, or None when they cannot.

    DuckDB writes each column chunk's distinct count (its dictionary's size; none when the
    chunk is plain-encoded, as nearly unique keys are, and then each value may be its own
    key). Each row group adds the buckets its ``ChargePeriodStart`` spans times the most
    distinct values of the ``many`` dimensions (NULL counting as one; a column the files
    lack is all NULL): an overestimate where resources recur across row groups, and an
    underestimate only where tags vary independently of resources (``write`` then drops
    the rollup it built). 11-19 ms less than the HyperLogLog scan per 1M rows (0015)."""
    chunks = con.execute(
        "SELECT file_name, row_group_id, path_in_schema, stats_distinct_count, "
        "stats_null_count, num_values, date_diff($grain, TRY_CAST(stats_min AS TIMESTAMP), "
        "TRY_CAST(stats_max AS TIMESTAMP)) + 1 FROM parquet_metadata($files) "
        "WHERE list_contains($columns, path_in_schema)",
        {"files": files, "columns": [*rollup.many, "ChargePeriodStart"], "grain": rollup.grain},
    ).fetchall()
    groups: dict[tuple[str, int], dict[str, _Chunk]] = {}
    for file, group, column, *stats in chunks:
        groups.setdefault((file, group), {})[column] = _Chunk(*stats)
    total = 0
    for columns in groups.values():
        start = columns.get("ChargePeriodStart")
        if start is None or start.buckets is None:
            return None
        most = 1
        for name in rollup.many:
            chunk = columns.get(name, _Chunk(0, 1, 1))  # missing: all NULL, one key
            if chunk.distinct is not None:
                most = max(most, chunk.distinct + (1 if chunk.nulls else 0))
            elif chunk.nulls != chunk.values:  # plain-encoded: at most a key per value
                if chunk.values is None:
                    return None
                most = max(most, chunk.values)
        total += start.buckets * most
    return total if groups else None


class _Chunk(NamedTuple):
    """A column chunk's footer statistics (``footer_groups``)."""

    distinct: int | None
    nulls: int | None
    values: int | None
    buckets: int | None = None
    """The ``grain`` buckets its least and greatest values touch (``ChargePeriodStart``)."""


def write(
    con: duckdb.DuckDBPyConnection,
    files: list[str],
    folder: Path,
    *,
    tag: str,
    only: frozenset[str] | None = None,
) -> dict[str, Path]:
    """Compute the rollups of a partition's ``files`` (those named in ``only``, else all)
    into ``folder``; returns rollup name -> file, leaving out a rollup that is not worth
    keeping: ``worth_building`` says no before, or, built, it sums fewer than
    ``MIN_ROWS_PER_GROUP`` line items per row (tags nearly unique per line, say). ``tag``
    keeps file names apart when several partitions share the folder.

    Two or more rollups are computed in one scan (``grouped_sql``) into a temporary table,
    then each written from it: the line items' decimals are decoded once, 158 against 177
    ms per 1M rows for a scan per rollup (0014)."""
    rows = parquet_rows(con, files)
    wanted = [
        r
        for r in ROLLUPS
        if (only is None or r.name in only) and worth_building(con, r, files, rows)
    ]
    if not wanted:
        return {}
    targets = {r.name: folder / f"rollup-{r.name}-{tag}.parquet" for r in wanted}
    if len(wanted) == 1:
        r = wanted[0]
        selects = {r.name: select_sql(r, files)}
        table = None
    else:
        table = f"__rollups_{uuid.uuid4().hex}"
        con.execute(f"CREATE TEMP TABLE {table} AS {grouped_sql(wanted, files)}")
        selects = {r.name: _one_of(r, i, table) for i, r in enumerate(wanted)}
    out: dict[str, Path] = {}
    try:
        for r in wanted:
            target = targets[r.name]
            built = con.execute(
                f"COPY ({selects[r.name]}) TO {lit(str(target))} ({PARQUET_OPTIONS})"
            ).fetchall()[0][0]
            if r.many and rows >= CHECK_FROM_ROWS and int(built) * MIN_ROWS_PER_GROUP > rows:
                target.unlink()
                continue
            out[r.name] = target
    finally:
        if table is not None:
            con.execute(f"DROP TABLE IF EXISTS {table}")
    return out


def grouped_sql(wanted: list[Rollup], files: list[str]) -> str:
    """The SELECT computing several rollups in one scan, with ``GROUPING SETS``: rollup
    ``i`` buckets ``ChargePeriodStart`` as ``__bucket_i`` and is the rows where
    ``__in_i`` is true (``_one_of``)."""
    buckets = [
        f"date_trunc('{r.grain}', ChargePeriodStart) AS __bucket_{i}" for i, r in enumerate(wanted)
    ]
    dimensions = list(dict.fromkeys(d for r in wanted for d in r.dimensions))
    sets = [
        "(" + ", ".join([f"__bucket_{i}", *map(ident, r.dimensions)]) + ")"
        for i, r in enumerate(wanted)
    ]
    flags = [f"GROUPING(__bucket_{i}) = 0 AS __in_{i}" for i in range(len(wanted))]
    sums = [f"SUM({ident(m)}) AS {ident(m)}" for m in METRICS]
    return (
        f"SELECT {', '.join([*buckets, *map(ident, dimensions), *sums])}, "
        f"count(*) AS {ROW_COUNT}, {', '.join(flags)} "
        f"FROM {scan.scan(files)} GROUP BY GROUPING SETS ({', '.join(sets)})"
    )


def _one_of(rollup: Rollup, i: int, table: str) -> str:
    """Rollup ``i``'s rows of a ``grouped_sql`` table, with ``select_sql``'s columns."""
    columns = [f"__bucket_{i} AS ChargePeriodStart", *map(ident, rollup.dimensions)]
    columns += [*map(ident, METRICS), ROW_COUNT]
    return f"SELECT {', '.join(columns)} FROM {table} WHERE __in_{i} ORDER BY ChargePeriodStart"


def backfill(
    lake: Lake,
    org: str,
    con: duckdb.DuckDBPyConnection,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Build the rollups that an org's live partitions lack (lakes written before a rollup
    existed) and publish them, one partition at a time. Returns how many partitions got
    rollups. Safe while the server serves and while ingests run: a partition replaced in
    the meantime is skipped, and its files go with its folder. A rollup not worth building
    (``worth_building``) stays missing; each run asks again, at the cost of one scan."""
    snap = lake.snapshot(org)
    missing = [p for p in snap.partitions if any(p.rollup_files(r.name) is None for r in ROLLUPS)]
    org_dir = lake.org_dir(org)
    done = 0
    for i, part in enumerate(missing):
        folder = org_dir / part.folder
        lacking = frozenset(r.name for r in ROLLUPS if part.rollup_files(r.name) is None)
        made = write(
            con,
            [str(org_dir / f) for f in part.files],
            folder,
            tag=uuid.uuid4().hex[:8],
            only=lacking,
        )
        relative = {name: (str(path.relative_to(org_dir)),) for name, path in made.items()}
        if relative and lake.attach_rollups(org, part, relative):
            done += 1
        if progress is not None:
            progress(i + 1, len(missing))
    return done
