"""Key styles belong to the dialects that register them; rate-limit counters shared by processes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05

- ``api_keys.style`` loses its CHECK: a dialect registers its key shape at start-up, so a new
  vendor's key shape needs no schema change (the registry refuses unknown styles instead).
- ``rate_limit_counters``: one row per (key, fixed window), so every server process on one
  metadata database counts the same requests, and a restart does not reset them.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("ck_api_keys_style", type_="check")
        batch.alter_column("style", existing_type=sa.String(16), type_=sa.String(32))
    op.create_table(
        "rate_limit_counters",
        sa.Column("bucket", sa.String(255), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "window_start", name="pk_rate_limit_counters"),
    )
    op.create_index("ix_rate_limit_counters_window_start", "rate_limit_counters", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_rate_limit_counters_window_start", "rate_limit_counters")
    op.drop_table("rate_limit_counters")
    with op.batch_alter_table("api_keys") as batch:
        batch.alter_column("style", existing_type=sa.String(32), type_=sa.String(16))
        batch.create_check_constraint("style", "style IN ('cloudexpat', 'xplorr', 'plain')")
