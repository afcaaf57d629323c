"""Budgets, saved views and budget notifications sent.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05

Three new tables, each row of an org (deleted with it). ``budget_notifications`` has one
row per (budget, threshold, period) ever notified; its unique constraint keeps a threshold
from being mailed twice in one period, across restarts and workers.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "views",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_views_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_views"),
    )
    op.create_index("ix_views_org_id_created_at", "views", ["org_id", "created_at"])
    op.create_table(
        "budgets",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("amount", sa.String(64), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("view_id", sa.String(36), nullable=True),
        sa.Column("notifications", sa.JSON(), nullable=False),
        sa.Column("account_ids", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "period IN ('monthly', 'quarterly', 'annual')", name="ck_budgets_period"
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_budgets_org_id_orgs", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["view_id"], ["views.id"], name="fk_budgets_view_id_views"),
        sa.PrimaryKeyConstraint("id", name="pk_budgets"),
    )
    op.create_index("ix_budgets_org_id_created_at", "budgets", ["org_id", "created_at"])
    op.create_index("ix_budgets_view_id", "budgets", ["view_id"])
    op.create_table(
        "budget_notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("budget_id", sa.String(36), nullable=False),
        sa.Column("threshold", sa.String(64), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("actual", sa.String(64), nullable=False),
        sa.Column("forecast", sa.String(64), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["org_id"],
            ["orgs.id"],
            name="fk_budget_notifications_org_id_orgs",
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.ForeignKeyConstraint(
            ["budget_id"],
            ["budgets.id"],
            name="fk_budget_notifications_budget_id_budgets",
            ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name="pk_budget_notifications"),
        sa.UniqueConstraint(
            "budget_id",
            "threshold",
            "period_start",
            name="uq_budget_notifications_budget_id_threshold_period_start",
        ),  # fmt: skip
    )
    op.create_index("ix_budget_notifications_org_id", "budget_notifications", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_budget_notifications_org_id", "budget_notifications")
    op.drop_table("budget_notifications")
    op.drop_index("ix_budgets_view_id", "budgets")
    op.drop_index("ix_budgets_org_id_created_at", "budgets")
    op.drop_table("budgets")
    op.drop_index("ix_views_org_id_created_at", "views")
    op.drop_table("views")
