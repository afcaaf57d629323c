"""Custom anomaly monitors.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05

One new table, each row of an org (deleted with it): the monitors an org added to the two
built into the anomaly engine, unique by name within the org.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anomaly_monitors",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("dimensions", sa.JSON(), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_anomaly_monitors_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_anomaly_monitors"),
        sa.UniqueConstraint("org_id", "name", name="uq_anomaly_monitors_org_id_name"),
    )


def downgrade() -> None:
    op.drop_table("anomaly_monitors")
