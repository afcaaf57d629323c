"""Metadata-database fixtures (SQLite and PostgreSQL), shared from tests/db/fixtures.py."""

from tests.db.fixtures import (  # noqa: F401
    db_engine,
    db_session,
    empty_db_url,
    migrated_db_engine,
)


import pytest  # noqa: E402

from costlake.dialects.registry import install  # noqa: E402


@pytest.fixture(autouse=True, scope="session")
def dialect_key_styles() -> None:
    """The vendors' key styles, registered as the server and CLI register them."""
    install()
