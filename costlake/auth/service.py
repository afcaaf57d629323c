"""Credentials -> :class:`Principal`: the one place that decides what a caller may see.

Each function stages nothing but the key's ``last_used_at`` touch; the caller's unit of
work commits.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from costlake.accounts.service import list_accounts
from costlake.auth.principals import Principal, PrincipalKind
from costlake.auth.scopes import registered
from costlake.auth.sessions import SessionTokens
from costlake.db.models import ApiKey, Org, RefreshToken, User
from costlake.errors import Unauthenticated
from costlake.keys.service import authenticate, refusal
from costlake.orgs.service import get_org


def _granted(session: Session, org: Org, user: User | None) -> tuple[str, ...] | None:
    """The isolation rule: an org-wide credential sees every account (None); one bound to a
    user sees only the accounts granted to that user, which may be none (an empty tuple)."""
    if user is None:
        return None
    return tuple(a.account_id for a in list_accounts(session, org, user))


def principal_for_key(session: Session, secret: str) -> Principal | None:
    """The principal an API key stands for; None for a key nobody issued, and
    :class:`Unauthenticated` with reason "revoked" or "expired" for a key that was."""
    key = authenticate(session, secret)
    if key is None:
        why = refusal(session, secret)
        if why == "unknown":
            return None
        raise Unauthenticated(f"the API key was {why}", reason=why)
    if key.user is not None and not key.user.is_active:
        raise Unauthenticated("the API key's user is deactivated", reason="revoked")
    return Principal(
        kind=PrincipalKind.API_KEY,
        org=key.org.slug,
        name=key.name,
        scopes=key.scopes,
        account_ids=_granted(session, key.org, key.user),
        key_id=key.key_id,
        user_id=key.user.id if key.user is not None else None,
        role=key.user.role if key.user is not None else None,
        expires_at=key.expires_at,
        api_access=key.org.api_access,
    )


def principal_for_session(session: Session, tokens: SessionTokens, token: str) -> Principal:
    """The principal of a valid session token whose user still belongs to its org, is
    active, and whose sign-in (or exchanged key) was not revoked since."""
    claims = tokens.verify(token)
    user = session.scalars(
        select(User).where(User.id == claims.user_id).options(joinedload(User.org))
    ).one_or_none()
    if user is None or user.org.slug != claims.org:
        raise Unauthenticated("the session's user no longer exists", reason="unknown")
    if not user.is_active:
        raise Unauthenticated("the session's user is deactivated", reason="revoked")
    if claims.session_id is not None and not session_alive(session, claims.session_id):
        raise Unauthenticated("the session was signed out", reason="revoked")
    if claims.key_id is not None:
        key = session.get(ApiKey, claims.key_id)
        if key is None or key.revoked_at is not None:
            raise Unauthenticated("the API key this token came from was revoked", reason="revoked")
    return Principal(
        kind=PrincipalKind.USER_SESSION,
        org=user.org.slug,
        name=user.email,
        scopes=claims.scopes,
        account_ids=_granted(session, user.org, user),
        user_id=user.id,
        role=user.role,
        session_id=claims.session_id,
        key_id=claims.key_id,
        expires_at=claims.expires_at,
        api_access=user.org.api_access,
    )


def session_alive(session: Session, family_id: str) -> bool:
    """Whether the sign-in ``family_id`` still has a token that was not revoked."""
    row = session.scalars(
        select(RefreshToken.id).where(
            RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None)
        )
    ).first()
    return row is not None


def anonymous_principal(session: Session, org_slug: str) -> Principal:
    """An operator-allowed anonymous reader of ``org_slug`` (the whole org, read scopes)."""
    org = get_org(session, org_slug)
    reads = frozenset(s.name for s in registered() if s.name.endswith(":read"))
    return Principal(
        kind=PrincipalKind.ANONYMOUS,
        org=org.slug,
        name="anonymous",
        scopes=reads,
        account_ids=None,
        api_access=org.api_access,
    )
