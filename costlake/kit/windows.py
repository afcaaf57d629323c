"""Trailing time windows ending today (UTC, half-open [start, end)) and the window before."""

from __future__ import annotations

import calendar
import enum
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta


class Period(enum.StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


@dataclass(frozen=True, slots=True)
class Window:
    start: date
    end: date  # exclusive

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min)

    @property
    def end_at(self) -> datetime:
        return datetime.combine(self.end, time.min)

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def months_back(day: date, months: int) -> date:
    """The same day ``months`` months earlier, clamped to the month's last day."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(y, m + 1)[1]
    return date(y, m + 1, min(day.day, last))


def trailing(period: Period, today: date) -> tuple[Window, Window]:
    """(current, previous): day = [yesterday, today); week = [today-7d, today);
    month = [same day last month, today). The previous window is the same kind of window
    ending where the current one starts."""
    if period is Period.DAY:
        cur = Window(today - timedelta(days=1), today)
        return cur, Window(cur.start - timedelta(days=1), cur.start)
    if period is Period.WEEK:
        cur = Window(today - timedelta(days=7), today)
        return cur, Window(cur.start - timedelta(days=7), cur.start)
    cur = Window(months_back(today, 1), today)
    return cur, Window(months_back(today, 2), cur.start)
