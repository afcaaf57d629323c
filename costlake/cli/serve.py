"""``costlake serve`` and ``costlake demo``: run the HTTP server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from costlake.cli.context import console, db_session, handle_errors, lake, out, row_progress
from costlake.cli.context import settings as load_settings
from costlake.lake.store import Lake

DEMO_ORG = "demo"


def _run(host: str, port: int) -> None:
    import uvicorn

    from costlake.config import Settings
    from costlake.server import create_app
    from costlake.serving import listening_socket

    settings = Settings(host=host, port=port)
    sock = listening_socket(host, port)
    config = uvicorn.Config(create_app(settings), log_level="info", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


@handle_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (COSTLAKE_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (COSTLAKE_PORT)")] = None,
) -> None:
    """Serve the dialect APIs over the lake under COSTLAKE_HOME."""
    s = load_settings()
    _run(host or s.host, port or s.port)


def _add_missing_rollups(the_lake: Lake, org: str) -> None:
    """Demo data from an older costlake has no rollups: build them (seconds at demo size)."""
    from costlake.kit.duck import connect
    from costlake.lake.rollups import backfill

    con = connect()
    try:
        with console.status("building rollups of the demo data"):
            backfill(the_lake, org, con)
    finally:
        con.close()


@handle_errors
def demo(
    host: Annotated[str | None, typer.Option(help="Address to bind")] = None,
    port: Annotated[int | None, typer.Option(help="Port")] = None,
    rows: Annotated[
        int, typer.Option(help="Demo rows to generate when the lake is empty")
    ] = 300_000,
    days: Annotated[int, typer.Option(help="Days of demo history")] = 120,
) -> None:
    """Load demo data if COSTLAKE_HOME has none, create an API key, serve, print URL and key."""
    from costlake.accounts.discovery import sync_accounts
    from costlake.demo.generator import generate
    from costlake.ingest.pipeline import Ingestor
    from costlake.keys.service import create_key

    s = load_settings()
    host, port = host or s.host, port or s.port
    the_lake = lake()
    if the_lake.snapshot(DEMO_ORG).is_empty:
        data = s.home / "demo-data"
        with row_progress("generate demo data", rows) as update:
            generate(data, rows=rows, days=days, seed=42, progress=update)
        with row_progress("ingest demo data", rows) as update:
            result = Ingestor(the_lake).ingest(
                sorted(Path(data).glob("*.parquet")), org=DEMO_ORG, source="demo"
            )
            update(result.rows_written)
    else:
        _add_missing_rollups(the_lake, DEMO_ORG)
    with db_session() as session:
        sync_accounts(session, the_lake, DEMO_ORG)
        _, secret = create_key(session, DEMO_ORG, "demo", ["*"], "cloudexpat")
    url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}"
    out.print(f"\ncostlake is serving org [bold]{DEMO_ORG}[/] at [bold]{url}[/]")
    out.print(f"API key: [bold]{secret}[/]")
    out.print(
        f'try: curl "{url}/v1/costs/summary?period=month" -H "Authorization: Bearer {secret}"\n'
    )
    console.print("(Ctrl-C stops the server)")
    os.environ.setdefault("COSTLAKE_HOME", str(s.home))
    _run(host, port)
