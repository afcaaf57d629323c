"""Reading and writing ``audit_log``; only queries."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from costlake.audit.schemas import AuditFilter
from costlake.db.models.audit import AuditEntry


class AuditRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, entry: AuditEntry) -> None:
        self.session.add(entry)
        self.session.flush()

    def _filtered(self, query: Select[Any], org_id: int, wanted: AuditFilter) -> Select[Any]:
        query = query.where(AuditEntry.org_id == org_id)
        if wanted.action is not None:
            query = query.where(AuditEntry.action == wanted.action)
        if wanted.user_email is not None:
            query = query.where(func.lower(AuditEntry.user_email) == wanted.user_email)
        if wanted.start is not None:
            query = query.where(AuditEntry.at >= wanted.start)
        if wanted.end is not None:
            query = query.where(AuditEntry.at < wanted.end)
        return query

    def count(self, org_id: int, wanted: AuditFilter) -> int:
        query = self._filtered(select(func.count()).select_from(AuditEntry), org_id, wanted)
        return int(self.session.scalar(query) or 0)

    def newest_first(
        self, org_id: int, wanted: AuditFilter, *, limit: int, offset: int = 0,
        before_id: int | None = None,
    ) -> Sequence[AuditEntry]:  # fmt: skip
        """Entries newest first (by id: the order they were written), from ``offset`` or,
        keyset style, those older than ``before_id``."""
        query = self._filtered(select(AuditEntry), org_id, wanted)
        if before_id is not None:
            query = query.where(AuditEntry.id < before_id)
        query = query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)
        return self.session.scalars(query).all()

    def actions(self, org_id: int) -> list[str]:
        query = (
            select(AuditEntry.action)
            .where(AuditEntry.org_id == org_id)
            .distinct()
            .order_by(AuditEntry.action)
        )
        return list(self.session.scalars(query).all())
