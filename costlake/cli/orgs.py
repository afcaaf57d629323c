"""``costlake orgs``: the tenants of this server and their API access switch."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from costlake.cli.audit import audited
from costlake.cli.context import HELP_OPTIONS, check_output, db_session, handle_errors, out
from costlake.cli.help import Command, Group
from costlake.errors import InvalidInput

app = typer.Typer(
    help="List orgs and switch their API access.",
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    cls=Group,
)


@app.command("list", cls=Command)
@handle_errors
def list_(
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """List the orgs of this server."""
    from costlake.orgs.service import list_orgs

    check_output(output)
    with db_session() as session:
        rows = [
            {
                "slug": o.slug,
                "name": o.name,
                "api_access": "on" if o.api_access else "off",
                "require_2fa": o.require_2fa,
            }
            for o in list_orgs(session)
        ]
    if output == "json":
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("slug", "name", "api access", "2fa required")
    for r in rows:
        table.add_row(*(str(v) for v in r.values()))
    out.print(table)


@app.command("api-access", cls=Command)
@handle_errors
@audited("orgs.api-access", target=lambda kw: f"org {kw['org']}: {kw['state']}")
def api_access(
    org: Annotated[str, typer.Argument(help="The org's slug")],
    state: Annotated[str, typer.Argument(metavar="on|off", help="on or off")],
) -> None:
    """Switch an org's API access: while off, every API refuses its keys and sessions
    (StackSpend answers PLAN_RESTRICTED); it takes effect on the next request."""
    from costlake.orgs.service import set_api_access

    if state not in ("on", "off"):
        raise InvalidInput(f"state must be on or off, not {state!r}")
    with db_session() as session:
        set_api_access(session, org, state == "on")
    out.print(f"API access of org {org} is {state}")
