"""Single-use, expiring tokens: e-mail verification, password reset, 2FA login challenge.

Only a SHA-256 of each token is stored. Issuing a token of a purpose voids the user's
earlier unused ones of that purpose, so only the newest link in a mailbox works.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy.orm import Session

from costlake.db.models import User, UserToken
from costlake.errors import InvalidInput
from costlake.kit.clock import now
from costlake.users.repository import UserRepository
from costlake.users.sessions import digest

VERIFY_EMAIL = "verify_email"
RESET_PASSWORD = "reset_password"
LOGIN_CHALLENGE = "login_challenge"
INVITATION = "invitation"
TTL = {
    INVITATION: timedelta(days=7),
    VERIFY_EMAIL: timedelta(days=2),
    RESET_PASSWORD: timedelta(hours=1),
    LOGIN_CHALLENGE: timedelta(minutes=5),
}
MAX_ATTEMPTS = 5
"""Wrong codes a login challenge survives; then the password must be entered again."""


def issue(session: Session, user: User, purpose: str) -> str:
    moment = now()
    UserRepository(session).expire_user_tokens(user.id, purpose, moment)
    token = secrets.token_urlsafe(32)
    session.add(
        UserToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=digest(token),
            created_at=moment,
            expires_at=moment + TTL[purpose],
        )
    )
    session.flush()
    return token


def find(session: Session, purpose: str, token: str) -> UserToken:
    """The live token row; :class:`InvalidInput` for an unknown, used or expired token
    (one message for all three: the caller learns nothing about which)."""
    row = UserRepository(session).user_token(purpose, digest(str(token)))
    if row is None or row.used_at is not None or row.expires_at <= now():
        raise InvalidInput("the token is invalid or has expired")
    return row


def consume(session: Session, purpose: str, token: str) -> User:
    """Use the token up and return its user."""
    row = find(session, purpose, token)
    row.used_at = now()
    session.flush()
    user = UserRepository(session).get(row.user_id)
    assert user is not None, "a token's user cascades with it"
    return user
