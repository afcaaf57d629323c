"""Scheduled jobs: one lease row per job, so two processes never run the same job at once.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05

``job_leases`` holds, per job name, who runs it and until when (the lease), when it last
ran and how that went, how many times in a row it failed, and when it may be retried.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _timestamp(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=True)


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("holder", sa.String(255), nullable=True),
        _timestamp("lease_until"),
        _timestamp("last_run_at"),
        _timestamp("last_finished_at"),
        sa.Column("last_status", sa.String(16), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _timestamp("next_retry_at"),
        sa.PrimaryKeyConstraint("name", name="pk_job_leases"),
        sa.CheckConstraint(
            "last_status IN ('running', 'succeeded', 'failed')",
            name="ck_job_leases_last_status",
        ),
    )


def downgrade() -> None:
    op.drop_table("job_leases")
