"""``costlake keys``: create, list and revoke API keys (secrets are shown once, stored hashed)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from costlake.cli.context import db_session, handle_errors, out

app = typer.Typer(help="Manage API keys.", no_args_is_help=True)


@app.command("create")
@handle_errors
def create(
    org: Annotated[str, typer.Option(help="Org the key belongs to (created on first use)")],
    name: Annotated[str, typer.Option(help="A name to recognise the key by")],
    scopes: Annotated[str, typer.Option(help="Comma-separated scopes")] = "*",
    style: Annotated[
        str, typer.Option(help="Key format: cloudexpat (ce_live_...), xplorr or plain")
    ] = "cloudexpat",
) -> None:
    """Create a key; its secret is printed once, on the last line."""
    from costlake.keys.service import create_key

    with db_session() as session:
        key, secret = create_key(session, org, name, [s for s in scopes.split(",") if s], style)
        key_id, prefix = key.id, key.prefix
    out.print(f"created key {key_id} ({prefix}…) for org {org}; the secret is shown only now:")
    print(secret)


@app.command("list")
@handle_errors
def list_(org: Annotated[str, typer.Option(help="Org whose keys to list")]) -> None:
    """List an org's keys (prefixes only, never secrets)."""
    from costlake.keys.service import list_keys

    with db_session() as session:
        rows = [
            (
                str(k.id),
                k.name,
                k.style,
                k.prefix + "…",
                ",".join(k.scopes),
                k.created_at.isoformat(timespec="seconds"),
                k.last_used_at.isoformat(timespec="seconds") if k.last_used_at else "",
                "revoked" if k.revoked_at else "active",
            )
            for k in list_keys(session, org)
        ]
    table = Table("id", "name", "style", "prefix", "scopes", "created", "last used", "status")
    for r in rows:
        table.add_row(*r)
    out.print(table)


@app.command("revoke")
@handle_errors
def revoke(
    key: Annotated[str, typer.Argument(help="Key id or prefix")],
    org: Annotated[str, typer.Option(help="Org the key belongs to")],
) -> None:
    """Revoke a key: it stops working at once."""
    from costlake.keys.service import revoke_key

    with db_session() as session:
        row = revoke_key(session, org, int(key) if key.isdigit() else key)
        out.print(f"revoked key {row.id} ({row.prefix}…)")
