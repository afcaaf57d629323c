"""Insights: an org's saved cost questions (a name, a description, filters and grouping).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05

``insights`` rows belong to an org (deleted with it); ids are strings (UUIDs), since
vendor APIs (CloudZero's ``/v2/insights/{insight_id}``) name them as strings. Filters and
group-by keys are stored as JSON in the core's vocabulary (FOCUS columns, ``tag:<key>``).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "insights",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("group_by", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_insights_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_insights"),
    )
    op.create_index("ix_insights_org_id_created_at", "insights", ["org_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_insights_org_id_created_at", "insights")
    op.drop_table("insights")
