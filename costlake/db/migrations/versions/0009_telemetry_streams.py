"""Unit-metric telemetry and allocation streams.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05

``telemetry_streams`` (per org, kind ``metric`` or ``allocation``, unique name per kind)
and their ``telemetry_records`` (one value per period, granularity and label map), both
deleted with their org. New tables only: no existing table changes.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telemetry_streams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("target", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('metric', 'allocation')", name="ck_telemetry_streams_kind"),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_telemetry_streams_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_telemetry_streams"),
        sa.UniqueConstraint("org_id", "kind", "name", name="uq_telemetry_streams_org_id_kind_name"),
    )
    op.create_table(
        "telemetry_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stream_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granularity", sa.String(8), nullable=False),
        sa.Column("labels_key", sa.String(64), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("value", sa.String(48), nullable=False),
        sa.CheckConstraint(
            "granularity IN ('HOURLY', 'DAILY', 'MONTHLY')",
            name="ck_telemetry_records_granularity",
        ),
        sa.ForeignKeyConstraint(
            ["stream_id"],
            ["telemetry_streams.id"],
            name="fk_telemetry_records_stream_id_telemetry_streams",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_telemetry_records"),
        sa.UniqueConstraint(
            "stream_id",
            "period_start",
            "granularity",
            "labels_key",
            name="uq_telemetry_records_record",
        ),
    )


def downgrade() -> None:
    op.drop_table("telemetry_records")
    op.drop_table("telemetry_streams")
