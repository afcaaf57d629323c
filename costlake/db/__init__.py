"""The metadata database: who the orgs are, which cloud accounts they have, who may see what.

Cost data lives in the Parquet lake; this SQLite or PostgreSQL database holds only the
small, transactional facts around it. Use :func:`create_engine` / :func:`engine_from_settings`,
run :func:`migrate` at start-up, and open sessions from :func:`session_factory`; the caller's
unit of work commits.
"""

from costlake.db import epoch  # noqa: F401  (registers the credentials-epoch events)
from costlake.db.engine import (
    create_engine,
    current_revision,
    engine_from_settings,
    head_revision,
    migrate,
    session_factory,
)

__all__ = [
    "create_engine",
    "current_revision",
    "engine_from_settings",
    "head_revision",
    "migrate",
    "session_factory",
]
