"""WebAuthn credentials, server-side sign-in challenges and SAML single sign-on
configuration (migration 0013)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, LargeBinary, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from costlake.db.models import Base
from costlake.kit.clock import now


class WebauthnCredential(Base):
    """A security key or passkey of a user: the credential id the authenticator names it
    by (base64url), its COSE public key and the last signature counter it reported."""

    __tablename__ = "webauthn_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    credential_id: Mapped[str] = mapped_column(String(1400), unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    sign_count: Mapped[int] = mapped_column(BigInteger, default=0)
    name: Mapped[str] = mapped_column(String(200))
    transports: Mapped[list[str]] = mapped_column(JSON, default=list)
    aaguid: Mapped[str] = mapped_column(String(36))
    backed_up: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_used_at: Mapped[datetime | None]


class AuthChallenge(Base):
    """A single-use, expiring challenge a sign-in step handed out: a WebAuthn challenge
    (registration, passkey or second-factor authentication) or a SAML request in flight.
    Only its SHA-256 is stored; ``data`` carries what the step needs to finish (the SAML
    request id, the 2FA login challenge it completes)."""

    __tablename__ = "auth_challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    challenge_hash: Mapped[str] = mapped_column(String(64), unique=True)
    org_id: Mapped[int | None] = mapped_column(
        ForeignKey("orgs.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SsoConfig(Base):
    """An org's SAML identity provider: people of ``domain`` may sign in through it and
    are provisioned with ``default_role`` on their first sign-in. The IdP metadata (its
    certificate and endpoints) is public; it is kept encrypted all the same, like every
    credential-bearing configuration."""

    __tablename__ = "sso_configs"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), unique=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    idp_entity_id: Mapped[str] = mapped_column(String(1024))
    idp_metadata: Mapped[str] = mapped_column(Text)
    """The IdP's metadata XML, encrypted with the deployment's secret key (SecretBox)."""
    idp_metadata_url: Mapped[str | None] = mapped_column(String(2048))
    default_role: Mapped[str] = mapped_column(String(16), default="member")
    enabled: Mapped[bool] = mapped_column(default=True)
    enforced: Mapped[bool] = mapped_column(default=False, server_default=false())
    """People of ``domain`` must sign in through the IdP: password log-in is refused."""
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)
