"""Budgets and the views they watch: create, read, replace and delete an org's budgets;
create and read its views.

Every function takes the org of the caller and touches only that org's rows: another
org's id is answered as unknown (:class:`NotFound`), never as forbidden. Input is checked
here, each refusal naming the field (``amount``, ``notifications[1].recipients[0]``).
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy.orm import Session

from costlake.budgets.repository import BudgetRepository, ViewRepository
from costlake.budgets.schemas import (
    Budget,
    BudgetInput,
    BudgetPage,
    NotificationRule,
    Period,
    View,
    ViewInput,
    ViewPage,
)
from costlake.db.models import budgets as models
from costlake.errors import InvalidInput, NotFound
from costlake.insights.schemas import ValueFilter
from costlake.kit.clock import now
from costlake.kit.jsonout import decimal_text
from costlake.orgs.service import get_org
from costlake.query.model import resolve_key

MAX_NAME = 200
MAX_AMOUNT = Decimal("1e15")
MAX_THRESHOLD = Decimal(1000)
MAX_RULES = 20
MAX_RECIPIENTS = 50
MAX_PAGE_SIZE = 100
_EMAIL = re.compile(r"[^@\s,;:<>()\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def _number(value: object, where: str, low: Decimal, high: Decimal) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal, str)):
        raise InvalidInput(f"{where}: must be a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidInput(f"{where}: must be a finite number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{where}: must be a number") from None
    if not number.is_finite() or not low < number <= high:
        raise InvalidInput(f"{where}: must be more than {low} and at most {high:,f}")
    return number


def _name(value: object) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME:
        raise InvalidInput(f"name: give 1-{MAX_NAME} characters")
    return name


def _rules(rules: tuple[NotificationRule, ...]) -> tuple[NotificationRule, ...]:
    if len(rules) > MAX_RULES:
        raise InvalidInput(f"notifications: at most {MAX_RULES} rules")
    out: list[NotificationRule] = []
    for i, rule in enumerate(rules):
        where = f"notifications[{i}]"
        threshold = _number(rule.threshold, f"{where}.threshold", Decimal(0), MAX_THRESHOLD)
        if any(r.threshold == threshold for r in out):
            raise InvalidInput(f"{where}.threshold: {threshold} appears twice")
        if not rule.recipients or len(rule.recipients) > MAX_RECIPIENTS:
            raise InvalidInput(f"{where}.recipients: give 1-{MAX_RECIPIENTS} e-mail addresses")
        recipients: list[str] = []
        for j, address in enumerate(rule.recipients):
            text = address.strip() if isinstance(address, str) else ""
            if len(text) > 320 or not _EMAIL.fullmatch(text):
                raise InvalidInput(
                    f"{where}.recipients[{j}]: {str(address)[:80]!r} is not an e-mail address"
                )
            if text.lower() not in (r.lower() for r in recipients):
                recipients.append(text)
        out.append(NotificationRule(Decimal(decimal_text(threshold)), tuple(recipients)))
    return tuple(out)


def validate(session: Session, org_id: int, data: BudgetInput) -> BudgetInput:
    """``data`` checked and in canonical form; :class:`InvalidInput` naming the field."""
    name = _name(data.name)
    amount = _number(data.amount, "amount", Decimal(0), MAX_AMOUNT)
    try:
        period = Period(data.period)
    except ValueError:
        raise InvalidInput(
            f"period: {str(data.period)[:40]!r} is not one of {', '.join(Period)}"
        ) from None
    view_id = data.view_id
    if view_id is not None and (
        not isinstance(view_id, str) or ViewRepository(session).get(org_id, view_id) is None
    ):
        raise InvalidInput(
            f"view_id: no view {str(view_id)[:64]!r} in this org (POST /v2/views makes one)"
        )
    return BudgetInput(name, amount, period, view_id, _rules(data.notifications))


def create(
    session: Session, org: str, data: BudgetInput, *, account_ids: tuple[str, ...] | None = None
) -> Budget:
    org_id = get_org(session, org).id
    clean = validate(session, org_id, data)
    moment = now()
    row = models.Budget(
        id=str(uuid.uuid4()), org_id=org_id, created_at=moment, updated_at=moment,
        **_columns(clean, account_ids),
    )  # fmt: skip
    BudgetRepository(session).add(row)
    return budget_of(row, org)


def get(session: Session, org: str, budget_id: str) -> Budget:
    return budget_of(_row(session, org, budget_id), org)


def replace(
    session: Session,
    org: str,
    budget_id: str,
    data: BudgetInput,
    *,
    account_ids: tuple[str, ...] | None = None,
) -> Budget:
    """Replace every field; the budget then watches ``account_ids`` (the writer's grant)."""
    row = _row(session, org, budget_id)
    clean = validate(session, row.org_id, data)
    for name, value in _columns(clean, account_ids).items():
        setattr(row, name, value)
    row.updated_at = max(now(), row.created_at)
    session.flush()
    return budget_of(row, org)


def delete(session: Session, org: str, budget_id: str) -> None:
    BudgetRepository(session).delete(_row(session, org, budget_id))


def page(session: Session, org: str, offset: int, limit: int) -> BudgetPage:
    """A page of the org's budgets, oldest first."""
    _check_page(offset, limit)
    rows, total = BudgetRepository(session).page(get_org(session, org).id, offset, limit)
    return BudgetPage([budget_of(r, org) for r in rows], total, offset, limit)


def create_view(session: Session, org: str, data: ViewInput) -> View:
    name = _name(data.name)
    filters: dict[str, ValueFilter] = {}
    for key, rule in data.filters.items():
        try:
            canonical = resolve_key(key)
        except InvalidInput as e:
            raise InvalidInput(f"filters.{key}: {e.message}") from None
        if not (rule.include or rule.exclude):
            raise InvalidInput(f"filters.{key}: give values to include or exclude")
        filters[canonical] = rule
    moment = now()
    row = models.View(
        id=str(uuid.uuid4()), org_id=get_org(session, org).id, name=name,
        filters={k: {"include": list(v.include), "exclude": list(v.exclude)}
                 for k, v in filters.items()},
        created_at=moment, updated_at=moment,
    )  # fmt: skip
    ViewRepository(session).add(row)
    return view_of(row, org)


def get_view(session: Session, org: str, view_id: str) -> View:
    row = ViewRepository(session).get(get_org(session, org).id, view_id)
    if row is None:
        raise NotFound(f"view {view_id[:64]!r} not found")
    return view_of(row, org)


def views(session: Session, org: str, offset: int, limit: int) -> ViewPage:
    _check_page(offset, limit)
    rows, total = ViewRepository(session).page(get_org(session, org).id, offset, limit)
    return ViewPage([view_of(r, org) for r in rows], total, offset, limit)


def _check_page(offset: int, limit: int) -> None:
    if offset < 0 or not 1 <= limit <= MAX_PAGE_SIZE:
        raise InvalidInput(f"page: offset >= 0 and 1-{MAX_PAGE_SIZE} items per page")


def _row(session: Session, org: str, budget_id: str) -> models.Budget:
    row = BudgetRepository(session).get(get_org(session, org).id, budget_id)
    if row is None:
        raise NotFound(f"budget {budget_id[:64]!r} not found")
    return row


def _columns(data: BudgetInput, account_ids: tuple[str, ...] | None) -> dict[str, Any]:
    return {
        "name": data.name,
        "amount": decimal_text(data.amount),
        "period": str(data.period),
        "view_id": data.view_id,
        "notifications": [
            {"threshold": decimal_text(r.threshold), "recipients": list(r.recipients)}
            for r in data.notifications
        ],
        "account_ids": None if account_ids is None else sorted(set(account_ids)),
    }


def budget_of(row: models.Budget, org: str) -> Budget:
    return Budget(
        id=row.id,
        org=org,
        name=row.name,
        amount=Decimal(row.amount),
        period=Period(row.period),
        view_id=row.view_id,
        notifications=tuple(
            NotificationRule(Decimal(n["threshold"]), tuple(n["recipients"]))
            for n in row.notifications
        ),
        account_ids=None if row.account_ids is None else tuple(row.account_ids),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _filters(stored: Mapping[str, Any]) -> dict[str, ValueFilter]:
    return {
        k: ValueFilter(tuple(v.get("include", ())), tuple(v.get("exclude", ())))
        for k, v in stored.items()
    }


def view_of(row: models.View, org: str) -> View:
    return View(row.id, org, row.name, _filters(row.filters), row.created_at, row.updated_at)
