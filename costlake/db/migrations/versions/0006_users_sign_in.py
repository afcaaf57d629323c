"""Users sign in: password hashes, roles, an active flag, e-mail verification and TOTP on
``users``; rotating refresh tokens; single-use tokens (e-mail verification, password
reset, the second step of a 2FA sign-in).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Existing users keep working unchanged: role ``member``, active, no password (they only
narrow what their keys see, as before).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN, never batch mode: on SQLite a batch copies ``users`` and drops the
    # old table, and with foreign keys on that drop deletes every grant and user-bound key.
    op.add_column("users", sa.Column("password_hash", sa.String(255), nullable=True))
    op.add_column(
        "users", sa.Column("role", sa.String(16), nullable=False, server_default="member")
    )
    op.add_column(
        "users", sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.add_column(
        "users", sa.Column("email_verified_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("users", sa.Column("totp_secret", sa.String(255), nullable=True))
    op.add_column("users", sa.Column("totp_enabled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("totp_last_step", sa.BigInteger(), nullable=True))
    op.add_column("users", sa.Column("recovery_codes", sa.JSON(), nullable=True))
    for table in ("refresh_tokens", "user_tokens"):
        extra: list[sa.Column[object]] = (
            [
                sa.Column("family_id", sa.String(36), nullable=False),
                sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
            ]
            if table == "refresh_tokens"
            else [
                sa.Column("purpose", sa.String(32), nullable=False),
                sa.Column("attempts", sa.Integer(), nullable=False),
            ]
        )
        op.create_table(
            table,
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("user_id", sa.Integer(), nullable=False),
            *extra,
            sa.Column("token_hash", sa.String(64), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
            sa.ForeignKeyConstraint(
                ["user_id"], ["users.id"], name=f"fk_{table}_user_id_users", ondelete="CASCADE"
            ),
            sa.PrimaryKeyConstraint("id", name=f"pk_{table}"),
            sa.UniqueConstraint("token_hash", name=f"uq_{table}_token_hash"),
        )
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])
    op.create_index("ix_refresh_tokens_family_id", "refresh_tokens", ["family_id"])


def downgrade() -> None:
    op.drop_index("ix_refresh_tokens_family_id", "refresh_tokens")
    for table in ("user_tokens", "refresh_tokens"):
        op.drop_index(f"ix_{table}_user_id", table)
        op.drop_table(table)
    for column in (
        "recovery_codes",
        "totp_last_step",
        "totp_enabled_at",
        "totp_secret",
        "email_verified_at",
        "is_active",
        "role",
        "password_hash",
    ):
        op.drop_column("users", column)  # SQLite 3.35+ drops a plain column in place
