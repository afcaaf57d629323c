"""The audit log and per-user notification preferences (migration 0014)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from costlake.db.models import Base
from costlake.kit.clock import now


class AuditEntry(Base):
    """One write someone made to an org, through any dialect or the command line: who
    (a person, an API key or the CLI and its OS user), what (an action name such as
    ``xplorr.users.update``), on what (``target``: the request path or the command's
    subject), when and from which address. Deleted with its org; a person's entries stay
    (``user_id`` set to NULL, the e-mail kept) when the person is deleted."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_org_id_id", "org_id", "id"),
        Index("ix_audit_log_org_id_action", "org_id", "action"),
        Index("ix_audit_log_org_id_at", "org_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(default=now)
    actor_kind: Mapped[str] = mapped_column(String(16))
    """``user`` (a signed-in person), ``api_key``, ``cli`` or ``anonymous``."""
    actor: Mapped[str] = mapped_column(String(320))
    """How the actor is shown: an e-mail, a key's name and prefix, ``cli:<os user>``."""
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_email: Mapped[str | None] = mapped_column(String(320))
    key_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(128))
    method: Mapped[str | None] = mapped_column(String(8))
    target: Mapped[str] = mapped_column(String(1024))
    address: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[int | None]

    def __repr__(self) -> str:
        return f"AuditEntry(id={self.id!r}, action={self.action!r}, actor={self.actor!r})"


class NotificationPreference(Base):
    """What a person wants to be told about (``costlake.users.preferences``): one row
    per person, the choices as JSON; a person without a row has the defaults."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    settings: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(default=now)
