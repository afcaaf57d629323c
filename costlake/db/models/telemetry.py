"""Unit-metric telemetry streams and allocation streams (migration 0009).

A stream is named per org and kind (``metric``: a unit metric such as requests served;
``allocation``: values that split a cost across elements). A record is one value of one
period (its start aligned to its granularity) for one label map (a metric's ``filter``,
an allocation's ``element``); ``labels_key`` is the SHA-256 of the labels' canonical JSON,
so "the same record" is one unique constraint. Values are exact decimals kept as text
(SQLite has no decimal type).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costlake.db.models import Base
from costlake.kit.clock import now


class TelemetryStream(Base):
    """A named stream of an org. ``target`` (allocation streams) is the cost the stream
    splits, as a filter in the core's keys: ``{key: {"include": [...], "exclude": [...]}}``."""

    __tablename__ = "telemetry_streams"
    __table_args__ = (
        UniqueConstraint("org_id", "kind", "name"),
        CheckConstraint("kind IN ('metric', 'allocation')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(255))
    target: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    def __repr__(self) -> str:
        return f"TelemetryStream(kind={self.kind!r}, name={self.name!r})"


class TelemetryRecord(Base):
    """One value of a stream for one period and one label map."""

    __tablename__ = "telemetry_records"
    __table_args__ = (
        UniqueConstraint(
            "stream_id",
            "period_start",
            "granularity",
            "labels_key",
            name="uq_telemetry_records_record",
        ),
        CheckConstraint("granularity IN ('HOURLY', 'DAILY', 'MONTHLY')", name="granularity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stream_id: Mapped[int] = mapped_column(ForeignKey("telemetry_streams.id", ondelete="CASCADE"))
    period_start: Mapped[datetime]
    granularity: Mapped[str] = mapped_column(String(8))
    labels_key: Mapped[str] = mapped_column(String(64))
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    value: Mapped[str] = mapped_column(String(48))
