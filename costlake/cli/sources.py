"""``costlake sources``: connections to SaaS vendors' billing APIs (add, list, sync, remove)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from costlake.cli.context import (
    HELP_OPTIONS,
    check_output,
    console,
    fail,
    handle_errors,
    open_platform,
    out,
)
from costlake.cli.help import Command, Group
from costlake.errors import InvalidInput

if TYPE_CHECKING:
    from costlake.sources.stored import SourceInfo

app = typer.Typer(
    help="Pull costs from SaaS vendors' billing APIs (OpenAI, Datadog, GitHub).",
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    cls=Group,
)

_DAY = timedelta(days=1)
Org = Annotated[str, typer.Option(help="Tenant the source belongs to")]


@app.command("add", cls=Command)
@handle_errors
def add(
    kind: Annotated[str, typer.Argument(help="openai, datadog or github")],
    account: Annotated[
        str,
        typer.Option(
            help="openai: organization id (org-...); datadog: parent org public id; "
            "github: organization login"
        ),
    ],
    org: Org = "default",
    name: Annotated[
        str | None, typer.Option(help="Source name, also its lake source (default kind-account)")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option(help="The vendor API's base URL (default: the vendor's own)")
    ] = None,
    every_hours: Annotated[int, typer.Option(min=1, help="Scheduled sync interval")] = 24,
    start: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="First day to sync (default: 1st of last month)"),
    ] = None,
    schedule: Annotated[
        bool, typer.Option("--schedule/--no-schedule", help="Sync on the scheduler")
    ] = True,
    reuse_lake_source: Annotated[
        bool,
        typer.Option(
            "--reuse-lake-source",
            help="Allow a name the lake already holds rows of (a sync replaces them)",
        ),
    ] = False,
) -> None:
    """Store a source and its secrets (encrypted).

    Secrets are read from standard input, one per line in the order the prompts name them
    (openai: admin key; datadog: API key, then application key; github: token), or asked
    for without echo at a terminal; never from the command line. They are never shown
    again."""
    from costlake.kit.secretbox import SecretBox
    from costlake.sources.saas.connectors import connector
    from costlake.sources.stored import add_source

    conn = connector(kind)
    first = _date(start, "--start") if start else None
    secrets = {s.name: _secret(s.prompt) for s in conn.secrets}
    with open_platform() as platform, platform.session() as session:
        info = add_source(
            session, SecretBox.from_settings(platform.settings), org, kind, account, secrets,
            lake=platform.lake, name=name, base_url=base_url, every_hours=every_hours,
            start=first, enabled=schedule, reuse_lake_source=reuse_lake_source,
        )  # fmt: skip
    when = f"every {info.every_hours} h" if info.enabled else "on demand only"
    out.print(
        f"added {info.kind} source {info.name} to org {org}: account {info.account}, "
        f"{info.base_url}, from {info.start_date}, synced {when}; "
        f"run `costlake sources sync {info.name} --org {org}` to sync it now"
    )


@app.command("list", cls=Command)
@handle_errors
def list_(
    org: Org = "default",
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """List an org's sources and each one's last sync (never the secrets)."""
    from costlake.sources.stored import list_sources

    check_output(output)
    with open_platform() as platform, platform.session() as session:
        found = list_sources(session, org)
    if output == "json":
        sys.stdout.buffer.write(orjson.dumps([_record(s) for s in found]) + b"\n")
        return
    table = Table("name", "kind", "account", "schedule", "last sync", "status")
    table.add_column("rows", justify="right")
    table.add_column("days", justify="right")
    table.add_column("through")
    for s in found:
        status = s.last_status or "never synced"
        if s.last_error:
            status = f"error: {s.last_error}"
        table.add_row(
            s.name,
            s.kind,
            s.account,
            f"every {s.every_hours} h" if s.enabled else "off",
            f"{s.last_sync_at:%Y-%m-%d %H:%M}" if s.last_sync_at else "",
            escape(status),
            f"{s.last_rows:,}" if s.last_rows is not None else "",
            str(s.last_days) if s.last_days is not None else "",
            str(s.synced_through or ""),
        )
    out.print(table if found else f"org {org} has no sources; add one with `costlake sources add`")


@app.command("sync", cls=Command)
@handle_errors
def sync(
    name: Annotated[str | None, typer.Argument(help="Source to sync (default: every one)")] = None,
    org: Org = "default",
    since: Annotated[
        str | None,
        typer.Option(metavar="DATE", help="Sync again from this day (default: incremental)"),
    ] = None,
) -> None:
    """Sync a source (or every one) now.

    Fetches from the vendor, then replaces the fetched months in the lake in one commit. A
    failure leaves the lake unchanged and is recorded in the source's status."""
    from costlake.sources.stored import SourceSyncFailed, list_sources, sync_source

    first = _date(since, "--since") if since else None
    with open_platform() as platform:
        if name is None:
            with platform.session() as session:
                names = [s.name for s in list_sources(session, org)]
            if not names:
                out.print(f"org {org} has no sources; add one with `costlake sources add`")
        else:
            names = [name]
        failures = []
        for each in names:
            try:
                with _months(f"syncing {each}") as progress:
                    r = sync_source(platform, org, each, since=first, progress=progress)
            except SourceSyncFailed as e:
                if name is not None:
                    raise
                failures.append(e.message)
                console.print(f"[bold red]error:[/] {escape(e.message)}", soft_wrap=True)
                continue
            out.print(
                f"synced {each}: {r.rows:,} rows, {r.days} days ({r.start} to {r.end - _DAY}), "
                f"billed {r.billed}; replaced months {', '.join(r.months)}"
            )
    if failures:
        fail(f"{len(failures)} of {len(names)} sources failed to sync")


