"""``costlake budgets``: where each budget of an org stands (spend, forecast, thresholds)."""

from __future__ import annotations

import sys
from datetime import date
from typing import Annotated

import orjson
import typer
from rich.table import Table

from costlake.cli.context import HELP_OPTIONS, check_output, handle_errors, open_platform, out
from costlake.cli.help import Command, Group
from costlake.cli.table import money
from costlake.errors import InvalidInput
from costlake.kit.jsonout import decimal_text

app = typer.Typer(
    help="See budgets against spend (they are written over the API: /v2/budgets).",
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    cls=Group,
)


@app.command("status", cls=Command)
@handle_errors
def status(
    org: Annotated[str, typer.Option(help="Tenant whose budgets to evaluate")] = "default",
    on: Annotated[
        str | None,
        typer.Option("--date", metavar="DATE", help="Evaluate as of DATE (default: today, UTC)"),
    ] = None,
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """Each budget's spend so far in its period, its forecast for the whole period and the
    thresholds reached. Nothing is mailed (the budgets.evaluate job does that, once)."""
    from costlake.budgets.evaluate import org_status
    from costlake.kit.clock import today

    check_output(output)
    try:
        day = date.fromisoformat(on) if on else today()
    except ValueError:
        raise InvalidInput(f"--date: {on!r} is not a date (YYYY-MM-DD)") from None
    with open_platform() as platform:
        found = org_status(platform.session, platform.queries, org, day)
    if output == "json":
        rows = [
            {
                "id": e.budget.id,
                "name": e.budget.name,
                "period": str(e.budget.period),
                "start": e.window.start.isoformat(),
                "end": e.window.end.isoformat(),
                "amount": decimal_text(e.budget.amount),
                "actual": decimal_text(e.actual),
                "forecast": decimal_text(e.forecast),
                "thresholds_reached": [decimal_text(r.threshold) for r in e.reached],
            }
            for e in found
        ]
        sys.stdout.buffer.write(orjson.dumps(rows) + b"\n")
        return
    table = Table("name", "period", "from", "amount", "spent", "%", "forecast", "reached")
    for e in found:
        table.add_row(
            e.budget.name, str(e.budget.period), e.window.start.isoformat(),
            money(e.budget.amount), money(e.actual), f"{e.percent:.0f}%", money(e.forecast),
            ", ".join(f"{decimal_text(r.threshold)}%" for r in e.reached),
        )  # fmt: skip
    out.print(table)
