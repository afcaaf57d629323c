"""Users: create, list, find, set a password, change a role, deactivate.

Functions stage changes in the caller's session and never commit (the caller's unit of
work does). Deactivating a user ends its sign-ins and, through
:func:`costlake.auth.service.principal_for_key`, stops its keys at once.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from costlake.db.models import User
from costlake.errors import InvalidInput, NotFound
from costlake.kit.clock import now
from costlake.orgs.service import get_or_create_org, get_or_create_user, get_org
from costlake.users.passwords import hash_password
from costlake.users.repository import UserRepository
from costlake.users.schemas import Role


def parse_role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(f"invalid role {role!r}: use admin or member") from None


def create_user(
    session: Session,
    org_slug: str,
    email: str,
    *,
    role: str = "member",
    password: str | None = None,
    name: str | None = None,
    verified: bool = False,
) -> User:
    """A new user of ``org_slug`` (the org is created on first use). An e-mail that the org
    already has is refused unless that user has no password yet (a grants-only user
    becomes one who can sign in)."""
    chosen = parse_role(role)
    password_hash = hash_password(password) if password is not None else None
    org = get_or_create_org(session, org_slug)
    user = get_or_create_user(session, org, email, name)
    if user.password_hash is not None:
        raise InvalidInput(f"org {org.slug!r} already has a user {user.email!r}")
    user.role = chosen.value
    user.password_hash = password_hash
    user.is_active = True
    if verified and user.email_verified_at is None:
        user.email_verified_at = now()
    session.flush()
    return user


def list_users(session: Session, org_slug: str) -> Sequence[User]:
    return UserRepository(session).in_org(get_org(session, org_slug).id)


def find_user(session: Session, org_slug: str, email_or_id: str | int) -> User:
    """A user of the org by id or e-mail; :class:`NotFound` otherwise (also for a user of
    another org)."""
    org = get_org(session, org_slug)
    reference = str(email_or_id).strip().lower()
    for user in UserRepository(session).in_org(org.id):
        if str(user.id) == reference or user.email == reference:
            return user
    raise NotFound(f"no user {reference!r} in org {org.slug!r}")


def get_user(session: Session, user_id: int) -> User:
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Set a new password and end every sign-in of the user (a reset or an operator's
    change means the old sessions should not outlive the old password)."""
    user.password_hash = hash_password(password)
    UserRepository(session).revoke_families(now(), user_id=user.id)
    session.flush()


def deactivate(session: Session, user: User) -> None:
    """The user can no longer sign in; its sessions, tokens and keys stop working."""
    user.is_active = False
    UserRepository(session).revoke_families(now(), user_id=user.id)
    session.flush()
