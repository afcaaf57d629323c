"""The claim that keeps a threshold from being mailed twice, on SQLite and PostgreSQL: the
first insert for a (budget, threshold, period) wins, every later one finds it."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Engine

from costlake.budgets import service
from costlake.budgets.repository import NotificationRepository
from costlake.budgets.schemas import BudgetInput
from costlake.db import session_factory
from costlake.kit.clock import now
from costlake.orgs.service import get_or_create_org


def claim(engine: Engine, budget_id: str, org_id: int, threshold: str, start: date) -> bool:
    with session_factory(engine)() as s:
        made = NotificationRepository(s).claim(
            {"org_id": org_id, "budget_id": budget_id, "threshold": threshold,
             "period_start": start, "recipients": ["a@b.io"], "actual": "1",
             "forecast": "2", "claimed_at": now()}
        )  # fmt: skip
        s.commit()
        return made


def test_the_first_claim_wins_and_release_frees_it(db_engine: Engine) -> None:
    with session_factory(db_engine)() as s:
        org_id = get_or_create_org(s, "acme").id
        data = BudgetInput("b", Decimal(1), "monthly")
        budget = service.create(s, "acme", data).id
        s.commit()
    october, november = date(2024, 10, 1), date(2024, 11, 1)
    assert claim(db_engine, budget, org_id, "80", october)
    assert not claim(db_engine, budget, org_id, "80", october)
    assert claim(db_engine, budget, org_id, "90", october)
    assert claim(db_engine, budget, org_id, "80", november)
    with session_factory(db_engine)() as s:
        NotificationRepository(s).release(budget, "80", october)
        s.commit()
    assert claim(db_engine, budget, org_id, "80", october)
