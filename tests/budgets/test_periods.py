"""Budget periods are calendar months, quarters and years (UTC)."""

from __future__ import annotations

from datetime import date

import pytest

from costlake.budgets.periods import window
from costlake.budgets.schemas import Period


@pytest.mark.parametrize(
    "period, day, start, end",
    [
        (Period.MONTHLY, date(2024, 2, 29), date(2024, 2, 1), date(2024, 3, 1)),
        (Period.MONTHLY, date(2024, 12, 31), date(2024, 12, 1), date(2025, 1, 1)),
        (Period.QUARTERLY, date(2024, 1, 1), date(2024, 1, 1), date(2024, 4, 1)),
        (Period.QUARTERLY, date(2024, 6, 30), date(2024, 4, 1), date(2024, 7, 1)),
        (Period.QUARTERLY, date(2024, 11, 15), date(2024, 10, 1), date(2025, 1, 1)),
        (Period.ANNUAL, date(2024, 7, 4), date(2024, 1, 1), date(2025, 1, 1)),
    ],
)
def test_the_period_that_contains_a_day(period: Period, day: date, start: date, end: date) -> None:
    w = window(period, day)
    assert (w.start, w.end) == (start, end)
    assert w.start <= day < w.end
