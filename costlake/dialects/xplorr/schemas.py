"""Xplorr's request and response bodies (field names as the console sends and reads them)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class LoginBody(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)
    organization: str | None = Field(
        default=None, max_length=63, description="Org slug, when the e-mail is in several orgs"
    )


class SignupBody(BaseModel):
    email: str = Field(max_length=320, description="A business e-mail address")
    password: str = Field(max_length=1024)
    name: str | None = Field(default=None, max_length=200)
    organization_name: str | None = Field(default=None, max_length=200)


class RefreshBody(BaseModel):
    refresh_token: str = Field(max_length=200)


class EmailBody(BaseModel):
    email: str = Field(max_length=320)


class TokenBody(BaseModel):
    token: str = Field(max_length=200)


class ResetBody(BaseModel):
    token: str = Field(max_length=200)
    password: str = Field(max_length=1024)


class ChangePasswordBody(BaseModel):
    current_password: str = Field(max_length=1024)
    new_password: str = Field(max_length=1024)


class CodeBody(BaseModel):
    code: str = Field(max_length=64, description="A 6-digit TOTP code")


class TwoFactorBody(BaseModel):
    challenge_token: str = Field(max_length=200)
    code: str = Field(max_length=64, description="A TOTP code or an unused recovery code")


class CreateTokenBody(BaseModel):
    name: str = Field(max_length=200)
    scopes: list[str] = Field(default_factory=lambda: ["*"], max_length=50)
    expires_at: datetime | None = None


class InviteBody(BaseModel):
    email: str = Field(max_length=320)
    role: str = Field(default="member", description="admin or member")


class AcceptInvitationBody(BaseModel):
    token: str = Field(max_length=200)
    password: str = Field(max_length=1024)
    name: str | None = Field(default=None, max_length=200)


class InvitationOut(BaseModel):
    email: str
    organization: str
    role: str
    status: str = Field(description="pending, accepted or expired")
    expires_at: datetime | None = None


class Require2faBody(BaseModel):
    enabled: bool


class Require2faOut(BaseModel):
    require_2fa: bool


class UpdateUserBody(BaseModel):
    name: str | None = Field(default=None, max_length=200)
    role: str | None = Field(default=None, description="admin or member (admins only)")


class Organization(BaseModel):
    slug: str
    name: str


class UserOut(BaseModel):
    id: int
    email: str
    name: str | None
    role: str
    is_active: bool
    email_verified: bool
    two_factor_enabled: bool
    organization: Organization
    created_at: datetime


class UserPage(BaseModel):
    data: list[UserOut]
    total: int
    page: int
    limit: int


class TokensOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    two_factor_setup_required: bool = Field(
        default=False,
        description="The org requires 2FA: this session may only set it up (then sign in again)",
    )
    user: UserOut


class ChallengeOut(BaseModel):
    requires_2fa: bool = True
    challenge_token: str
    expires_in: int
    methods: list[str] = Field(
        default_factory=lambda: ["totp"],
        description="The person's second factors: totp (POST /auth/2fa/authenticate) and/or "
        "webauthn (GET /auth/webauthn/authenticate/options?challenge_token=...)",
    )


class MessageOut(BaseModel):
    message: str


class TwoFactorSetupOut(BaseModel):
    secret: str
    otpauth_url: str
    qr_code: str = Field(description="The otpauth URL as a PNG QR code, as a data: URI")


class TwoFactorConfirmOut(BaseModel):
    enabled: bool
    recovery_codes: list[str] = Field(default_factory=list)


class ApiToken(BaseModel):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    user_email: str | None
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class ApiTokenCreated(ApiToken):
    token: str = Field(description="The secret: shown this once, never again")


class ApiTokenPage(BaseModel):
    data: list[ApiToken]
    total: int
    page: int
    limit: int


class ExchangeOut(BaseModel):
    access_token: str
    token_type: str = "Bearer"
    expires_in: int


class ErrorDetail(BaseModel):
    code: str
    message: str
    status: int


class ErrorResponse(BaseModel):
    error: ErrorDetail
