"""The caller's own org: what it is, renaming it, and figures about it (admins)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.db.models import ApiKey, CloudAccount, Org, User
from costlake.db.models.audit import AuditEntry
from costlake.errors import InvalidInput, PermissionDenied
from costlake.lake.store import Lake
from costlake.orgs.service import get_org
from costlake.users.invitations import pending


def current_org(session: Session, who: Principal) -> Org:
    return get_org(session, who.org)


def rename_org(session: Session, who: Principal, name: str) -> Org:
    """Give the caller's org a new display name (admins); the slug never changes."""
    if not who.is_admin:
        raise PermissionDenied("only an admin can rename the organization")
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("the organization's name must be 1-200 characters")
    org = get_org(session, who.org)
    org.name = name
    session.flush()
    return org


@dataclass(frozen=True, slots=True)
class OrgStats:
    users: int
    active_users: int
    admins: int
    pending_invitations: int
    api_tokens: int
    cloud_accounts: int
    audit_entries: int
    sources: tuple[str, ...]
    partitions: int
    rows: int
    first_period: str | None
    last_period: str | None
    last_ingest_at: datetime | None


def org_stats(session: Session, lake: Lake, who: Principal) -> OrgStats:
    """How many people, tokens, accounts and audit entries the org has, and what its
    lake holds (admins)."""
    if not who.is_admin:
        raise PermissionDenied("only an admin can see the organization's statistics")
    org = get_org(session, who.org)
    people = session.execute(
        select(User.is_active, User.role, User.password_hash.is_not(None)).where(
            User.org_id == org.id
        )
    ).all()
    members = [p for p in people if p[2]]  # invited people without a password are not yet
    snapshot = lake.snapshot(org.slug)
    parts = snapshot.partitions
    periods = sorted(p.period for p in parts)
    return OrgStats(
        users=len(members),
        active_users=sum(1 for p in members if p[0]),
        admins=sum(1 for p in members if p[0] and p[1] == "admin"),
        pending_invitations=len(pending(session, who)),
        api_tokens=_count(session, ApiKey.id, ApiKey.org_id == org.id, ApiKey.revoked_at.is_(None)),
        cloud_accounts=_count(session, CloudAccount.id, CloudAccount.org_id == org.id),
        audit_entries=_count(session, AuditEntry.id, AuditEntry.org_id == org.id),
        sources=tuple(sorted({p.source for p in parts})),
        partitions=len(parts),
        rows=snapshot.rows,
        first_period=periods[0] if periods else None,
        last_period=periods[-1] if periods else None,
        last_ingest_at=max(
            (p.committed_at.replace(tzinfo=UTC) for p in parts), default=None
        ),  # the lake keeps naive UTC
    )


def _count(session: Session, column: Any, *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count(column)).where(*where)) or 0)
