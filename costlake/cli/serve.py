"""``costlake serve`` and ``costlake demo``: run the HTTP server.

Both bind their socket first and start the platform (database migrations included) before
printing anything a user might act on: a busy port or a bad setting is one line and nothing
is created, and a request sent the moment the URL appears waits in the socket's backlog
instead of being refused.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path
from typing import Annotated

import typer

from costlake.cli.context import console, handle_errors, out, row_progress
from costlake.cli.context import settings as load_settings
from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.lake.store import Lake
from costlake.platform import Platform

DEMO_ORG = "demo"
BACKLOG = 2048

HostOption = Annotated[
    str | None, typer.Option(metavar="ADDRESS", help="Address to bind (COSTLAKE_HOST)")
]
PortOption = Annotated[
    int | None,
    typer.Option(metavar="PORT", min=1, max=65535, help="TCP port, 1-65535 (COSTLAKE_PORT)"),
]


def bind(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port``, or one line saying why it cannot be had."""
    from costlake.serving import listening_socket

    try:
        sock = listening_socket(host, port)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            raise InvalidInput(
                f"cannot listen on {host}:{port}: the port is in use (another costlake "
                "running?); choose another with --port or COSTLAKE_PORT"
            ) from None
        reason = e.strerror or str(e)
        raise InvalidInput(f"cannot listen on {host}:{port}: {reason}") from None
    except OverflowError as e:
        raise InvalidInput(f"cannot listen on {host}:{port}: {e}") from None
    sock.listen(BACKLOG)
    return sock


def display_url(settings: Settings) -> str:
    """Where a local user reaches the server (a wildcard bind is reached over loopback)."""
    if settings.public_url:
        return settings.base_url
    host = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1"}.get(settings.host, settings.host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{settings.port}"


def log_config() -> dict[str, object]:
    """uvicorn's logging, with query values redacted from the access log."""
    from uvicorn.config import LOGGING_CONFIG

    from costlake.kit.logredact import with_redaction

    return with_redaction(LOGGING_CONFIG, ("uvicorn.access", "uvicorn.error"))


def run(platform: Platform, sock: socket.socket) -> None:
    """Serve ``platform`` on ``sock`` until Ctrl-C or SIGTERM; closes both.

    Ctrl-C is how a server is stopped, so it exits 0 without a word, whether it comes while
    the app is being built or once uvicorn (which re-raises it after shutting down) serves.
    """
    try:
        import uvicorn

        from costlake.server import create_app

        config = uvicorn.Config(
            create_app(platform=platform),
            log_level="info",
            log_config=log_config(),
            timeout_graceful_shutdown=5,
        )
        platform.start_scheduler()  # scheduled jobs, unless COSTLAKE_SCHEDULER=off
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        platform.close()
        sock.close()


@handle_errors
def serve(host: HostOption = None, port: PortOption = None) -> None:
    """Serve the dialect APIs over the lake under COSTLAKE_HOME."""
    settings = load_settings(host=host, port=port)
    sock = bind(settings.host, settings.port)
    try:
        platform = Platform.start(settings)
    except BaseException:
        sock.close()
        raise
    url = display_url(settings)
    out.print(f"costlake is serving at [bold]{url}[/] (API documents: {url}/docs)")
    console.print("(Ctrl-C stops the server)")
    run(platform, sock)


def _add_missing_rollups(the_lake: Lake, org: str, threads: int | None = None) -> None:
    """Demo data from an older costlake has no rollups: build them (seconds at demo size)."""
    from costlake.kit.duck import connect
    from costlake.lake.rollups import backfill

    con = connect(threads=threads)
    try:
        with console.status("building rollups of the demo data"):
            backfill(the_lake, org, con)
    finally:
        con.close()


def _load_demo_data(platform: Platform, rows: int, days: int) -> None:
    from costlake.demo.generator import generate

    settings, the_lake = platform.settings, platform.lake
    if not the_lake.snapshot(DEMO_ORG).is_empty:
        _add_missing_rollups(the_lake, DEMO_ORG, settings.duckdb_threads)
        return
    data = settings.home / "demo-data"
    with row_progress("generate demo data", rows) as update:
        generate(data, rows=rows, days=days, seed=42, progress=update)
    with row_progress("ingest demo data", rows) as update:
        result = platform.ingestor().ingest(
            sorted(Path(data).glob("*.parquet")), org=DEMO_ORG, source="demo"
        )
        update(result.rows_written)


@handle_errors
def demo(
    host: HostOption = None,
    port: PortOption = None,
    rows: Annotated[
        int,
        typer.Option(metavar="N", min=1, help="Demo rows to generate when the lake is empty"),
    ] = 300_000,
    days: Annotated[int, typer.Option(metavar="DAYS", min=1, help="Days of demo history")] = 120,
) -> None:
    """Load demo data if COSTLAKE_HOME has none, serve it, print the URL and the demo key."""
    from costlake.accounts.discovery import sync_accounts
    from costlake.cli.demo_key import demo_key, demo_login
    from costlake.dialects.registry import install

    settings = load_settings(host=host, port=port)
    sock = bind(settings.host, settings.port)
    try:
        platform = Platform.start(settings)
        try:
            _load_demo_data(platform, rows, days)
            with platform.session() as session:
                sync_accounts(session, platform.lake, DEMO_ORG)
                keys = [
                    (d, demo_key(session, settings, DEMO_ORG, d.key_styles[0].name))
                    for d in install()
                    if d.key_styles
                ]
                login = demo_login(session, settings, DEMO_ORG)
        except BaseException:
            platform.close()
            raise
    except BaseException:
        sock.close()
        raise
    url = display_url(settings)
    out.print(f"\ncostlake is serving org [bold]{DEMO_ORG}[/] at [bold]{url}[/]")
    for dialect, secret in keys:
        out.print(f"{dialect.title.split(' (')[0]}: API key: [bold]{secret}[/]")
        example = dialect.curl_example(url, secret)
        if example:
            out.print(f"  try: {example}", markup=False)
    out.print(f"Sign in (Xplorr POST /api/v1/auth/login): {login[0]} / {login[1]}", markup=False)
    out.print(f"API documents: {url}/docs\n")
    console.print("(Ctrl-C stops the server)")
    run(platform, sock)
