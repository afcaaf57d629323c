"""Xplorr's bodies for account access, notification settings, the org and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

ID_MAX = 2**63 - 1
"""The largest id the metadata databases store (a 64-bit signed integer)."""


class CloudAccountOut(BaseModel):
    id: int = Field(description="The id grants name (`/users/:id/accounts/:accountId`)")
    provider: str
    account_id: str = Field(description="The provider's own account id")
    name: str | None
    kind: str = Field(description="billing or sub")


class CloudAccountPage(BaseModel):
    data: list[CloudAccountOut]
    total: int
    page: int
    limit: int


class GrantBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    account_ids: list[Annotated[int, Field(ge=1, le=ID_MAX)]] | None = Field(
        default=None, max_length=1000, description="Ids (as listed) of the accounts to grant"
    )
    account_id: int | None = Field(
        default=None, ge=1, le=ID_MAX, description="One account id to grant"
    )


class PendingInvitationOut(BaseModel):
    id: int = Field(description="The invited user's id")
    email: str
    role: str
    status: str = "pending"
    invited_at: datetime
    expires_at: datetime


class PendingInvitationPage(BaseModel):
    data: list[PendingInvitationOut]
    total: int
    page: int
    limit: int


class NotificationPreferences(BaseModel):
    email_anomalies: bool
    email_budget_alerts: bool
    email_weekly_digest: bool
    email_monthly_report: bool
    slack_anomalies: bool
    slack_budget_alerts: bool


class NotificationPreferencesBody(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    email_anomalies: bool | None = None
    email_budget_alerts: bool | None = None
    email_weekly_digest: bool | None = None
    email_monthly_report: bool | None = None
    slack_anomalies: bool | None = None
    slack_budget_alerts: bool | None = None


class OrganizationOut(BaseModel):
    id: int
    slug: str
    name: str
    require_2fa: bool
    created_at: datetime


class RenameBody(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class LakeStats(BaseModel):
    sources: list[str]
    partitions: int
    rows: int
    first_period: str | None
    last_period: str | None
    last_ingest_at: datetime | None


class OrganizationStats(BaseModel):
    users: int
    active_users: int
    admins: int
    pending_invitations: int
    api_tokens: int
    cloud_accounts: int
    audit_entries: int
    data: LakeStats


class ClosedOrganization(BaseModel):
    closed: bool = True
    organization: dict[str, str]
    deleted: dict[str, object] = Field(
        description="metadata: rows deleted per table; lake: partitions, rows, files, sources"
    )


class AuditEntryOut(BaseModel):
    id: int
    action: str
    user_email: str | None
    actor: str = Field(description="The e-mail, the API key's name, or cli:<os user>")
    actor_type: str = Field(description="user, api_key, cli or anonymous")
    method: str | None
    target: str
    ip_address: str | None
    status: int | None
    created_at: datetime


class AuditPage(BaseModel):
    data: list[AuditEntryOut]
    total: int
    page: int
    limit: int


class AuditActions(BaseModel):
    data: list[str]
