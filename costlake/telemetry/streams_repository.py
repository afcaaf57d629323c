"""Reading and writing ``telemetry_streams`` and ``telemetry_records``: only queries, each
within one org's streams of one kind (``metric`` or ``allocation``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from costlake.db import upsert
from costlake.db.models.telemetry import TelemetryRecord, TelemetryStream
from costlake.kit.clock import now
from costlake.telemetry.records import MAX_TEXT


class StreamRepository:
    def __init__(self, session: Session, org_id: int, kind: str) -> None:
        self.session, self.org_id, self.kind = session, org_id, kind

    def get(self, name: str) -> TelemetryStream | None:
        """The stream ``name``; None too for a name no stream can have (control characters
        such as NUL, which PostgreSQL's text refuses, or too long)."""
        if not name or len(name) > MAX_TEXT or any(ord(c) < 32 for c in name):
            return None
        query = select(TelemetryStream).where(
            TelemetryStream.org_id == self.org_id,
            TelemetryStream.kind == self.kind,
            TelemetryStream.name == name,
        )
        return self.session.scalars(query).one_or_none()

    def names(self) -> list[str]:
        query = (
            select(TelemetryStream.name)
            .where(TelemetryStream.org_id == self.org_id, TelemetryStream.kind == self.kind)
            .order_by(TelemetryStream.name)
        )
        return list(self.session.scalars(query))

    def claim(self, name: str, target: dict[str, Any] | None = None) -> TelemetryStream:
        """The stream ``name``, created on first use (two creators at once make one), then
        touched, so that two writers of one stream take turns: the row's write lock is held
        to the commit, and the second writer reads the first one's records."""
        moment = now()
        create = upsert.insert(self.session, TelemetryStream.__table__).values(
            org_id=self.org_id,
            kind=self.kind,
            name=name,
            target=target or {},
            created_at=moment,
            updated_at=moment,
        )
        self.session.execute(
            create.on_conflict_do_nothing(index_elements=["org_id", "kind", "name"])
        )
        touch = (
            update(TelemetryStream)
            .where(
                TelemetryStream.org_id == self.org_id,
                TelemetryStream.kind == self.kind,
                TelemetryStream.name == name,
            )
            .values(updated_at=moment, **({"target": target} if target is not None else {}))
            .execution_options(synchronize_session=False)
        )
        self.session.execute(touch)
        return self.session.scalars(
            select(TelemetryStream)
            .where(
                TelemetryStream.org_id == self.org_id,
                TelemetryStream.kind == self.kind,
                TelemetryStream.name == name,
            )
            .execution_options(populate_existing=True)
        ).one()

    def remove(self, stream: TelemetryStream) -> None:
        self.session.execute(delete(TelemetryRecord).where(TelemetryRecord.stream_id == stream.id))
        self.session.delete(stream)
        self.session.flush()

    def records(
        self,
        stream: TelemetryStream,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        granularity: str | None = None,
        period_starts: Sequence[datetime] | None = None,
    ) -> list[TelemetryRecord]:
        """The stream's records whose period starts in [start, end), of one granularity,
        or starting at one of ``period_starts``; in period order."""
        query = select(TelemetryRecord).where(TelemetryRecord.stream_id == stream.id)
        if start is not None:
            query = query.where(TelemetryRecord.period_start >= start)
        if end is not None:
            query = query.where(TelemetryRecord.period_start < end)
        if granularity is not None:
            query = query.where(TelemetryRecord.granularity == granularity)
        if period_starts is not None:
            query = query.where(TelemetryRecord.period_start.in_(period_starts))
        query = query.order_by(TelemetryRecord.period_start, TelemetryRecord.id)
        return list(self.session.scalars(query))

    def values(
        self, stream: TelemetryStream, start: datetime, end: datetime
    ) -> list[tuple[datetime, str, dict[str, str], str]]:
        """(period start, granularity, labels, value) of the records whose period starts in
        [start, end), in period order: plain rows, for readers that change nothing."""
        query = (
            select(
                TelemetryRecord.period_start,
                TelemetryRecord.granularity,
                TelemetryRecord.labels,
                TelemetryRecord.value,
            )
            .where(
                TelemetryRecord.stream_id == stream.id,
                TelemetryRecord.period_start >= start,
                TelemetryRecord.period_start < end,
            )
            .order_by(TelemetryRecord.period_start, TelemetryRecord.id)
        )
        return [tuple(row) for row in self.session.execute(query)]  # type: ignore[misc]

    def add(self, rows: Sequence[TelemetryRecord]) -> None:
        self.session.add_all(rows)
        self.session.flush()

    def drop(self, rows: Sequence[TelemetryRecord]) -> int:
        for row in rows:
            self.session.delete(row)
        self.session.flush()
        return len(rows)
