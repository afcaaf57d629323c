"""Budget periods on the calendar, UTC: months, quarters (January, April, July, October)
and years."""

from __future__ import annotations

from datetime import date

from costlake.budgets.schemas import Period, Window


def window(period: Period, day: date) -> Window:
    """The period of kind ``period`` that contains ``day``."""
    if period is Period.MONTHLY:
        start = day.replace(day=1)
        months = 1
    elif period is Period.QUARTERLY:
        start = date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    else:
        start = date(day.year, 1, 1)
        months = 12
    index = start.month - 1 + months
    return Window(start, date(start.year + index // 12, index % 12 + 1, 1))
