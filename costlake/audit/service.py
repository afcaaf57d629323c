"""The audit log: recording writes, and reading them back (org admins only).

Writes are recorded once for every surface: the dialect framework records each successful
write route (``costlake.dialects.framework.audit``) and the command line each write
command (``costlake.cli.audit``), both through :func:`record`. Readers get pages
(:func:`list_entries`), the actions seen (:func:`actions`) and a bounded export read in
keyset chunks, each chunk in its own short transaction (:func:`export_entries`), so an
export of 10,000 entries never holds a transaction or all its rows at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from costlake.audit.context import client_address
from costlake.audit.repository import AuditRepository
from costlake.audit.schemas import EXPORT_MAX_ROWS, Actor, AuditFilter, EntryView, Event
from costlake.auth.principals import Principal
from costlake.db.models import User
from costlake.db.models.audit import AuditEntry
from costlake.errors import InvalidInput, PermissionDenied
from costlake.kit.pagination import Page, PageRequest
from costlake.orgs.repository import OrgRepository
from costlake.orgs.service import get_org

EXPORT_CHUNK = 1_000
Sessions = Callable[[], AbstractContextManager[Session]]


def record(session: Session, org: str, actor: Actor, event: Event) -> AuditEntry | None:
    """Add one entry to ``org``'s log; None when the org no longer exists (the write
    that is being recorded closed it)."""
    found = OrgRepository(session).get_by_slug(org)
    if found is None:
        return None
    return _add(session, found.id, actor, event)


def _add(session: Session, org_id: int, actor: Actor, event: Event) -> AuditEntry:
    address = event.address or client_address.get()
    email = actor.user_email
    if email is None and actor.user_id is not None:
        user = session.get(User, actor.user_id)
        email = user.email if user is not None else None
    entry = AuditEntry(
        org_id=org_id,
        at=datetime.now(UTC),  # wall-clock, never the pinned COSTLAKE_NOW
        actor_kind=actor.kind,
        actor=actor.name[:320],
        user_id=actor.user_id,
        user_email=email,
        key_id=actor.key_id,
        action=event.action[:128],
        method=event.method,
        target=event.target[:1024],
        address=address[:64] if address else None,
        status=event.status,
    )
    AuditRepository(session).add(entry)
    return entry


def record_user_event(session: Session, user: User, action: str, detail: str = "") -> None:
    """Record what a person did without a credential yet (signed in, signed up, reset a
    password), in the person's org, from the address of the request being served."""
    target = f"user {user.email}" + (f" ({detail})" if detail else "")
    actor = Actor("user", user.email, user.id, user.email)
    _add(session, user.org_id, actor, Event(action, target))


def _admin(who: Principal) -> None:
    if not who.is_admin:
        raise PermissionDenied("only an admin can read the audit log")


def view(entry: AuditEntry) -> EntryView:
    return EntryView(
        id=entry.id,
        at=entry.at,
        actor_kind=entry.actor_kind,
        actor=entry.actor,
        user_id=entry.user_id,
        user_email=entry.user_email,
        key_id=entry.key_id,
        action=entry.action,
        method=entry.method,
        target=entry.target,
        address=entry.address,
        status=entry.status,
    )


def list_entries(
    session: Session, who: Principal, wanted: AuditFilter, page: PageRequest
) -> Page[EntryView]:
    """One page of the caller's org's log, newest first, and how many entries match."""
    _admin(who)
    org_id = get_org(session, who.org).id
    repository = AuditRepository(session)
    rows = repository.newest_first(org_id, wanted, limit=page.limit, offset=page.offset)
    return Page([view(e) for e in rows], repository.count(org_id, wanted), page.offset, page.limit)


def actions(session: Session, who: Principal) -> list[str]:
    """The distinct action names in the caller's org's log, sorted."""
    _admin(who)
    return AuditRepository(session).actions(get_org(session, who.org).id)


def export_entries(
    sessions: Sessions, who: Principal, wanted: AuditFilter, *, max_rows: int = EXPORT_MAX_ROWS
) -> Iterator[EntryView]:
    """The matching entries, newest first, at most ``max_rows`` (up to 10,000).

    The caller is checked now; the entries are read as the iterator is consumed, a chunk
    at a time (keyset on the entry id, so entries written meanwhile never shift a chunk).
    """
    if not 1 <= max_rows <= EXPORT_MAX_ROWS:
        raise InvalidInput(f"an export holds 1 to {EXPORT_MAX_ROWS:,} entries")
    _admin(who)
    with sessions() as session:
        org_id = get_org(session, who.org).id
    return _chunks(sessions, org_id, wanted, max_rows)


def _chunks(sessions: Sessions, org_id: int, wanted: AuditFilter, left: int) -> Iterator[EntryView]:
    before: int | None = None
    while left > 0:
        with sessions() as session:
            rows = AuditRepository(session).newest_first(
                org_id, wanted, limit=min(EXPORT_CHUNK, left), before_id=before
            )
            batch = [view(e) for e in rows]
        if not batch:
            return
        yield from batch
        left -= len(batch)
        before = batch[-1].id
