"""Metadata-database fixtures (SQLite and PostgreSQL) for the telemetry streams."""

from tests.db.fixtures import (  # noqa: F401
    db_engine,
    db_session,
    empty_db_url,
    migrated_db_engine,
)
