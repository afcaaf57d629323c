"""Connecting to the metadata database and bringing its schema up to date.

Two backends are supported: a SQLite file (the default, zero setup) and PostgreSQL (for
several server processes or hosts). SQLite connections run in WAL mode so readers never
wait for the writer, with foreign keys enforced and a busy timeout instead of instant
"database is locked" errors.

:func:`migrate` applies the Alembic migrations shipped inside the package. Every process
calls it at start-up, so it serialises itself: a file lock beside the SQLite file, an
advisory lock on PostgreSQL. The second process waits, then finds nothing left to do.
"""

from __future__ import annotations

import fcntl
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, Connection, Engine, event, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from costlake.config import Settings
from costlake.errors import InvalidInput
from costlake.kit.extras import require_extra

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SUPPORTED_BACKENDS = ("sqlite", "postgresql")
SQLITE_BUSY_TIMEOUT_MS = 30_000

# pg_advisory_xact_lock takes a bigint; derive a stable one from a readable name.
_PG_MIGRATION_LOCK = zlib.crc32(b"costlake.db.migrate")


def create_engine(url: str | URL, **kwargs: Any) -> Engine:
    """An engine for a SQLite or PostgreSQL URL, with costlake's connection settings.

    A SQLite file's parent directory is created, so a fresh ``COSTLAKE_HOME`` just works.
    Any other backend is refused up front rather than failing obscurely in a migration.
    A plain ``postgresql://`` URL uses psycopg 3, the driver the ``postgres`` extra installs
    (SQLAlchemy's own default, psycopg2, is in no extra); without it, one line says so.
    """
    url = make_url(url)
    backend = url.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise InvalidInput(
            f"unsupported metadata database {backend!r}: use a sqlite:// or postgresql:// URL"
        )
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.get_driver_name() == "psycopg":
        require_extra("postgres")
    if backend == "sqlite":
        path = _sqlite_path(url)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
    engine = sqlalchemy.create_engine(url, **kwargs)
    if backend == "sqlite":
        event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for ``settings.sqlalchemy_url`` (the default SQLite file under home)."""
    return create_engine(settings.sqlalchemy_url)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine``.

    ``expire_on_commit=False`` so objects a unit of work returns stay readable after the
    caller commits, without a surprise reload query.
    """
    return sessionmaker(bind=engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration; a no-op when it is already there.

    Safe to call from several processes at once: they take turns under a lock, and the
    whole upgrade runs in one transaction, so a failed migration leaves the previous
    schema intact on both backends.
    """
    with _migration_lock(engine), engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            # pysqlite does not open a transaction before DDL by itself; opening one
            # explicitly makes the upgrade atomic and takes SQLite's write lock.
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
            )
        command.upgrade(_alembic_config(connection), "head")
        connection.commit()


def current_revision(connection: Connection) -> str | None:
    """The migration the database is at, or None for an empty database."""
    return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest migration shipped with this version of costlake."""
    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None, "the package ships no migrations"
    return head


def _alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code: no alembic.ini, migrations found inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """An exclusive cross-process lock for SQLite files: ``<database>.migrate.lock``.

    ``flock`` waits as long as the other migration takes, where SQLite's own busy
    timeout would give up. The lock file is left in place: deleting it would race.
    PostgreSQL needs nothing here (it locks inside the transaction); neither does an
    in-memory SQLite database, which no other process can see.
    """
    path = _sqlite_path(engine.url) if engine.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    with open(path.with_name(path.name + ".migrate.lock"), "a+b") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def _sqlite_path(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA synchronous = NORMAL")
    finally:
        cursor.close()
