"""Sign-in sessions: a short-lived access token (JWT) plus a rotating refresh token.

Each sign-in is a *family* of refresh tokens. Refreshing uses the presented token up
(stamped once, by a conditional UPDATE, so two racing refreshes cannot both win) and
issues the family's next one. A token presented after it was used means it was copied:
the whole family is revoked, so the thief and the victim both sign in again. Access
tokens name their family (``sid``) and die with it (see
:func:`costlake.auth.service.principal_for_session`).
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from costlake.audit.service import record_user_event
from costlake.auth.sessions import SessionTokens
from costlake.db.models import Org, RefreshToken, User
from costlake.db.models.identity import WebauthnCredential
from costlake.errors import Unauthenticated
from costlake.kit.clock import now
from costlake.users.repository import UserRepository
from costlake.users.schemas import TokenPair

REFRESH_TTL = timedelta(days=30)
SESSION_SCOPES = frozenset({"*"})
"""What a signed-in person may do is decided by role and account grants, not scopes."""
SETUP_ONLY = frozenset({"users:write"})
"""A person without 2FA in an org that requires it may only see itself and set 2FA up
(then sign in again); every refresh re-checks, so the rule reaches older sessions too."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _issue(session: Session, tokens: SessionTokens, user: User, family: str) -> TokenPair:
    refresh = secrets.token_urlsafe(32)
    moment = now()
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family,
            token_hash=digest(refresh),
            created_at=moment,
            expires_at=moment + REFRESH_TTL,
        )
    )
    session.flush()
    org = session.get(Org, user.org_id)
    assert org is not None, "a user's org cascades with it"
    without_2fa = org.require_2fa and user.totp_enabled_at is None and not _has_key(session, user)
    scopes = SETUP_ONLY if without_2fa else SESSION_SCOPES
    access = tokens.issue(user.id, org.slug, scopes, session_id=family)
    ttl = int(tokens.ttl.total_seconds())
    return TokenPair(access, refresh, ttl, family, user, setup_only=scopes == SETUP_ONLY)


def _has_key(session: Session, user: User) -> bool:
    """A security key is a second factor too (``costlake.users.webauthn``)."""
    key = select(WebauthnCredential.id).where(WebauthnCredential.user_id == user.id).limit(1)
    return session.scalar(key) is not None


def start_session(
    session: Session, tokens: SessionTokens, user: User, how: str = "password"
) -> TokenPair:
    """A new sign-in of ``user`` (``how``: password, totp, webauthn, saml, sign-up,
    invitation), recorded in the org's audit log as ``auth.sign_in``."""
    record_user_event(session, user, "auth.sign_in", how)
    return _issue(session, tokens, user, str(uuid.uuid4()))


def refresh(session: Session, tokens: SessionTokens, refresh_token: str) -> TokenPair:
    """The next tokens of the sign-in ``refresh_token`` belongs to. A reused token
    revokes its family; the caller must commit even then (use :func:`refresh_or_revoke`)."""
    repository = UserRepository(session)
    row = repository.refresh_by_hash(digest(refresh_token))
    if row is None:
        raise Unauthenticated("the refresh token is invalid", reason="unknown")
    moment = now()
    if row.revoked_at is not None:
        raise Unauthenticated("the refresh token was revoked", reason="revoked")
    if row.expires_at <= moment:
        raise Unauthenticated("the refresh token has expired", reason="expired")
    if row.used_at is not None or not repository.mark_used(row.id, moment):
        repository.revoke_families(moment, family_id=row.family_id)
        raise Unauthenticated(
            "the refresh token was already used: this sign-in is revoked everywhere",
            reason="revoked",
        )
    user = repository.get(row.user_id)
    if user is None or not user.is_active:
        raise Unauthenticated("the user is deactivated", reason="revoked")
    return _issue(session, tokens, user, row.family_id)


def end_session(session: Session, refresh_token: str) -> None:
    """Sign out: revoke the family of ``refresh_token`` (nothing for an unknown token)."""
    row = UserRepository(session).refresh_by_hash(digest(refresh_token))
    if row is not None:
        UserRepository(session).revoke_families(now(), family_id=row.family_id)


def end_family(session: Session, family_id: str) -> None:
    UserRepository(session).revoke_families(now(), family_id=family_id)


def end_other_sessions(session: Session, user: User, keep: str | None) -> None:
    """Revoke every sign-in of ``user`` but ``keep``."""
    UserRepository(session).revoke_families(now(), user_id=user.id, keep_family=keep)
