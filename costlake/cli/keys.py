"""``costlake keys``: create, list and revoke API keys (secrets are shown once, stored hashed)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.table import Table

from costlake.cli.audit import audited
from costlake.cli.context import HELP_OPTIONS, check_output, db_session, handle_errors, out
from costlake.cli.help import Command, Group

app = typer.Typer(
    help="Manage API keys.", no_args_is_help=True, context_settings=HELP_OPTIONS, cls=Group
)


@app.command("create", cls=Command)
@handle_errors
@audited("keys.create", target=lambda kw: f"key {kw['name']}")
def create(
    org: Annotated[str, typer.Option(help="Org the key belongs to (created on first use)")],
    name: Annotated[str, typer.Option(help="A name to recognise the key by")],
    scopes: Annotated[str, typer.Option(help="Comma-separated scopes")] = "*",
    style: Annotated[
        str,
        typer.Option(
            help="Key format: cloudexpat (ce_live_...), cloudzero (czk_...), stackspend "
            "(ss_live_...), kubecost (kc_...), xplorr or plain"
        ),
    ] = "cloudexpat",
) -> None:
    """Create a key; its secret is printed once, on the last line."""
    from costlake.keys.service import create_key

    with db_session() as session:
        key, secret = create_key(session, org, name, [s for s in scopes.split(",") if s], style)
        key_id, prefix = key.id, key.prefix
    out.print(f"created key {key_id} ({prefix}…) for org {org}; the secret is shown only now:")
    print(secret)


@app.command("list", cls=Command)
@handle_errors
def list_(
    org: Annotated[str, typer.Option(help="Org whose keys to list")],
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """List an org's keys (prefixes only, never secrets)."""
    from costlake.keys.service import list_keys

    check_output(output)
    with db_session() as session:
        rows = [
            {
                "id": k.id,
                "name": k.name,
                "style": k.style,
                "prefix": k.prefix,
                "scopes": list(k.scopes),
                "created": k.created_at.isoformat(timespec="seconds"),
                "last_used": k.last_used_at.isoformat(timespec="seconds")
                if k.last_used_at
                else None,
                "status": "revoked" if k.revoked_at else "active",
            }
            for k in list_keys(session, org)
        ]
    if output == "json":
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("id", "name", "style", "prefix", "scopes", "created", "last used", "status")
    for r in rows:
        table.add_row(
            str(r["id"]),
            str(r["name"]),
            str(r["style"]),
            f"{r['prefix']}…",
            ",".join(r["scopes"]),  # type: ignore[arg-type]
            str(r["created"]),
            str(r["last_used"] or ""),
            str(r["status"]),
        )
    out.print(table)


@app.command("revoke", cls=Command)
@handle_errors
@audited("keys.revoke", target=lambda kw: f"key {kw['key']}")
def revoke(
    key: Annotated[str, typer.Argument(help="Key id or prefix")],
    org: Annotated[str, typer.Option(help="Org the key belongs to")],
) -> None:
    """Revoke a key: it stops working at once."""
    from costlake.keys.service import revoke_key

    with db_session() as session:
        row = revoke_key(session, org, int(key) if key.isdigit() else key)
        out.print(f"revoked key {row.id} ({row.prefix}…)")
