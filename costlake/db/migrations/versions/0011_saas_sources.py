"""SaaS cost sources: a vendor billing API per row, its encrypted credentials, schedule and
the outcome of its last sync.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saas_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(63), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("account", sa.String(255), nullable=False),
        sa.Column("base_url", sa.String(500), nullable=True),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("enabled", sa.Boolean(), server_default=sa.true(), nullable=False),
        sa.Column("every_hours", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status", sa.String(8), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_rows", sa.Integer(), nullable=True),
        sa.Column("last_days", sa.Integer(), nullable=True),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_through", sa.Date(), nullable=True),
        sa.CheckConstraint("last_status IN ('ok', 'error')", name="ck_saas_sources_last_status"),
        sa.CheckConstraint("every_hours > 0", name="ck_saas_sources_every_hours"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_saas_sources_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_saas_sources"),
        sa.UniqueConstraint("org_id", "name", name="uq_saas_sources_org_id_name"),
    )
    op.create_index("ix_saas_sources_org_id", "saas_sources", ["org_id"])


def downgrade() -> None:
    op.drop_index("ix_saas_sources_org_id", "saas_sources")
    op.drop_table("saas_sources")
