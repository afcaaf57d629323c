"""Single-use, expiring challenges of sign-in steps that may have no user yet: WebAuthn
challenges and SAML requests in flight (``auth_challenges``).

Only a SHA-256 of the challenge is stored. :func:`take` uses a challenge up whether or
not the step it guards then succeeds: a challenge is never accepted twice.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from costlake.db.models.identity import AuthChallenge
from costlake.errors import InvalidInput
from costlake.kit.clock import now

WEBAUTHN_REGISTER = "webauthn_register"
WEBAUTHN_SIGNIN = "webauthn_signin"
WEBAUTHN_2FA = "webauthn_2fa"
SAML_REQUEST = "saml_request"
TTL = {
    WEBAUTHN_REGISTER: timedelta(minutes=5),
    WEBAUTHN_SIGNIN: timedelta(minutes=5),
    WEBAUTHN_2FA: timedelta(minutes=5),
    SAML_REQUEST: timedelta(minutes=10),
}
STALE = timedelta(days=1)


def digest(challenge: bytes) -> str:
    return hashlib.sha256(challenge).hexdigest()


def store(
    session: Session, purpose: str, challenge: bytes, *, org_id: int | None = None,
    user_id: int | None = None, data: dict[str, Any] | None = None,
) -> AuthChallenge:  # fmt: skip
    """Remember ``challenge`` for :data:`TTL` (and forget challenges long dead)."""
    moment = now()
    session.execute(delete(AuthChallenge).where(AuthChallenge.expires_at < moment - STALE))
    row = AuthChallenge(
        purpose=purpose,
        challenge_hash=digest(challenge),
        org_id=org_id,
        user_id=user_id,
        data=data or {},
        created_at=moment,
        expires_at=moment + TTL[purpose],
    )
    session.add(row)
    session.flush()
    return row


def take(session: Session, purposes: tuple[str, ...], challenge: bytes) -> AuthChallenge:
    """The live challenge, now used up; :class:`InvalidInput` (one message) for an unknown,
    used or expired one."""
    row = session.scalar(
        select(AuthChallenge).where(AuthChallenge.challenge_hash == digest(challenge))
    )
    if row is None or row.purpose not in purposes or row.used_at is not None:
        raise InvalidInput("the challenge is unknown, used or expired: ask for a new one")
    if row.expires_at <= now():
        raise InvalidInput("the challenge is unknown, used or expired: ask for a new one")
    row.used_at = now()
    session.flush()
    return row
