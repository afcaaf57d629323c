"""Staging the FOCUS Contract Commitment dataset beside cost and usage.

The pipeline hands over the groups of files whose adapter has ``dataset = "commitments"``
(``formats/focus_commitments.py``). Their rows are written, like cost and usage, as Parquet
per (source, period) into the ingest's staging folder and published by the same manifest
commit, so a delivery of both datasets appears at once or not at all, and a re-delivery
replaces the same periods. What differs:

- the source is ``<source>.commitments`` (``SOURCE_SUFFIX``), never the cost source itself,
  so a commitment period can never replace a cost period of the same name;
- the period is the month of ``ContractCommitmentPeriodStart``;
- no rollups and no enrichers: nothing sums commitments per day.

Readers: ``costlake.lake.commitments.read_commitments`` (commitment analysis will build on it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import duckdb

from costlake.errors import InvalidInput, MalformedFile
from costlake.focus.commitments import COMMITMENT_COLUMNS, DATASET, SOURCE_SUFFIX
from costlake.focus.schema import duckdb_type
from costlake.ingest.base import Adapter, RawColumns
from costlake.ingest.canonical import fixed_columns
from costlake.ingest.sql import Expr, ident, lit
from costlake.lake.store import PARQUET_OPTIONS, StagedPartition

_MAX_NAME = 63


def is_commitments(adapter: Adapter) -> bool:
    return getattr(adapter, "dataset", "cost") == DATASET


def check_cost_source(source: str) -> None:
    """A source named by the user holds cost and usage: it must not look like a commitments
    source, or its periods would be read as commitments."""
    if source.endswith(SOURCE_SUFFIX):
        raise InvalidInput(
            f"invalid source name {source!r}: names ending in {SOURCE_SUFFIX!r} are kept for "
            "the FOCUS Contract Commitment dataset (name the cost source; its commitments go "
            f"to <source>{SOURCE_SUFFIX})"
        )


def commitments_source(base: str) -> str:
    """``<base>.commitments``, shortened to a hash of ``base`` when too long for a folder."""
    name = base + SOURCE_SUFFIX
    if len(name) <= _MAX_NAME:
        return name
    return f"focus-{hashlib.sha256(base.encode()).hexdigest()[:12]}{SOURCE_SUFFIX}"


def stage(
    con: duckdb.DuckDBPyConnection,
    adapter: Adapter,
    columns: RawColumns,
    paths: Sequence[Path],
    reader: str,
    out: Path,
    *,
    source: str | None,
    ingested_at: str,
) -> list[StagedPartition]:
    """Write one group's commitment rows under ``out/__period=<YYYY-MM>/``; one staged
    partition per period. Refuses the group (nothing written counts) on a bad value."""
    where = str(paths[0]) if len(paths) == 1 else ", ".join(map(str, paths))
    try:
        exprs = adapter.select(columns)
    except MalformedFile as e:
        raise MalformedFile(e.message, path=where, column=e.column) from None
    name = commitments_source(source or _default_base(con, exprs, reader))
    select = _select(exprs, source=name, format_name=adapter.name, ingested_at=ingested_at)
    period = "strftime(\"ContractCommitmentPeriodStart\", '%Y-%m')"
    sql = (
        f"COPY (SELECT *, {period} AS __period FROM (SELECT {select} FROM "
        f"(SELECT *, row_number() OVER () AS __row FROM {reader}) AS raw)) "
        f"TO {lit(str(out))} (PARTITION_BY (__period), {PARQUET_OPTIONS})"
    )
    try:
        con.execute(sql)
    except duckdb.Error as e:
        message = str(e).strip().splitlines()[0]
        raise MalformedFile(re.sub(r"^[\w ]+Error: ", "", message), path=where) from None
    return _partitions(con, out, name, adapter.name)


def _select(exprs: Mapping[str, Expr], *, source: str, format_name: str, ingested_at: str) -> str:
    """The commitment columns in order; a bad or missing required value stops the COPY with
    an error naming the row and column."""
    fixed = fixed_columns(source, format_name, ingested_at)
    items = []
    for column in COMMITMENT_COLUMNS:
        e = fixed.get(column.name) or exprs.get(column.name)
        typ = duckdb_type(column)
        if e is None:
            items.append(f"CAST(NULL AS {typ}) AS {ident(column.name)}")
            continue
        value = f"CAST({e.sql} AS {typ})"
        whens = []
        where = f"row %d, column ''{column.name}''"
        if e.raw is not None:
            shown = f"to_json(CAST({e.raw} AS VARCHAR))"
            msg = f"printf('{where}: value %s is not a valid {column.name}', __row, {shown})"
            whens.append(f"WHEN ({value}) IS NULL AND ({e.raw}) IS NOT NULL THEN error({msg})")
        if not column.nullable:
            msg = f"printf('{where}: {column.name} is empty, and FOCUS requires a value', __row)"
            whens.append(f"WHEN ({value}) IS NULL THEN error({msg})")
        sql = f"CASE {' '.join(whens)} ELSE {value} END" if whens else value
        items.append(f"{sql} AS {ident(column.name)}")
    return ",\n  ".join(items)


def _default_base(con: duckdb.DuckDBPyConnection, exprs: Mapping[str, Expr], reader: str) -> str:
    """Without ``--source``: ``focus-<contract>`` (or a hash of the contracts), so the same
    contracts re-delivered replace themselves."""
    from costlake.ingest.pipeline import default_source

    contract = exprs["ContractId"].sql
    rows = con.execute(f"SELECT DISTINCT {contract} FROM {reader} AS raw ORDER BY 1").fetchall()
    return default_source("focus", [str(r[0]) for r in rows if r[0] is not None])


def _partitions(
    con: duckdb.DuckDBPyConnection, out: Path, source: str, format_name: str
) -> list[StagedPartition]:
    if not out.exists():
        return []
    stats = con.execute(
        "SELECT __period, count(*), min(ContractCommitmentPeriodStart), "
        "max(ContractCommitmentPeriodEnd) "
        f"FROM read_parquet({lit(str(out / '**' / '*.parquet'))}, hive_partitioning = true) "
        "GROUP BY 1 ORDER BY 1"
    ).fetchall()
    return [
        StagedPartition(
            source=source,
            source_format=format_name,
            period=period,
            files=tuple(sorted((out / f"__period={period}").glob("*.parquet"))),
            rows=rows,
            min_charge_start=lo,
            max_charge_end=hi,
        )
        for period, rows, lo, hi in stats
    ]
