"""The credentials epoch, so cached credentials notice a revocation at once; an org's
API access switch.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "credential_epoch",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credential_epoch")),
    )
    op.bulk_insert(table, [{"id": 1, "value": 0}])
    # Plain ADD COLUMN, never batch mode (a batch copy of ``orgs`` on SQLite cascades).
    op.add_column(
        "orgs", sa.Column("api_access", sa.Boolean(), nullable=False, server_default=sa.true())
    )


def downgrade() -> None:
    op.drop_column("orgs", "api_access")
    op.drop_table("credential_epoch")
