"""Reading and writing ``budgets``, ``views`` and ``budget_notifications``; only queries,
every one within one org."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from costlake.db.models import Org
from costlake.db.models.budgets import Budget, BudgetNotification, View
from costlake.db.upsert import insert

Row = TypeVar("Row", Budget, View)


class _OrgRows:
    model: Any

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, row: Row) -> Row:
        self.session.add(row)
        self.session.flush()
        return row

    def _get(self, org_id: int, row_id: str) -> Any:
        query = select(self.model).where(self.model.org_id == org_id, self.model.id == row_id)
        return self.session.scalars(query).one_or_none()

    def _page(self, org_id: int, offset: int, limit: int) -> tuple[Sequence[Any], int]:
        """The org's rows, oldest first, and how many it has."""
        mine = self.model.org_id == org_id
        total = self.session.scalar(select(func.count()).select_from(self.model).where(mine))
        query = (
            select(self.model)
            .where(mine)
            .order_by(self.model.created_at, self.model.id)
            .offset(offset)
            .limit(limit)
        )
        return self.session.scalars(query).all(), int(total or 0)


class BudgetRepository(_OrgRows):
    model = Budget

    def get(self, org_id: int, budget_id: str) -> Budget | None:
        row: Budget | None = self._get(org_id, budget_id)
        return row

    def page(self, org_id: int, offset: int, limit: int) -> tuple[Sequence[Budget], int]:
        return self._page(org_id, offset, limit)

    def delete(self, row: Budget) -> None:
        self.session.delete(row)
        self.session.flush()

    def every(self, org: str | None = None) -> Sequence[tuple[Budget, str]]:
        """Every budget (of every org, or of ``org``) with its org's slug, oldest first."""
        query = select(Budget, Org.slug).join(Org, Org.id == Budget.org_id)
        if org is not None:
            query = query.where(Org.slug == org)
        query = query.order_by(Org.slug, Budget.created_at, Budget.id)
        return [(b, slug) for b, slug in self.session.execute(query)]


class ViewRepository(_OrgRows):
    model = View

    def get(self, org_id: int, view_id: str) -> View | None:
        row: View | None = self._get(org_id, view_id)
        return row

    def page(self, org_id: int, offset: int, limit: int) -> tuple[Sequence[View], int]:
        return self._page(org_id, offset, limit)


class NotificationRepository:
    """The claims of "threshold notified this period", one row each."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def claim(self, row: dict[str, Any]) -> bool:
        """Insert the claim unless one exists for its (budget, threshold, period_start):
        True when this call made it (and so must send), False when it was there already."""
        statement = (
            insert(self.session, BudgetNotification.__table__)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["budget_id", "threshold", "period_start"])
            .returning(BudgetNotification.id)
        )
        # RETURNING, not rowcount: psycopg reports -1 for a skipped row here.
        return self.session.execute(statement).first() is not None

    def sent(self, budget_id: str, threshold: str, period_start: date, at: datetime) -> None:
        self.session.execute(
            update(BudgetNotification)
            .where(*self._key(budget_id, threshold, period_start))
            .values(sent_at=at)
        )

    def release(self, budget_id: str, threshold: str, period_start: date) -> None:
        """Drop a claim whose mail certainly did not leave, so a later run sends it."""
        self.session.execute(
            delete(BudgetNotification).where(*self._key(budget_id, threshold, period_start))
        )

    def of_budget(self, budget_id: str) -> Sequence[BudgetNotification]:
        query = select(BudgetNotification).where(BudgetNotification.budget_id == budget_id)
        return self.session.scalars(query.order_by(BudgetNotification.id)).all()

    @staticmethod
    def _key(budget_id: str, threshold: str, period_start: date) -> tuple[Any, ...]:
        return (
            BudgetNotification.budget_id == budget_id,
            BudgetNotification.threshold == threshold,
            BudgetNotification.period_start == period_start,
        )
