"""What an ingest writes: the canonical columns as one SELECT over the raw relation.

``build_select`` turns an adapter's expressions into the lake's typed columns with the
checks that name a bad value; ``written_columns`` says which columns a file holds (those
never filled are left out, 0009). Enrichers (``Enricher``: carbon) wrap that SELECT.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

import duckdb

from costlake.errors import IngestError
from costlake.focus.schema import COLUMNS, duckdb_type
from costlake.ingest.base import Adapter, RawColumns
from costlake.ingest.sql import Expr, ident, lit


class Enricher(Protocol):
    """Adds derived ``x_`` columns (carbon, allocation) to canonical rows during ingest.

    ``prepare`` may register lookup tables on the connection; ``wrap`` takes a SELECT that yields
    every canonical column and returns one that yields the same columns, in the same order, with
    some ``x_`` columns filled. It must stay one streaming SQL statement; with ``rescan`` (the
    source is cheap enough to read twice, ``pipeline._RESCAN``) it may read the source once
    more in that statement, e.g. to build a small lookup of distinct values. With
    ``quantity``, the SELECT also yields that column: ``ConsumedQuantity`` as a DOUBLE read
    from the raw value (the same double a cast of the decimal gives, for a fraction of the
    cost), which ``wrap`` may use and must not pass on. With ``sample`` (a source read
    only once), the same SELECT over its first rows, which ``wrap`` may read for lookups.
    """

    name: str
    columns: tuple[str, ...]
    """The ``x_`` columns it may fill (written even where it leaves them NULL)."""
    sample_columns: tuple[str, ...]
    """The canonical columns ``wrap`` reads from ``sample``: the sample SELECT yields only
    these (a statement holding every column's conversion twice took 0.1 s longer to plan)."""

    def prepare(self, con: duckdb.DuckDBPyConnection) -> None: ...

    def wrap(
        self,
        select_sql: str,
        *,
        rescan: bool = False,
        quantity: str | None = None,
        sample: str | None = None,
    ) -> str: ...

    def finish(self, con: duckdb.DuckDBPyConnection, files: Sequence[str], options: str) -> None:
        """After a source read once is written (its ``wrap`` given a ``sample``), with the
        Parquet files written (``options``: their COPY options): complete what the
        statement left for later, rewriting a file in place if need be."""


FIXED_COLUMNS = ("x_SourceId", "x_SourceFormat", "x_IngestedAt")
"""Columns the pipeline fills itself, whatever the adapter."""


def fixed_columns(source: str, format_name: str, ingested_at: str) -> dict[str, Expr]:
    """The ``FIXED_COLUMNS``' values for one ingest (cost and usage, and commitments)."""
    fixed = {
        "x_SourceId": Expr(lit(source)),
        "x_SourceFormat": Expr(lit(format_name)),
        "x_IngestedAt": Expr(f"TIMESTAMP {lit(ingested_at)}"),
    }
    assert set(fixed) == set(FIXED_COLUMNS)
    return fixed


def build_select(
    adapter: Adapter,
    columns: RawColumns,
    *,
    source: str,
    ingested_at: str,
    skip_bad_rows: bool,
    check_required: bool = True,
    only: Collection[str] | None = None,
) -> tuple[str, str]:
    """(select list of canonical columns, predicate that is true for a bad row).

    Without ``check_required``, the select does not stop at an empty required column: the
    caller checks the written files instead (``reading.check_required``). With ``only``,
    the select yields those columns alone.
    """
    exprs: Mapping[str, Expr] = adapter.select(columns)
    unknown = set(exprs) - {c.name for c in COLUMNS}
    if unknown:
        raise IngestError(f"adapter {adapter.name} produced unknown columns {sorted(unknown)}")
    fixed = fixed_columns(source, adapter.name, ingested_at)
    items: list[str] = []
    bad: list[str] = []
    for column in COLUMNS:
        if only is not None and column.name not in only:
            continue
        e = fixed.get(column.name) or exprs.get(column.name)
        typ = duckdb_type(column)
        if e is None:
            items.append(f"CAST(NULL AS {typ}) AS {ident(column.name)}")
            continue
        value = f"CAST({e.sql} AS {typ})"
        checks: list[tuple[str, str]] = []
        if e.raw is not None:
            checks.append(
                (
                    f"({value}) IS NULL AND ({e.raw}) IS NOT NULL",
                    f"printf('cannot read %s as {column.name}', to_json(CAST({e.raw} AS VARCHAR)))",
                )
            )
        if not column.nullable and (check_required or skip_bad_rows):
            checks.append(
                (f"({value}) IS NULL", lit(f"{column.name} is empty, and FOCUS requires a value"))
            )
        if skip_bad_rows or not checks:
            items.append(f"{value} AS {ident(column.name)}")
        else:
            whens = " ".join(f"WHEN {cond} THEN error({msg})" for cond, msg in checks)
            items.append(f"CASE {whens} ELSE {value} END AS {ident(column.name)}")
        bad.extend(cond for cond, _ in checks)
    return ",\n  ".join(items), (" OR ".join(f"({b})" for b in bad) or "false")


def written_columns(exprs: Mapping[str, Expr], enrichers: Sequence[Enricher]) -> list[str]:
    """The canonical columns an ingest writes, in schema order: those the adapter maps, the
    pipeline's own, and the enrichers'. The others would be NULL in every row; they are not
    written, and readers see them as NULL (``costlake.focus.scan``)."""
    filled = {*exprs, *FIXED_COLUMNS, *(c for e in enrichers for c in e.columns)}
    return [c.name for c in COLUMNS if c.name in filled]


QUANTITY = "__quantity_double"

_DECIMAL_CAST = re.compile(r"^(TRY_CAST|CAST)\((.*) AS DECIMAL\(38, 18\)\)$", re.S)


def quantity_double(exprs: Mapping[str, Expr]) -> str | None:
    """``ConsumedQuantity`` as a DOUBLE straight from the raw value, when the adapter reads
    it with one cast (``CAST(raw AS DECIMAL(38, 18))``, or ``TRY_CAST`` of text): a cast of
    the lake's ``DECIMAL(38, 18)`` to DOUBLE costs about 0.4 µs a value in DuckDB (its
    exact path for scales past 15), the raw decimal's or text's cast a hundredth of that,
    and both round the same decimal value to the nearest double. None otherwise."""
    e = exprs.get("ConsumedQuantity")
    m = _DECIMAL_CAST.match(e.sql) if e is not None else None
    if m is None or not _one_argument(m.group(2)):
        return None
    return f"TRY_CAST({m.group(2)} AS DOUBLE)"


def _one_argument(sql: str) -> bool:
    """Whether ``sql``, the inside of ``CAST(...)``, never closes that parenthesis early
    (``CAST(a) + CAST(b`` does), quoted text aside."""
    depth, quoted = 1, False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                return False
    return depth == 1 and not quoted
