"""Metadata-database fixtures, run against SQLite and PostgreSQL alike.

Every fixture here is parametrised over both backends, so each test that uses one runs
twice. SQLite needs nothing; PostgreSQL uses ``COSTLAKE_TEST_POSTGRES_URL`` (start one
with ``scripts/postgres-for-tests``). Without it the PostgreSQL runs are skipped
locally, but fail in CI (``CI=true``): a CI run that silently tested only SQLite
would be worse than a red one.

Isolation: each test session migrates one database per backend (on PostgreSQL, a
schema of its own, so parallel runs never collide), and each test starts from empty
tables. Tests of the migrations themselves get a brand-new empty database instead.

Conftest files import the fixtures by name (``pytest_plugins`` is top-level only).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import JSON, Engine, column, make_url, table
from sqlalchemy.orm import Session

from costlake.db import create_engine, migrate, session_factory
from costlake.db.models import Base

POSTGRES_URL_ENV = "COSTLAKE_TEST_POSTGRES_URL"

BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


def postgres_url() -> str:
    """The test server's URL; skips the test locally and fails it in CI when unset."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if url:
        return url
    message = f"{POSTGRES_URL_ENV} is not set (export it from scripts/postgres-for-tests)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the PostgreSQL tests: {message}")
    pytest.skip(message)


@contextmanager
def fresh_database(backend: str, directory: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file in ``directory``, or a new
    PostgreSQL schema (dropped afterwards) selected through ``search_path``."""
    if backend == "sqlite":
        yield f"sqlite:///{directory / 'costlake.db'}"
        return
    server = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = make_url(server).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_db_engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """One migrated database per backend for the whole test session."""
    backend: str = request.param
    with fresh_database(backend, tmp_path_factory.mktemp(backend)) as url:
        engine = create_engine(url)
        try:
            migrate(engine)
            yield engine
        finally:
            engine.dispose()


@pytest.fixture
def db_engine(migrated_db_engine: Engine) -> Engine:
    """The migrated database with every table emptied, so each test starts clean."""
    with migrated_db_engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            connection.execute(table.delete())
    return migrated_db_engine


@pytest.fixture
def db_session(db_engine: Engine) -> Iterator[Session]:
    """A session on the clean database; tests commit when they mean to."""
    with session_factory(db_engine)() as session:
        yield session


@pytest.fixture(params=BACKENDS)
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a brand-new database with no tables at all, on each backend."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


# Tables as release 0001 made them. Tests of later migrations write the previous release's
# rows through these, so columns the models have gained since cannot break them.
ORGS_0001 = table("orgs", column("id"), column("slug"), column("name"), column("created_at"))
API_KEYS_0001 = table(
    "api_keys",
    column("id"),
    column("org_id"),
    column("name"),
    column("style"),
    column("prefix"),
    column("lookup"),
    column("secret_hash"),
    column("scopes", JSON),
    column("created_at"),
)
