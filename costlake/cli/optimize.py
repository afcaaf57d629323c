"""``costlake optimize``: build the rollups an org's lake lacks (lakes from older versions)."""

from __future__ import annotations

from typing import Annotated

import typer

from costlake.cli.context import console, handle_errors, lake, settings
from costlake.cli.context import out as stdout
from costlake.query.service import require_data


@handle_errors
def optimize(
    org: Annotated[str | None, typer.Option(help="Tenant to optimize (default: every org)")] = None,
) -> None:
    """Build missing rollups, so queries read pre-aggregates instead of every line item.

    Ingest writes rollups with each billing period; this is for periods an older costlake
    ingested. Safe to run while the server serves."""
    from costlake.kit.duck import connect
    from costlake.lake.rollups import backfill

    the_lake = lake()
    if org is not None:
        require_data(the_lake, org)
    con = connect(threads=settings().duckdb_threads)
    try:
        for name in [org] if org else the_lake.orgs():
            with console.status(f"building rollups of org {name}") as status:
                done = backfill(
                    the_lake,
                    name,
                    con,
                    progress=lambda i, n, s=status, o=name: s.update(
                        f"building rollups of org {o}: {i} of {n} billing periods"
                    ),
                )
            stdout.print(f"org {name}: rollups built for {done} billing period(s)")
    finally:
        con.close()
