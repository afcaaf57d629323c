"""Budgets, saved views and the record of budget notifications sent (migration 0008).

Amounts, thresholds and spend are exact decimals kept as text (SQLite has no decimal type).
A ``budget_notifications`` row is the claim "this threshold of this budget has been (or is
being) notified for the period starting ``period_start``"; its unique constraint is what
keeps a second evaluation, a restart or a second worker from mailing it again
(``costlake.budgets.evaluate``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from costlake.db.models import Base
from costlake.kit.clock import now


class View(Base):
    """A saved view of an org: a named filter over its costs, in the core's keys (FOCUS
    columns, ``tag:<key>``) as ``{key: {"include": [...], "exclude": [...]}}``."""

    __tablename__ = "views"
    __table_args__ = (Index("ix_views_org_id_created_at", "org_id", "created_at"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    def __repr__(self) -> str:
        return f"View(id={self.id!r}, name={self.name!r})"


class Budget(Base):
    """A spend limit per period (monthly, quarterly, annual) over a view (None: the whole
    org), with notification rules ``[{"threshold": "80", "recipients": [...]}]``.
    ``account_ids`` is the account grant of whoever last wrote it (None: every account), so
    its evaluation never shows spend that person could not see."""

    __tablename__ = "budgets"
    __table_args__ = (
        Index("ix_budgets_org_id_created_at", "org_id", "created_at"),
        CheckConstraint("period IN ('monthly', 'quarterly', 'annual')", name="period"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    amount: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(16))
    view_id: Mapped[str | None] = mapped_column(ForeignKey("views.id"), index=True)
    notifications: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    account_ids: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=now)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    def __repr__(self) -> str:
        return f"Budget(id={self.id!r}, name={self.name!r})"


class BudgetNotification(Base):
    """Threshold ``threshold`` of budget ``budget_id`` notified for the period that starts on
    ``period_start``: inserted (and committed) before the mail goes, ``sent_at`` stamped
    after the SMTP server took it."""

    __tablename__ = "budget_notifications"
    __table_args__ = (UniqueConstraint("budget_id", "threshold", "period_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("orgs.id", ondelete="CASCADE"), index=True)
    budget_id: Mapped[str] = mapped_column(ForeignKey("budgets.id", ondelete="CASCADE"))
    threshold: Mapped[str] = mapped_column(String(64))
    period_start: Mapped[date] = mapped_column(Date)
    recipients: Mapped[list[str]] = mapped_column(JSON)
    actual: Mapped[str] = mapped_column(String(64))
    forecast: Mapped[str] = mapped_column(String(64))
    claimed_at: Mapped[datetime] = mapped_column(default=now)
    sent_at: Mapped[datetime | None]
