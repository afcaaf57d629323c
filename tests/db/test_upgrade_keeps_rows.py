"""Upgrading a database of the first release to the newest schema keeps every row.

SQLite cannot alter most of a table in place; Alembic's batch mode then copies the table
and drops the old one, and with foreign keys enforced that drop deletes every child row
(an org's keys, accounts, users, grants). This walks every migration with rows in every
table of release 0001 and counts them after each step.
"""

from __future__ import annotations

from typing import Any

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    func,
    insert,
    select,
    text,
)

from costlake.db import create_engine
from costlake.db.engine import _alembic_config
from costlake.kit.clock import now

TABLES = ("orgs", "cloud_accounts", "users", "user_account_grants", "api_keys")


def _fill_release_0001(engine: Engine) -> None:
    t = now()
    with engine.begin() as c:
        c.execute(
            text("INSERT INTO orgs (id, slug, name, created_at) VALUES (1, 'acme', 'A', :t)"),
            {"t": t},
        )
        c.execute(
            text(
                "INSERT INTO cloud_accounts (id, org_id, provider, account_id, kind, first_seen, "
                "last_seen) VALUES (1, 1, 'aws', '123', 'billing', :t, :t)"
            ),
            {"t": t},
        )
        c.execute(
            text(
                "INSERT INTO users (id, org_id, email, created_at) VALUES (1, 1, 'a@acme.io', :t)"
            ),
            {"t": t},
        )
        c.execute(
            text(
                "INSERT INTO user_account_grants (user_id, cloud_account_id, created_at) "
                "VALUES (1, 1, :t)"
            ),
            {"t": t},
        )
        c.execute(
            text(
                "INSERT INTO api_keys (id, org_id, user_id, name, style, prefix, lookup, "
                "secret_hash, scopes, created_at) "
                "VALUES (1, 1, 1, 'k', 'plain', 'cl_x', 'abc', 'h', '[\"*\"]', :t)"
            ),
            {"t": t},
        )


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as c:
        return {t: c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def test_every_migration_keeps_the_rows_of_release_0001(empty_db_url: str) -> None:
    engine = create_engine(empty_db_url)
    try:
        with engine.begin() as c:
            config = _alembic_config(c)
            command.upgrade(config, "0001")
        _fill_release_0001(engine)
        revisions = [s.revision for s in ScriptDirectory.from_config(config).walk_revisions()]
        for revision in reversed(revisions[:-1]):  # oldest first, 0001 already applied
            with engine.begin() as c:
                command.upgrade(_alembic_config(c), revision)
            assert _counts(engine) == dict.fromkeys(TABLES, 1), f"rows lost by {revision}"
    finally:
        engine.dispose()


PREVIOUS_RELEASE = "0007"
"""The schema of the release before this one (session 4's main)."""

# Values for columns a CHECK constraint limits; everything else is filled by type.
CHECKED = {
    "kind": "billing",
    "style": "plain",
    "last_status": "succeeded",
    "alert_type": "spend_spike",
    "severity": "low",
    "status": "new",
    "role": "member",
}


def _value(column: Column[Any]) -> object:
    if column.foreign_keys or column.primary_key:
        return "1" if isinstance(column.type, String | Text) else 1
    if column.name in CHECKED:
        return CHECKED[column.name]
    kind = column.type
    if isinstance(kind, Boolean):
        return False
    if isinstance(kind, DateTime):
        return now()
    if isinstance(kind, Date):
        return now().date()
    if isinstance(kind, Integer | Numeric | Float):
        return 1
    if isinstance(kind, JSON):
        return []
    return "x"


def _fill_every_table(engine: Engine) -> dict[str, int]:
    """One row in every table of the schema the database is at, parents first."""
    meta = MetaData()
    meta.reflect(engine)
    tables = [t for t in meta.sorted_tables if t.name != "alembic_version"]
    with engine.begin() as c:
        for table in tables:
            c.execute(insert(table).values({col.name: _value(col) for col in table.columns}))
    with engine.connect() as c:
        return {t.name: c.execute(select(func.count()).select_from(t)).scalar_one() for t in tables}


def test_upgrading_the_previous_release_with_a_row_in_every_table_keeps_them(
    empty_db_url: str,
) -> None:
    engine = create_engine(empty_db_url)
    try:
        with engine.begin() as c:
            command.upgrade(_alembic_config(c), PREVIOUS_RELEASE)
        before = _fill_every_table(engine)
        assert len(before) >= 11 and set(before.values()) == {1}
        with engine.begin() as c:
            command.upgrade(_alembic_config(c), "head")
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as c:
            after = {
                name: c.execute(select(func.count()).select_from(meta.tables[name])).scalar_one()
                for name in before
            }
        assert after == before
        assert set(meta.tables) > set(before)  # this release's tables arrived beside them
    finally:
        engine.dispose()
