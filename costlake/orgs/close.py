"""Closing an org: every row of its metadata and every partition of its lake, deleted.

Only an admin (or an org-wide key) may, and only by sending the confirmation phrase
:data:`CONFIRMATION` as well: a stray request must not end an org. The answer says what
went: rows per metadata table, and the lake's partitions, rows and files.

The rows are counted, then deleted table by table (children first): every table with an
``org_id`` column, and every table with a ``user_id`` that holds no ``org_id`` (a
person's tokens and grants); tables that only refer to those go with them through their
``ON DELETE CASCADE``. Tables that later domains add are covered without a change here.
The lake goes last, after the metadata deletes succeeded; the caller's unit of work
commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.db.models import Base, Org, User
from costlake.errors import InvalidInput, PermissionDenied
from costlake.lake.store import Lake
from costlake.orgs.service import get_org

log = logging.getLogger("costlake.orgs")

CONFIRMATION = "DELETE_MY_ORGANIZATION"


@dataclass(frozen=True, slots=True)
class ClosedOrg:
    slug: str
    name: str
    metadata_rows: dict[str, int]
    """Rows deleted per table (tables that held none are left out)."""
    lake_partitions: int
    lake_rows: int
    lake_files: int
    sources: tuple[str, ...]


def _owned_tables() -> list[tuple[Table, str]]:
    """(table, how it belongs to an org: ``org_id`` or ``user_id``), children first."""
    found: list[tuple[Table, str]] = []
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in ("orgs", "users"):
            continue
        if "org_id" in table.c:
            found.append((table, "org_id"))
        elif "user_id" in table.c and any(
            fk.column.table.name == "users" for fk in table.c.user_id.foreign_keys
        ):
            found.append((table, "user_id"))
    users = Base.metadata.tables["users"]
    return [*found, (users, "org_id")]  # type: ignore[list-item]


def close_org(session: Session, lake: Lake, who: Principal, confirmation: str | None) -> ClosedOrg:
    """Delete the caller's org, its metadata and its lake (admins, with the phrase)."""
    if not who.is_admin:
        raise PermissionDenied("only an admin can close the organization")
    if confirmation != CONFIRMATION:
        raise InvalidInput(
            f"closing the organization deletes all its data: confirm with {CONFIRMATION}"
        )
    org = get_org(session, who.org)
    people = select(User.id).where(User.org_id == org.id).scalar_subquery()
    counts: dict[str, int] = {}
    for table, column in _owned_tables():
        where = table.c[column] == org.id if column == "org_id" else table.c.user_id.in_(people)
        n = int(session.scalar(select(func.count()).select_from(table).where(where)) or 0)
        if n:
            session.execute(delete(table).where(where))
            counts[table.name] = n
    slug, name = org.slug, org.name
    session.execute(delete(Org).where(Org.id == org.id))
    counts["orgs"] = 1
    session.flush()
    gone = lake.delete_org(slug)
    closed = ClosedOrg(
        slug=slug,
        name=name,
        metadata_rows=dict(sorted(counts.items())),
        lake_partitions=sum(1 for p in gone),
        lake_rows=sum(p.rows for p in gone),
        lake_files=sum(len(p.all_files) for p in gone),
        sources=tuple(sorted({p.source for p in gone})),
    )
    log.warning("org %r closed by %s: %s", slug, who.name, closed)
    return closed
