"""Reading back the FOCUS Contract Commitment dataset an org's lake holds.

Ingest stores it beside cost and usage (``costlake.ingest.commitments``); nothing queries it
yet but ``read_commitments`` (and ``export_commitments``, which writes it to a file), which
commitment analysis (spend or usage promised per contract period against what the cost and
usage rows drew down through ``ContractApplied``) will build on.
"""

from __future__ import annotations

import os
import uuid
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from costlake.errors import InvalidInput
from costlake.focus.commitments import COMMITMENT_COLUMNS, COMMITMENT_SCHEMA
from costlake.kit.sql import ident, lit
from costlake.lake.store import Lake


def read_commitments(
    lake: Lake,
    org: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    sources: list[str] | None = None,
) -> pa.Table:
    """The org's commitment rows whose commitment period overlaps ``[start, end)`` (all when
    not given), in ``COMMITMENT_SCHEMA``, ordered by contract, commitment and period start.

    ``sources`` are cost source names (``aws``) or commitment ones (``aws.commitments``).
    """
    snap = lake.snapshot(org)
    wanted = None if sources is None else {s.removesuffix(".commitments") for s in sources}
    org_dir = snap.root / f"org={org}"
    files = [
        str(org_dir / f)
        for p in snap.commitments
        if wanted is None or p.source.removesuffix(".commitments") in wanted
        for f in p.files
    ]
    if not files:
        return COMMITMENT_SCHEMA.empty_table()
    conds = []
    params: dict[str, object] = {}
    if start is not None:
        conds.append("ContractCommitmentPeriodEnd > $start")
        params["start"] = start
    if end is not None:
        conds.append("ContractCommitmentPeriodStart < $end")
        params["end"] = end
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    names = ", ".join(f'"{c.name}"' for c in COMMITMENT_COLUMNS)
    con = duckdb.connect()
    try:
        table = con.sql(
            f"SELECT {names} FROM read_parquet($files, union_by_name = true){where} "
            "ORDER BY ContractId, ContractCommitmentId, ContractCommitmentPeriodStart",
            params={"files": files, **params},
        ).to_arrow_table()
    finally:
        con.close()
    return table.cast(COMMITMENT_SCHEMA)


def export_commitments(lake: Lake, org: str, out: Path, *, file_format: str = "parquet") -> int:
    """Write the org's commitment rows to ``out`` (Parquet or CSV, as ``costlake export``
    writes cost and usage: UTC instants, plain decimals, NULL as an empty CSV field); the
    file appears complete or not at all. Returns the rows written."""
    from costlake.lake.export import _copy_options, _value

    if file_format not in ("parquet", "csv"):
        raise InvalidInput(f"export format {file_format!r} is not supported: use parquet or csv")
    table = read_commitments(lake, org)
    values = ", ".join(f"{_value(c, file_format)} AS {ident(c.name)}" for c in COMMITMENT_COLUMNS)
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex[:12]}.tmp")
    con = duckdb.connect()
    try:
        con.register("commitments", table)
        con.execute(
            f"COPY (SELECT {values} FROM commitments) TO {lit(str(tmp))} "
            f"({_copy_options(file_format, out)})"
        )
        os.replace(tmp, out)
    finally:
        con.close()
        tmp.unlink(missing_ok=True)
    return table.num_rows
