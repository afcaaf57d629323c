"""``costlake users``: the people who sign in (the first admin of a server comes from here)."""

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
    help="Manage the people who sign in.",
    no_args_is_help=True,
    context_settings=HELP_OPTIONS,
    cls=Group,
)

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin", help="Read the password from the first line of standard input"
    ),
]


def _password(from_stdin: bool) -> str:
    if not from_stdin:
        raise InvalidInput("pass --password-stdin and the password on standard input")
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise InvalidInput("no password on standard input")
    return line


@app.command("create", cls=Command)
@handle_errors
@audited("users.create", target=lambda kw: f"user {kw['email']}")
def create(
    org: Annotated[str, typer.Option(help="Org the user belongs to (created on first use)")],
    email: Annotated[str, typer.Option(help="The user's e-mail address, used to sign in")],
    role: Annotated[str, typer.Option(help="admin or member")] = "member",
    password_stdin: PasswordStdin = False,
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
) -> None:
    """Create a user who signs in with a password (its e-mail counts as verified)."""
    from costlake.users.service import create_user

    password = _password(password_stdin)
    with db_session() as session:
        user = create_user(
            session, org, email, role=role, password=password, name=name, verified=True
        )
        user_id, address, chosen = user.id, user.email, user.role
    out.print(f"created {chosen} {address} (user {user_id}) in org {org}")


@app.command("list", cls=Command)
@handle_errors
def list_(
    org: Annotated[str, typer.Option(help="Org whose users to list")],
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """List an org's users."""
    from costlake.users.service import list_users

    check_output(output)
    with db_session() as session:
        rows = [
            {
                "id": u.id,
                "email": u.email,
                "name": u.name,
                "role": u.role,
                "status": "active" if u.is_active else "deactivated",
                "password": u.password_hash is not None,
                "two_factor": u.totp_enabled_at is not None,
            }
            for u in list_users(session, org)
        ]
    if output == "json":
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("id", "email", "name", "role", "status", "password", "2fa")
    for r in rows:
        table.add_row(*(str(r[k]) if r[k] is not None else "" for k in r))
    out.print(table)


@app.command("set-password", cls=Command)
@handle_errors
@audited("users.set-password", target=lambda kw: f"user {kw['email']}")
def set_password(
    org: Annotated[str, typer.Option(help="Org of the user")],
    email: Annotated[str, typer.Option(help="The user's e-mail address or id")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password; every sign-in of the user ends."""
    from costlake.users import service

    password = _password(password_stdin)
    with db_session() as session:
        user = service.find_user(session, org, email)
        service.set_password(session, user, password)
        address = user.email
    out.print(f"set the password of {address} in org {org}; its sessions were signed out")


@app.command("deactivate", cls=Command)
@handle_errors
@audited("users.deactivate", target=lambda kw: f"user {kw['email']}")
def deactivate(
    org: Annotated[str, typer.Option(help="Org of the user")],
    email: Annotated[str, typer.Option(help="The user's e-mail address or id")],
) -> None:
    """Deactivate a user: no sign-in, and its sessions, tokens and keys stop at once."""
    from costlake.users import service

    with db_session() as session:
        user = service.find_user(session, org, email)
        service.deactivate(session, user)
        address = user.email
    out.print(f"deactivated {address} in org {org}")
