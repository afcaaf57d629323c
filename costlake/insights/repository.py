"""Reading and writing ``insights``; only queries, every one within one org."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from costlake.db.models import Insight


class InsightRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Insight) -> Insight:
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, org_id: int, insight_id: str) -> Insight | None:
        query = select(Insight).where(Insight.org_id == org_id, Insight.id == insight_id)
        return self.session.scalars(query).one_or_none()

    def page(self, org_id: int, offset: int, limit: int) -> tuple[Sequence[Insight], int]:
        """The org's insights, oldest first, and how many it has."""
        total = self.session.scalar(
            select(func.count()).select_from(Insight).where(Insight.org_id == org_id)
        )
        query = (
            select(Insight)
            .where(Insight.org_id == org_id)
            .order_by(Insight.created_at, Insight.id)
            .offset(offset)
            .limit(limit)
        )
        return self.session.scalars(query).all(), int(total or 0)

    def delete(self, row: Insight) -> None:
        self.session.delete(row)
        self.session.flush()