@app.command("remove", cls=Command)
@handle_errors
def remove(
    name: Annotated[str, typer.Argument(help="Source to remove")],
    org: Org = "default",
    delete_data: Annotated[
        bool, typer.Option("--delete-data", help="Also delete the rows it synced from the lake")
    ] = False,
) -> None:
    """Forget a source and its secrets.

    The costs it synced stay in the lake unless --delete-data is given."""
    from costlake.sources.stored import remove_source

    with open_platform() as platform:
        r = remove_source(platform, org, name, delete_data=delete_data)
    if r.deleted:
        kept = f"deleted its {r.lake_rows:,} rows from the lake"
    elif r.lake_rows:
        kept = (
            f"its {r.lake_rows:,} rows stay in the lake as source {r.name} "
            "(--delete-data deletes them)"
        )
    else:
        kept = "the lake held no rows of it"
    out.print(f"removed source {r.name} from org {org}; {kept}")


@contextlib.contextmanager
def _months(description: str) -> Iterator[Callable[[int, int], None]]:
    """A bar over the months fetched; erased when the sync fails."""
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("months"),
        TimeElapsedColumn(),
        console=console,
    )
    task = progress.add_task(description, total=None)

    def update(done: int, total: int) -> None:
        progress.update(task, completed=done, total=total)

    progress.start()
    try:
        yield update
    except BaseException:
        progress.live.transient = True
        progress.stop()
        raise
    progress.stop()


def _secret(prompt: str) -> str:
    if sys.stdin.isatty():
        value = typer.prompt(prompt, hide_input=True)
    else:
        value = sys.stdin.readline().rstrip("\r\n")
    if not value.strip():
        raise InvalidInput(f"no {prompt} on standard input (one secret per line)")
    return value


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} must be a date such as 2024-09-01, not {value!r}") from None


def _record(s: SourceInfo) -> dict[str, Any]:
    return {
        "org": s.org,
        "name": s.name,
        "kind": s.kind,
        "vendor": s.vendor,
        "account": s.account,
        "base_url": s.base_url,
        "enabled": s.enabled,
        "every_hours": s.every_hours,
        "start_date": s.start_date.isoformat(),
        "created_at": s.created_at.isoformat(),
        "last_sync_at": s.last_sync_at.isoformat() if s.last_sync_at else None,
        "last_status": s.last_status,
        "last_error": s.last_error,
        "last_rows": s.last_rows,
        "last_days": s.last_days,
        "last_success_at": s.last_success_at.isoformat() if s.last_success_at else None,
        "synced_through": s.synced_through.isoformat() if s.synced_through else None,
    }
