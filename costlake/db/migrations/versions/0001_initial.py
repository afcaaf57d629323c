"""Initial schema: orgs, cloud accounts, users and their account grants, API keys.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Written by hand, not imported from the models: a migration must keep meaning what it
meant when it shipped, whatever the models become later.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "orgs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(63), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_orgs"),
        sa.UniqueConstraint("slug", name="uq_orgs_slug"),
    )
    op.create_table(
        "cloud_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("account_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=True),
        sa.Column("parent_account_id", sa.String(255), nullable=True),
        _timestamp("first_seen"),
        _timestamp("last_seen"),
        sa.PrimaryKeyConstraint("id", name="pk_cloud_accounts"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_cloud_accounts_org_id_orgs", ondelete="CASCADE"
        ),
        sa.UniqueConstraint(
            "org_id", "provider", "account_id", name="uq_cloud_accounts_org_id_provider_account_id"
        ),
        sa.CheckConstraint("kind IN ('billing', 'sub')", name="ck_cloud_accounts_kind"),
    )
    op.create_index("ix_cloud_accounts_org_id", "cloud_accounts", ["org_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("name", sa.String(200), nullable=True),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_users_org_id_orgs", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("org_id", "email", name="uq_users_org_id_email"),
    )
    op.create_index("ix_users_org_id", "users", ["org_id"])
    op.create_table(
        "user_account_grants",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cloud_account_id", sa.Integer(), nullable=False),
        _timestamp("created_at"),
        sa.PrimaryKeyConstraint("user_id", "cloud_account_id", name="pk_user_account_grants"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_user_account_grants_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cloud_account_id"],
            ["cloud_accounts.id"],
            name="fk_user_account_grants_cloud_account_id_cloud_accounts",
            ondelete="CASCADE",
        ),
    )
    op.create_index(
        "ix_user_account_grants_cloud_account_id", "user_account_grants", ["cloud_account_id"]
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("style", sa.String(16), nullable=False),
        sa.Column("prefix", sa.String(32), nullable=False),
        sa.Column("lookup", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(255), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=False),
        _timestamp("created_at"),
        _timestamp("last_used_at", nullable=True),
        _timestamp("expires_at", nullable=True),
        _timestamp("revoked_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_keys"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_api_keys_org_id_orgs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_keys_user_id_users", ondelete="CASCADE"
        ),
        sa.CheckConstraint("style IN ('cloudexpat', 'xplorr', 'plain')", name="ck_api_keys_style"),
    )
    op.create_index("ix_api_keys_org_id", "api_keys", ["org_id"])
    op.create_index("ix_api_keys_user_id", "api_keys", ["user_id"])
    op.create_index("ix_api_keys_lookup", "api_keys", ["lookup"])


def downgrade() -> None:
    op.drop_table("api_keys")
    op.drop_table("user_account_grants")
    op.drop_table("users")
    op.drop_table("cloud_accounts")
    op.drop_table("orgs")
