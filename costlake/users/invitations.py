"""Invitations: an admin invites an e-mail address into its org with a role; the invited
person sets a password and is signed in. The invitation is a single-use token (7 days)
sent by mail; until it is accepted the invited user exists but cannot sign in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.db.models import User
from costlake.errors import InvalidInput, NotFound, PermissionDenied
from costlake.kit.clock import now
from costlake.orgs.service import get_or_create_user, get_org
from costlake.users import onetime, passwords
from costlake.users.repository import UserRepository
from costlake.users.service import parse_role
from costlake.users.sessions import digest

INVITATION = onetime.INVITATION


@dataclass(frozen=True, slots=True)
class InvitationStatus:
    email: str
    organization: str
    role: str
    status: str  # pending, accepted, expired
    expires_at: datetime


def invite(session: Session, who: Principal, email: str, role: str) -> tuple[User, str]:
    """The invited user (not active yet) and the invitation token to mail to it."""
    if not who.is_admin:
        raise PermissionDenied("only an admin can invite people")
    chosen = parse_role(role)
    org = get_org(session, who.org)
    user = get_or_create_user(session, org, email)
    if user.password_hash is not None:
        raise InvalidInput(f"{user.email} is already a member of {org.slug!r}")
    user.role = chosen.value
    user.is_active = False
    return user, onetime.issue(session, user, INVITATION)


@dataclass(frozen=True, slots=True)
class PendingInvitation:
    user_id: int
    email: str
    role: str
    invited_at: datetime
    expires_at: datetime


def pending(session: Session, who: Principal) -> list[PendingInvitation]:
    """The invitations of the caller's org not accepted and not expired (admins only),
    newest first: one per invited person (a new invitation voids the earlier one)."""
    if not who.is_admin:
        raise PermissionDenied("only an admin can list invitations")
    org = get_org(session, who.org)
    rows = UserRepository(session).live_tokens_in_org(org.id, INVITATION, now())
    return [
        PendingInvitation(user.id, user.email, user.role, token.created_at, token.expires_at)
        for token, user in rows
        if user.password_hash is None
    ]


def status(session: Session, token: str) -> InvitationStatus:
    repository = UserRepository(session)
    row = repository.user_token(INVITATION, digest(str(token)))
    user = repository.get(row.user_id) if row is not None else None
    if row is None or user is None:
        raise NotFound("no such invitation")
    state = "accepted" if row.used_at is not None else "pending"
    if state == "pending" and row.expires_at <= now():
        state = "expired"
    return InvitationStatus(user.email, user.org.slug, user.role, state, row.expires_at)


def accept(session: Session, token: str, password: str, name: str | None) -> User:
    """Set the invited user's password and let it sign in."""
    passwords.check_rule(password)
    user = onetime.consume(session, INVITATION, token)
    if user.password_hash is not None:
        raise InvalidInput("the token is invalid or has expired")
    user.password_hash = passwords.hash_password(password)
    user.is_active = True
    user.email_verified_at = user.email_verified_at or now()
    if name:
        user.name = name.strip()[:200]
    session.flush()
    return user
