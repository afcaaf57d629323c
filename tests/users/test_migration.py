"""Migration 0006 (users sign in) on a database of the previous release, and back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from costlake.db import create_engine, current_revision
from costlake.db.engine import _alembic_config

REVISION = "0006"
PREVIOUS = "0005"


@pytest.fixture
def previous_release(empty_db_url: str) -> Iterator[Engine]:
    """A database at the release before sign-in, holding an org and a grants-only user."""
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        command.upgrade(_alembic_config(connection), PREVIOUS)
        connection.execute(
            text("INSERT INTO orgs (slug, name, created_at) VALUES ('acme', 'Acme', :t)"),
            {"t": "2026-01-01 00:00:00"},
        )
        connection.execute(
            text(
                "INSERT INTO users (org_id, email, created_at) "
                "VALUES ((SELECT id FROM orgs), 'ana@acme.io', :t)"
            ),
            {"t": "2026-01-01 00:00:00"},
        )
    yield engine
    engine.dispose()


def test_existing_users_become_active_members_without_a_password(
    previous_release: Engine,
) -> None:
    with previous_release.begin() as connection:
        command.upgrade(_alembic_config(connection), REVISION)
        row = connection.execute(
            text("SELECT role, is_active, password_hash, totp_enabled_at FROM users")
        ).one()
        assert tuple(row) == ("member", True, None, None)
        tables = set(inspect(connection).get_table_names())
    assert {"refresh_tokens", "user_tokens"} <= tables


def test_downgrade_restores_the_previous_schema_and_keeps_the_user(
    previous_release: Engine,
) -> None:
    with previous_release.begin() as connection:
        command.upgrade(_alembic_config(connection), REVISION)
        command.downgrade(_alembic_config(connection), PREVIOUS)
        assert current_revision(connection) == PREVIOUS
        assert connection.execute(text("SELECT email FROM users")).scalar_one() == "ana@acme.io"
        assert "refresh_tokens" not in inspect(connection).get_table_names()


def test_0007_leaves_existing_orgs_without_a_2fa_requirement(previous_release: Engine) -> None:
    with previous_release.begin() as connection:
        command.upgrade(_alembic_config(connection), "0007")
        assert connection.execute(text("SELECT require_2fa FROM orgs")).scalar_one() in (False, 0)
        command.downgrade(_alembic_config(connection), REVISION)
        assert current_revision(connection) == REVISION
