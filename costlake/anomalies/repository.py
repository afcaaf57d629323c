"""Reading and writing ``anomalies``; only queries, every one within one org."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from costlake.db.models import Anomaly


class AnomalyRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Anomaly) -> Anomaly:
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, org_id: int, anomaly_id: str) -> Anomaly | None:
        query = select(Anomaly).where(Anomaly.org_id == org_id, Anomaly.id == anomaly_id)
        return self.session.scalars(query).one_or_none()

    def ending_since(self, org_id: int, day: date) -> Sequence[Anomaly]:
        """The org's episodes that end on or after ``day`` (those a run may touch)."""
        query = (
            select(Anomaly)
            .where(Anomaly.org_id == org_id, Anomaly.end_date >= day)
            .order_by(Anomaly.start_date, Anomaly.id)
        )
        return self.session.scalars(query).all()

    def list(
        self,
        org_id: int,
        *,
        status: str | None = None,
        since: date | None = None,
        limit: int | None = None,
    ) -> Sequence[Anomaly]:
        """The org's episodes, the most recently detected first."""
        query = select(Anomaly).where(Anomaly.org_id == org_id)
        if status is not None:
            query = query.where(Anomaly.status == status)
        if since is not None:
            query = query.where(Anomaly.detected_date >= since)
        query = query.order_by(Anomaly.detected_date.desc(), Anomaly.id)
        if limit is not None:
            query = query.limit(limit)
        return self.session.scalars(query).all()
