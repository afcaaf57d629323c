"""The people of an org as a signed-in person sees them: an admin sees and manages
everyone; a member sees and edits only itself (anyone else is :class:`NotFound`)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.db.models import User
from costlake.errors import InvalidInput, NotFound, PermissionDenied
from costlake.users.service import deactivate, list_users, parse_role


def visible(session: Session, who: Principal) -> Sequence[User]:
    people = list_users(session, who.org)
    return people if who.is_admin else [u for u in people if u.id == who.user_id]


def get_person(session: Session, who: Principal, user_id: int) -> User:
    for user in visible(session, who):
        if user.id == user_id:
            return user
    raise NotFound(f"no user {user_id}")


def _other_active_admins(session: Session, who: Principal, user: User) -> bool:
    return any(
        u.id != user.id and u.role == "admin" and u.is_active for u in list_users(session, who.org)
    )


def update_person(
    session: Session, who: Principal, user_id: int, *, name: str | None, role: str | None
) -> User:
    """A new name (oneself, or an admin for anyone) or role (admins only; the org keeps
    at least one active admin)."""
    user = get_person(session, who, user_id)
    if role is not None and role != user.role:
        chosen = parse_role(role)
        if not who.is_admin:
            raise PermissionDenied("only an admin can change roles")
        if user.role == "admin" and not _other_active_admins(session, who, user):
            raise InvalidInput("the org's last admin cannot stop being admin")
        user.role = chosen.value
    if name is not None:
        user.name = name.strip()[:200] or None
    session.flush()
    return user


def deactivate_person(session: Session, who: Principal, user_id: int) -> User:
    if not who.is_admin:
        raise PermissionDenied("only an admin can deactivate people")
    user = get_person(session, who, user_id)
    if user.role == "admin" and not _other_active_admins(session, who, user):
        raise InvalidInput("the org's last admin cannot be deactivated")
    deactivate(session, user)
    return user
