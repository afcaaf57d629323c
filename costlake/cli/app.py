"""The ``costlake`` command line: one Typer app, one module per command group."""

from __future__ import annotations

import typer

from costlake.cli import demo_data, export, ingest, keys, optimize, query, serve

app = typer.Typer(
    name="costlake",
    help="Self-hosted cloud cost and carbon platform on a FinOps FOCUS cost lake.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("ingest")(ingest.ingest)
app.command("query")(query.query)
app.command("demo-data")(demo_data.demo_data)
app.command("export")(export.export)
app.command("optimize")(optimize.optimize)
app.command("serve")(serve.serve)
app.command("demo")(serve.demo)
app.add_typer(keys.app, name="keys")


def main() -> None:
    app()
