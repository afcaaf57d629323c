"""The users domain's types: roles, the tokens a sign-in yields, a 2FA challenge."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from costlake.db.models import User


class Role(StrEnum):
    ADMIN = "admin"
    MEMBER = "member"


@dataclass(frozen=True, slots=True)
class TokenPair:
    """A signed-in session: a short-lived access token (JWT) and the refresh token that
    renews it once. ``session_id`` names the sign-in (the refresh-token family)."""

    access_token: str
    refresh_token: str
    expires_in: int
    session_id: str
    user: User
    setup_only: bool = False
    """The org requires 2FA and the person has none: the session may only set it up."""


@dataclass(frozen=True, slots=True)
class Challenge:
    """The answer to a correct password of a user with 2FA: no tokens yet, a single-use
    challenge to present with a TOTP or recovery code."""

    challenge_token: str
    expires_in: int
    user: User
    methods: tuple[str, ...] = ("totp",)
    """The second factors the person has: ``totp`` (a code) and/or ``webauthn`` (a key)."""


@dataclass(frozen=True, slots=True)
class TotpSetup:
    secret: str
    otpauth_uri: str
    qr_png: bytes


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str
