"""The credentials epoch: cached credentials stay valid only while it stands still.

Resolving a credential (find the key or the session, check its user, list the user's
grants) costs several queries; :class:`costlake.auth.cache.PrincipalCache` keeps the answer.
What keeps that cache honest is this counter: every write that can take authority away adds
one to it in the same transaction, and a cached answer made under an older value is thrown
away. So a revoked key, a deactivated user or a withdrawn grant stops working on the very
next request, on every process that shares the metadata database, for the price of one
primary-key read.

The writes are found where SQLAlchemy sees them, once for every caller: objects flushed by
the unit of work (``after_flush``) and UPDATE, DELETE and INSERT statements run through a
session (``do_orm_execute``). Which changes count is decided per table by
:data:`WATCHED`; a change of a column not listed there (a key's ``last_used_at``, a user's
TOTP step) leaves the epoch alone, so signing in does not empty everyone's cache.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from costlake.db.models.credentials import CredentialEpoch

ALL = frozenset({"*"})
WATCHED: dict[str, tuple[frozenset[str], bool, bool]] = {
    # table: (columns whose update counts, an insert counts, a delete counts)
    "api_keys": (
        frozenset({"revoked_at", "expires_at", "scopes", "user_id", "org_id", "name"}),
        False,
        True,
    ),
    "users": (frozenset({"is_active", "role", "org_id", "email"}), False, True),
    "refresh_tokens": (frozenset({"revoked_at", "expires_at", "user_id"}), False, True),
    "user_account_grants": (ALL, True, True),
    "orgs": (ALL, False, True),
    "cloud_accounts": (frozenset({"org_id", "account_id"}), False, True),
}


def current(connection: Connection | Session) -> int:
    """The epoch now (0 on a database that has never bumped it)."""
    value = connection.execute(select(CredentialEpoch.value).where(CredentialEpoch.id == 1))
    return int(value.scalar() or 0)


def bump(connection: Connection) -> None:
    """Move the epoch on, inside the caller's transaction."""
    connection.execute(
        update(CredentialEpoch)
        .where(CredentialEpoch.id == 1)
        .values(value=CredentialEpoch.value + 1)
    )


def _update_counts(table: str, columns: set[str] | None) -> bool:
    watched = WATCHED.get(table)
    if watched is None:
        return False
    if watched[0] is ALL or columns is None:
        return True
    return bool(watched[0] & columns)


def _flushed_object_counts(obj: Any, *, new: bool, deleted: bool) -> bool:
    table = getattr(getattr(obj, "__table__", None), "name", None)
    if table is None or table not in WATCHED:
        return False
    _, on_insert, on_delete = WATCHED[table]
    if deleted:
        return on_delete
    if new:
        return on_insert
    state = inspect(obj)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    return bool(changed) and _update_counts(table, changed)


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    counts = (
        any(_flushed_object_counts(o, new=False, deleted=True) for o in session.deleted)
        or any(_flushed_object_counts(o, new=True, deleted=False) for o in session.new)
        or any(_flushed_object_counts(o, new=False, deleted=False) for o in session.dirty)
    )
    if counts:
        bump(session.connection())


def _set_columns(statement: Any) -> set[str] | None:
    """The names an UPDATE sets, or None when they cannot be read (then it counts)."""
    values = getattr(statement, "_values", None) or dict(
        getattr(statement, "_ordered_values", None) or ()
    )
    if not values:
        return None
    return {getattr(k, "key", None) or getattr(k, "name", None) or str(k) for k in values}


@event.listens_for(Session, "do_orm_execute")
def _on_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete or state.is_insert):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table is None or table not in WATCHED:
        return
    columns, on_insert, on_delete = WATCHED[table]
    if (
        (state.is_delete and on_delete)
        or (state.is_insert and on_insert)
        or (state.is_update and _update_counts(table, _set_columns(state.statement)))
    ):
        bump(state.session.connection())
