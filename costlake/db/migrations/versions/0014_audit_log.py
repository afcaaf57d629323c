"""The audit log and notification preferences.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05

``audit_log`` rows belong to an org (deleted with it); an entry outlives the person who
made it (``user_id`` set to NULL, the e-mail kept). ``notification_preferences`` holds one
row per person who changed the defaults.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    # New tables only: the parents (orgs, users) are never copied (no batch mode).
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor_kind", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_email", sa.String(320), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(128), nullable=False),
        sa.Column("method", sa.String(8), nullable=True),
        sa.Column("target", sa.String(1024), nullable=False),
        sa.Column("address", sa.String(64), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_audit_log_org_id_orgs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_audit_log_user_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_org_id_id", "audit_log", ["org_id", "id"])
    op.create_index("ix_audit_log_org_id_action", "audit_log", ["org_id", "action"])
    op.create_index("ix_audit_log_org_id_at", "audit_log", ["org_id", "at"])
    op.create_table(
        "notification_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_notification_preferences_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
            name="fk_notification_preferences_org_id_orgs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name="pk_notification_preferences"),
    )
    op.create_index("ix_notification_preferences_org_id", "notification_preferences", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_notification_preferences_org_id", "notification_preferences")
    op.drop_table("notification_preferences")
    op.drop_index("ix_audit_log_org_id_at", "audit_log")
    op.drop_index("ix_audit_log_org_id_action", "audit_log")
    op.drop_index("ix_audit_log_org_id_id", "audit_log")
    op.drop_table("audit_log")
