"""WebAuthn credentials, server-side sign-in challenges and SAML SSO configuration.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def _fk(table: str, column: str, parent: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{parent}.id"], name=f"fk_{table}_{column}_{parent}", ondelete="CASCADE"
    )


def upgrade() -> None:
    # New tables only: the parents (orgs, users) are never copied (no batch mode).
    op.create_table(
        "webauthn_credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.String(1400), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("transports", sa.JSON(), nullable=False),
        sa.Column("aaguid", sa.String(36), nullable=False),
        sa.Column("backed_up", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("last_used_at", TS, nullable=True),
        _fk("webauthn_credentials", "org_id", "orgs"),
        _fk("webauthn_credentials", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_webauthn_credentials"),
        sa.UniqueConstraint("credential_id", name="uq_webauthn_credentials_credential_id"),
    )
    op.create_index("ix_webauthn_credentials_org_id", "webauthn_credentials", ["org_id"])
    op.create_index("ix_webauthn_credentials_user_id", "webauthn_credentials", ["user_id"])
    op.create_table(
        "auth_challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("challenge_hash", sa.String(64), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.Column("used_at", TS, nullable=True),
        _fk("auth_challenges", "org_id", "orgs"),
        _fk("auth_challenges", "user_id", "users"),
        sa.PrimaryKeyConstraint("id", name="pk_auth_challenges"),
        sa.UniqueConstraint("challenge_hash", name="uq_auth_challenges_challenge_hash"),
    )
    op.create_index("ix_auth_challenges_org_id", "auth_challenges", ["org_id"])
    op.create_index("ix_auth_challenges_user_id", "auth_challenges", ["user_id"])
    op.create_table(
        "sso_configs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(253), nullable=False),
        sa.Column("idp_entity_id", sa.String(1024), nullable=False),
        sa.Column("idp_metadata", sa.Text(), nullable=False),
        sa.Column("idp_metadata_url", sa.String(2048), nullable=True),
        sa.Column("default_role", sa.String(16), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("enforced", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _fk("sso_configs", "org_id", "orgs"),
        sa.PrimaryKeyConstraint("id", name="pk_sso_configs"),
        sa.UniqueConstraint("org_id", name="uq_sso_configs_org_id"),
        sa.UniqueConstraint("domain", name="uq_sso_configs_domain"),
    )


def downgrade() -> None:
    op.drop_table("sso_configs")
    for table in ("auth_challenges", "webauthn_credentials"):
        op.drop_index(f"ix_{table}_user_id", table)
        op.drop_index(f"ix_{table}_org_id", table)
        op.drop_table(table)
