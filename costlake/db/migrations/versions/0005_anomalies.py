"""Anomalies: one row per anomaly episode of an org's daily cost series, with its feedback.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05

Costs are exact decimals stored as text (SQLite has no decimal type). Rows are found by
(org, monitor, series) when a detection run re-evaluates days, and by (org, detected
date) when listed.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "anomalies",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("monitor", sa.String(64), nullable=False),
        sa.Column("series_key", sa.String(1024), nullable=False),
        sa.Column("provider_type", sa.String(64), nullable=False),
        sa.Column("service", sa.String(255), nullable=True),
        sa.Column("sub_account_id", sa.String(255), nullable=True),
        sa.Column("currency", sa.String(16), nullable=True),
        sa.Column("alert_type", sa.String(16), nullable=False),
        sa.Column("severity", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("detected_date", sa.Date(), nullable=False),
        sa.Column("expected_cost", sa.String(64), nullable=False),
        sa.Column("actual_cost", sa.String(64), nullable=False),
        sa.Column("deviation_percent", sa.Float(), nullable=True),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("status_changed_by", sa.String(320), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "alert_type IN ('spend_spike', 'spend_drop', 'new_service')",
            name="ck_anomalies_alert_type",
        ),
        sa.CheckConstraint(
            "severity IN ('low', 'medium', 'high', 'critical')", name="ck_anomalies_severity"
        ),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'resolved', 'false_positive', 'dismissed')",
            name="ck_anomalies_status",
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["orgs.id"], name="fk_anomalies_org_id_orgs", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_anomalies"),
    )
    op.create_index("ix_anomalies_org_id_series", "anomalies", ["org_id", "monitor", "series_key"])
    op.create_index("ix_anomalies_org_id_detected_date", "anomalies", ["org_id", "detected_date"])


def downgrade() -> None:
    op.drop_index("ix_anomalies_org_id_detected_date", "anomalies")
    op.drop_index("ix_anomalies_org_id_series", "anomalies")
    op.drop_table("anomalies")
