"""Reading back the FOCUS Contract Commitment dataset an org's lake holds.

Ingest stores it beside cost and usage (``costlake.ingest.commitments``); nothing queries it
yet but this function, which commitment analysis (spend or usage promised per contract period
against what the cost and usage rows drew down through ``ContractApplied``) will build on.
"""

from __future__ import annotations

from datetime import datetime

import duckdb
import pyarrow as pa

from costlake.focus.commitments import COMMITMENT_COLUMNS, COMMITMENT_SCHEMA
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
