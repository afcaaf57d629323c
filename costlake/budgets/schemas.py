"""Core types of budgets and views, in the core's vocabulary: view filters are keyed by
FOCUS columns or ``tag:<key>``; money and thresholds are exact decimals."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from costlake.insights.schemas import ValueFilter


class Period(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    ANNUAL = "annual"


@dataclass(frozen=True, slots=True)
class NotificationRule:
    """Mail ``recipients`` once a period when spend reaches ``threshold`` percent of the
    budget's amount."""

    threshold: Decimal
    recipients: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BudgetInput:
    """What a client writes: the whole budget (an update replaces every field)."""

    name: str
    amount: Decimal
    period: Period | str
    view_id: str | None = None
    notifications: tuple[NotificationRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Budget:
    id: str
    org: str
    name: str
    amount: Decimal
    period: Period
    view_id: str | None
    notifications: tuple[NotificationRule, ...]
    account_ids: tuple[str, ...] | None
    """The account grant of whoever last wrote it (None: the whole org): evaluation sees
    only these accounts' spend."""
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class BudgetPage:
    items: list[Budget]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class ViewInput:
    name: str
    filters: dict[str, ValueFilter] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class View:
    id: str
    org: str
    name: str
    filters: dict[str, ValueFilter]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class ViewPage:
    items: list[View]
    total: int
    offset: int
    limit: int


@dataclass(frozen=True, slots=True)
class Window:
    """One budget period: ``start`` inclusive, ``end`` exclusive (calendar, UTC)."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days


@dataclass(frozen=True, slots=True)
class Evaluation:
    """A budget against its spend on ``as_of``: ``actual`` over the period so far,
    ``forecast`` for the whole period (run rate of the days with data), and the thresholds
    that ``actual`` has reached."""

    budget: Budget
    window: Window
    as_of: date
    actual: Decimal
    forecast: Decimal
    days_with_data: int
    reached: tuple[NotificationRule, ...]

    @property
    def percent(self) -> Decimal:
        return self.actual * 100 / self.budget.amount

    @property
    def forecast_percent(self) -> Decimal:
        return self.forecast * 100 / self.budget.amount


@dataclass(frozen=True, slots=True)
class Sent:
    """What one evaluation run did for a budget: thresholds mailed now, those skipped
    because they were already notified this period, and those whose mail failed (their
    claim is released, so the next run tries again)."""

    evaluation: Evaluation
    sent: tuple[Decimal, ...] = ()
    already: tuple[Decimal, ...] = ()
    failed: tuple[Decimal, ...] = ()
