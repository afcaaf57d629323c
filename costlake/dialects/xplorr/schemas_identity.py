"""Xplorr bodies and answers of WebAuthn and SAML single sign-on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class RegistrationBody(BaseModel):
    credential: dict[str, Any] = Field(
        description="The browser's PublicKeyCredential from navigator.credentials.create(), "
        "as JSON (PublicKeyCredential.toJSON(): id, rawId, response, type)"
    )
    name: str | None = Field(default=None, max_length=200, description="A name for the key")


class AssertionBody(BaseModel):
    credential: dict[str, Any] = Field(
        description="The browser's PublicKeyCredential from navigator.credentials.get(), as JSON"
    )


class WebauthnCredentialOut(BaseModel):
    id: int
    name: str
    transports: list[str]
    backed_up: bool = Field(description="A synced passkey (backed up by its provider)")
    created_at: datetime
    last_used_at: datetime | None


class WebauthnCredentialPage(BaseModel):
    data: list[WebauthnCredentialOut]
    total: int
    page: int
    limit: int


class SsoCheckOut(BaseModel):
    sso_enabled: bool
    sso_required: bool = Field(description="Password log-in is refused for this domain")
    org_slug: str | None = None
    login_url: str | None = Field(default=None, description="GET it to start SAML sign-in")


class SsoConfigBody(BaseModel):
    domain: str | None = Field(default=None, max_length=253)
    idp_metadata_xml: str | None = Field(default=None, max_length=1_000_000)
    idp_metadata_url: str | None = Field(default=None, max_length=2048)
    default_role: str | None = Field(default=None, description="admin or member")
    enabled: bool | None = None
    enforced: bool | None = Field(default=None, description="Refuse password log-in")


class SsoConfigOut(BaseModel):
    configured: bool
    domain: str | None = None
    idp_entity_id: str | None = None
    idp_metadata_url: str | None = None
    default_role: str | None = None
    enabled: bool = False
    enforced: bool = False
    sp_entity_id: str | None = None
    acs_url: str | None = None
    sp_metadata_url: str | None = None
    updated_at: datetime | None = None
