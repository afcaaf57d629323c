"""People's API tokens: list, create (bound to the creator, within its scopes), revoke.

A token made by a signed-in person belongs to that person: it carries the person's
account grants, and stops when the person is deactivated. An admin sees and revokes the
org's tokens; a member only its own (another's is :class:`NotFound`, as if absent).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.auth.scopes import grants, validate_scopes
from costlake.db.models import ApiKey, User
from costlake.errors import NotFound, PermissionDenied
from costlake.keys.service import create_key, list_keys, revoke_key
from costlake.keys.styles import StyleSpec
from costlake.users.repository import UserRepository


def visible_tokens(session: Session, who: Principal) -> Sequence[ApiKey]:
    keys = list_keys(session, who.org)
    return keys if who.is_admin else [k for k in keys if k.user_id == who.user_id]


def create_token(
    session: Session,
    who: Principal,
    name: str,
    scopes: Iterable[str],
    style: StyleSpec,
    expires_at: datetime | None,
) -> tuple[ApiKey, str]:
    """A token of ``who``'s user (org-wide for an org-wide credential) with ``scopes``,
    which ``who`` must hold itself: a token never grants more than its maker has."""
    wanted = validate_scopes(scopes)
    beyond = [s for s in wanted if not all(grants(who.scopes, x) for x in _expand(s))]
    if beyond:
        raise PermissionDenied(f"you cannot grant scopes you do not hold: {', '.join(beyond)}")
    user: User | None = None
    if who.user_id is not None:
        user = UserRepository(session).get(who.user_id)
    return create_key(session, who.org, name, wanted, style, expires_at=expires_at, user=user)


def _expand(scope: str) -> list[str]:
    return ["*"] if scope == "*" else [scope]


def revoke_token(session: Session, who: Principal, key_id: int) -> ApiKey:
    org_keys = {k.id: k for k in visible_tokens(session, who)}
    if key_id not in org_keys:
        raise NotFound(f"no token {key_id}")
    return revoke_key(session, who.org, key_id)


__all__ = ["create_token", "revoke_token", "visible_tokens"]
