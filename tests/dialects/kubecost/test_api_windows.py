"""Every window form through the served API at the clock ``COSTLAKE_NOW`` pins (the
conftest's Tuesday 2024-04-09 10:30:15 UTC): the returned ``window`` is the golden one
(``accumulate=true`` keeps it as parsed), and an illegal one is a 400 saying why."""

from __future__ import annotations

import pytest

from tests.dialects.kubecost.conftest import NOW, World
from tests.dialects.kubecost.test_api import SERIES, TOTAL, data, get
from tests.dialects.kubecost.test_window import GOLDEN
from tests.dialects.kubecost.test_window import NOW as WINDOW_NOW


def test_the_golden_clock_is_the_served_one() -> None:
    assert WINDOW_NOW.isoformat().replace("+00:00", "Z") == NOW


@pytest.mark.parametrize("text, start, end", GOLDEN, ids=[g[0] for g in GOLDEN])
def test_each_window_form_is_answered_for_opencosts_window(
    world: World, text: str, start: str, end: str
) -> None:
    got = data(get(world, TOTAL, window=text, accumulate="true"))
    assert got["window"] == {"start": start, "end": end}
    (step,) = data(get(world, SERIES, window=text, accumulate="true"))["timeseries"]
    assert step["window"] == {"start": start, "end": end}


@pytest.mark.parametrize("text", ["7x", "Today", "7d offset", "-7d", "2024-04-07T00:00:00Z"])
def test_an_illegal_window_is_a_400_naming_it(world: World, text: str) -> None:
    r = get(world, TOTAL, window=text)
    assert r.status_code == 400 and r.json()["code"] == 400
    assert "illegal window" in r.json()["message"]
