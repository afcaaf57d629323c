"""Alembic environment for costlake's metadata database.

costlake runs migrations from code (:func:`costlake.db.engine.migrate`), which hands over
an open connection already inside a locked transaction. Run by hand instead (the
``alembic`` command with ``-x`` options is not used), it connects to the database that
``COSTLAKE_*`` settings name. Offline (SQL script) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from costlake.db.models import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _run_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    from costlake.config import Settings
    from costlake.db.engine import engine_from_settings

    engine = engine_from_settings(Settings())
    try:
        with engine.begin() as own_connection:
            _run(own_connection)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("costlake migrations run online only (costlake.db.engine.migrate)")
_run_online()
