"""``INSERT ... ON CONFLICT`` for whichever backend a session is bound to.

Both supported backends have it, with the same shape, but SQLAlchemy exposes it per
dialect. Conflict clauses let "create on first use" and "record what ingest saw" stay
correct when two processes do the same thing at once, without savepoints (which
pysqlite's implicit transactions make unreliable).
"""

from __future__ import annotations

from typing import cast

from sqlalchemy import FromClause, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert(session: Session, table: Table | FromClause) -> sqlite.Insert | postgresql.Insert:
    """An insert into ``table`` supporting ``on_conflict_do_nothing/do_update``."""
    if session.get_bind().dialect.name == "sqlite":
        return sqlite.insert(cast(Table, table))
    return postgresql.insert(cast(Table, table))
