"""Short-lived user-session tokens (JWT, HS256), for the console and Xplorr-style clients.

A token names the user and org and carries the session's scopes; it is signed with a key
derived from the deployment's secret key, so no token table is read per request. What a
token is worth is re-checked against the metadata database on use (the user must still
exist in that org), see :func:`costlake.auth.service.principal_for_session`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from costlake.errors import Unauthenticated
from costlake.kit.clock import now

ISSUER = "costlake"
ALGORITHM = "HS256"
DEFAULT_TTL = timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class SessionClaims:
    user_id: int
    org: str
    scopes: frozenset[str]
    expires_at: datetime
    session_id: str | None = None
    """The sign-in (refresh-token family) this token belongs to; revoking it ends the token."""
    key_id: int | None = None
    """The API key this token was exchanged for; revoking the key ends the token."""


class SessionTokens:
    """Issues and verifies access tokens under one signing key."""

    def __init__(self, secret: bytes, *, ttl: timedelta = DEFAULT_TTL) -> None:
        if len(secret) < 32:
            raise ValueError("the session signing key must be at least 32 bytes")
        self._key = hashlib.sha256(b"costlake session tokens\0" + secret).digest()
        self.ttl = ttl

    def issue(
        self,
        user_id: int,
        org: str,
        scopes: frozenset[str] | set[str],
        *,
        session_id: str | None = None,
        key_id: int | None = None,
    ) -> str:
        moment = now()
        claims: dict[str, object] = {
            "iss": ISSUER,
            "sub": str(user_id),
            "org": org,
            "scopes": sorted(scopes),
            "iat": int(moment.timestamp()),
            "exp": int((moment + self.ttl).timestamp()),
        }
        if session_id is not None:
            claims["sid"] = session_id
        if key_id is not None:
            claims["kid"] = key_id
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> SessionClaims:
        """The claims of a valid token; :class:`Unauthenticated` otherwise (expired, forged,
        altered, or not a token)."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=ISSUER,
                options={"require": ["exp", "sub", "iss"], "verify_exp": False},
            )
        except jwt.PyJWTError:
            raise Unauthenticated("the session token is invalid", reason="unknown") from None
        if claims["exp"] <= now().timestamp():
            raise Unauthenticated("the session token has expired", reason="expired")
        try:
            return SessionClaims(
                user_id=int(claims["sub"]),
                org=str(claims["org"]),
                scopes=frozenset(claims.get("scopes", ())),
                expires_at=datetime.fromtimestamp(claims["exp"], tz=now().tzinfo),
                session_id=str(claims["sid"]) if "sid" in claims else None,
                key_id=int(claims["kid"]) if "kid" in claims else None,
            )
        except (KeyError, TypeError, ValueError):
            raise Unauthenticated("the session token is invalid", reason="unknown") from None
