"""Reading and writing ``anomalies``; only queries, every one within one org."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from costlake.db.models import Anomaly
from costlake.db.models.monitors import AnomalyMonitor


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
        after: date | None = None,
        provider_type: str | None = None,
        severity: str | None = None,
        account_ids: tuple[str, ...] | None = None,
        limit: int | None = None,
    ) -> Sequence[Anomaly]:
        """The org's episodes, the most recently detected first; ``since`` on or after a
        day, ``after`` strictly after it; ``account_ids`` only the series of those sub
        accounts."""
        query = select(Anomaly).where(Anomaly.org_id == org_id)
        if status is not None:
            query = query.where(Anomaly.status == status)
        if since is not None:
            query = query.where(Anomaly.detected_date >= since)
        if after is not None:
            query = query.where(Anomaly.detected_date > after)
        if provider_type is not None:
            query = query.where(Anomaly.provider_type == provider_type)
        if severity is not None:
            query = query.where(Anomaly.severity == severity)
        if account_ids is not None:
            query = query.where(Anomaly.sub_account_id.in_(account_ids))
        query = query.order_by(Anomaly.detected_date.desc(), Anomaly.id)
        if limit is not None:
            query = query.limit(limit)
        return self.session.scalars(query).all()


class MonitorRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: AnomalyMonitor) -> AnomalyMonitor:
        self.session.add(row)
        self.session.flush()
        return row

    def get(self, org_id: int, name: str) -> AnomalyMonitor | None:
        query = select(AnomalyMonitor).where(
            AnomalyMonitor.org_id == org_id, AnomalyMonitor.name == name
        )
        return self.session.scalars(query).one_or_none()

    def list(self, org_id: int) -> Sequence[AnomalyMonitor]:
        query = (
            select(AnomalyMonitor)
            .where(AnomalyMonitor.org_id == org_id)
            .order_by(AnomalyMonitor.name)
        )
        return self.session.scalars(query).all()

    def delete(self, row: AnomalyMonitor) -> None:
        self.session.delete(row)
        self.session.flush()
