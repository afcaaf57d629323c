"""Metadata-database fixtures (SQLite and PostgreSQL), shared from tests/db/fixtures.py, and
the vendors' key styles registered as the server and CLI register them."""

import pytest

from costlake.dialects.registry import install
from tests.db.fixtures import (  # noqa: F401
    db_engine,
    db_session,
    empty_db_url,
    migrated_db_engine,
)


@pytest.fixture(autouse=True, scope="session")
def dialect_key_styles() -> None:
    install()
