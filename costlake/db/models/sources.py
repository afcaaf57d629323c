"""SaaS cost sources: encrypted credentials, schedule, sync status (migration 0011)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from costlake.db.models import Base, Org
from costlake.kit.clock import now


class SaasSource(Base):
    """A vendor billing API an org's costs are pulled from (``costlake.sources.stored``).

    ``kind`` names a connector registered in :mod:`costlake.sources.saas.connectors` (no
    CHECK here: connectors come and go without a migration). ``credentials`` is a JSON
    object of the connector's secrets encrypted with the deployment's secret key
    (SecretBox); it is never stored or shown in plain text. ``name`` is also the lake
    source its rows are ingested as. ``synced_through`` is the last day the previous
    successful sync fetched (the cursor of incremental syncs).
    """

    __tablename__ = "saas_sources"
    __table_args__ = (
        UniqueConstraint("org_id", "name"),
        CheckConstraint("last_status IN ('ok', 'error')", name="last_status"),
        CheckConstraint("every_hours > 0", name="every_hours"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(32))
    account: Mapped[str] = mapped_column(String(255))
    base_url: Mapped[str | None] = mapped_column(String(500))
    credentials: Mapped[str] = mapped_column(Text)
    enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    every_hours: Mapped[int] = mapped_column(default=24)
    start_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(default=now)
    last_sync_at: Mapped[datetime | None]
    last_status: Mapped[str | None] = mapped_column(String(8))
    last_error: Mapped[str | None] = mapped_column(Text)
    last_rows: Mapped[int | None]
    last_days: Mapped[int | None]
    last_success_at: Mapped[datetime | None]
    synced_through: Mapped[date | None] = mapped_column(Date)

    org: Mapped[Org] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"SaasSource(id={self.id!r}, name={self.name!r}, kind={self.kind!r})"
