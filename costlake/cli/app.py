"""The ``costlake`` command line: one Typer app, one module per command group."""

from __future__ import annotations

from importlib.metadata import version as package_version
from typing import Annotated

import typer

from costlake.cli import (
    anomalies,
    budgets,
    demo_data,
    export,
    ingest,
    keys,
    optimize,
    query,
    serve,
    worker,
)
from costlake.cli.check import check as check_command
from costlake.cli.context import HELP_OPTIONS, handle_errors
from costlake.cli.help import Command, Group
from costlake.cli.orgs import app as orgs_app
from costlake.cli.sources import app as sources_app
from costlake.cli.users import app as users_app
from costlake.kit.private import private_files

app = typer.Typer(
    name="costlake",
    help="Self-hosted cloud cost and carbon platform on a FinOps FOCUS cost lake.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings=HELP_OPTIONS,
    cls=Group,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"costlake {package_version('costlake')}")
        raise typer.Exit


@app.callback()
@handle_errors
def _main(
    version: Annotated[
        bool | None,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit"
        ),
    ] = None,
) -> None:
    """Self-hosted cloud cost and carbon platform on a FinOps FOCUS cost lake."""
    private_files()
    from costlake.dialects.registry import install

    install()  # the dialects' key styles, before any command creates or checks a key


app.command("ingest", epilog=ingest.formats_epilog(), cls=Command)(ingest.ingest)
app.command("query", cls=Command)(query.query)
app.command("demo-data", cls=Command)(demo_data.demo_data)
app.command("export", cls=Command)(export.export)
app.command("optimize", cls=Command)(optimize.optimize)
app.command("check")(check_command)
app.command("serve", cls=Command)(serve.serve)
app.command("demo", cls=Command)(serve.demo)
app.add_typer(keys.app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(orgs_app, name="orgs")
app.add_typer(anomalies.app, name="anomalies")
app.add_typer(budgets.app, name="budgets")
app.add_typer(sources_app, name="sources")
app.command("worker", cls=Command)(worker.worker)
app.command("jobs", cls=Command)(worker.jobs)


def main() -> None:
    app()
