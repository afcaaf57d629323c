"""Orgs may require two-factor authentication of the people who sign in.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch mode: on SQLite a batch copies ``orgs`` and drops the
    # old table, and with foreign keys on that drop deletes every row of every org.
    op.add_column(
        "orgs", sa.Column("require_2fa", sa.Boolean(), nullable=False, server_default=sa.false())
    )


def downgrade() -> None:
    op.drop_column("orgs", "require_2fa")  # SQLite 3.35+ drops a plain column in place
