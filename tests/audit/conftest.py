"""Metadata-database fixtures (SQLite and PostgreSQL), shared from tests/db/fixtures.py."""

from tests.db.fixtures import (  # noqa: F401
    db_engine,
    db_session,
    empty_db_url,
    migrated_db_engine,
)
