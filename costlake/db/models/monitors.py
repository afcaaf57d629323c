"""Custom anomaly monitors (migration 0012).

A monitor is a family of daily cost series an org asks the anomaly engine to watch besides
the two built in: one series per value of its ``dimensions`` (FOCUS columns or ``tag:<key>``;
``ProviderName`` and ``ServiceName`` always among them), over the charges its ``filters``
keep, in the core's filter keys and operators as ``[{"key", "op", "values"}]``. Its name is
unique in the org and names the episodes it finds (``anomalies.monitor``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costlake.db.models import Base
from costlake.kit.clock import now


class AnomalyMonitor(Base):
    __tablename__ = "anomaly_monitors"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    dimensions: Mapped[list[str]] = mapped_column(JSON)
    filters: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=now)

    def __repr__(self) -> str:
        return f"AnomalyMonitor(name={self.name!r}, dimensions={self.dimensions!r})"
