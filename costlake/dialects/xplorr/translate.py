"""Pure functions: core users, sessions and keys -> Xplorr's shapes."""

from __future__ import annotations

from typing import Any

from costlake.db.models import ApiKey, User
from costlake.users.invitations import InvitationStatus
from costlake.users.schemas import Challenge, TokenPair


def user(u: User) -> dict[str, Any]:
    return {
        "id": u.id,
        "email": u.email,
        "name": u.name,
        "role": u.role,
        "is_active": u.is_active,
        "email_verified": u.email_verified_at is not None,
        "two_factor_enabled": u.totp_enabled_at is not None,
        "organization": {"slug": u.org.slug, "name": u.org.name},
        "created_at": u.created_at.isoformat(),
    }


def tokens(pair: TokenPair) -> dict[str, Any]:
    return {
        "access_token": pair.access_token,
        "refresh_token": pair.refresh_token,
        "token_type": "Bearer",
        "expires_in": pair.expires_in,
        "two_factor_setup_required": pair.setup_only,
        "user": user(pair.user),
    }


def login(result: TokenPair | Challenge) -> dict[str, Any]:
    if isinstance(result, Challenge):
        return {
            "requires_2fa": True,
            "challenge_token": result.challenge_token,
            "expires_in": result.expires_in,
            "methods": list(result.methods),
        }
    return tokens(result)


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def api_token(key: ApiKey, emails: dict[int, str]) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "user_email": emails.get(key.user_id) if key.user_id is not None else None,
        "created_at": key.created_at.isoformat(),
        "last_used_at": _when(key.last_used_at),
        "expires_at": _when(key.expires_at),
        "revoked_at": _when(key.revoked_at),
    }


def invitation(found: InvitationStatus) -> dict[str, Any]:
    return {
        "email": found.email,
        "organization": found.organization,
        "role": found.role,
        "status": found.status,
        "expires_at": found.expires_at.isoformat(),
    }
