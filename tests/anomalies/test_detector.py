"""The detector's statistics on synthetic daily series (no lake, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from costlake.anomalies.detector import Thresholds, detect, runs
from costlake.anomalies.schemas import AlertType
from tests.anomalies.conftest import START, weekly

T = Thresholds()


def episodes(values: list[float] | np.ndarray, first: date = START) -> list[tuple[str, int, int]]:
    return [(r.kind.value, r.start, r.end) for r in runs(detect(values, first, T))]


class TestNoAlarm:
    def test_a_steady_series_with_a_weekly_pattern_is_quiet(self) -> None:
        assert episodes(weekly(120, seed=3, noise=0.08)) == []

    def test_a_growing_series_is_quiet(self) -> None:
        values = [v * (1 + 0.01 * i) for i, v in enumerate(weekly(120, seed=4))]
        assert episodes(values) == []

    def test_fewer_than_the_minimum_days_never_alarm(self) -> None:
        values = weekly(14)
        values[13] *= 10
        assert episodes(values) == []
        values = weekly(15)
        values[14] *= 10
        assert episodes(values) == [("spend_spike", 14, 14)]

    def test_a_tiny_series_below_the_floor_never_alarms(self) -> None:
        values = weekly(60, level=1.0)
        values[40] *= 4  # +300%, but a few cents
        assert episodes(values) == []

    def test_a_small_absolute_change_does_not_alarm(self) -> None:
        values = weekly(60, level=50.0, noise=0.0)
        values[40] += 20  # +40%, but under the absolute threshold
        assert episodes(values) == []

    def test_a_charge_on_the_same_day_every_month_is_not_an_anomaly(self) -> None:
        values = weekly(120, seed=5)
        for i in range(120):
            if (START + timedelta(days=i)).day == 1:
                values[i] += 900  # a support plan billed as usage
        assert episodes(values) == []


class TestAlarms:
    def test_a_one_day_spike(self) -> None:
        values = weekly(60)
        values[40] *= 3
        [run] = runs(detect(values, START, T))
        assert (run.kind, run.start, run.end) == (AlertType.SPEND_SPIKE, 40, 40)
        assert run.expected == pytest.approx(values[33], rel=0.15)

    def test_a_drop_over_three_days_is_one_episode(self) -> None:
        values = weekly(60)
        for i in (40, 41, 42):
            values[i] *= 0.2
        assert episodes(values) == [("spend_drop", 40, 42)]

    def test_a_level_shift_is_reported_once(self) -> None:
        values = weekly(120)
        for i in range(50, 120):
            values[i] *= 2
        [(kind, start, end)] = episodes(values)
        assert (kind, start) == ("spend_spike", 50)
        assert end < 60

    def test_a_long_spike_that_ends_is_one_episode_and_no_drop(self) -> None:
        values = weekly(100)
        for i in range(50, 62):
            values[i] *= 3
        assert episodes(values) == [("spend_spike", 50, 61)]

    def test_a_new_service_is_reported_once(self) -> None:
        values = [0.0] * 30 + weekly(70)[30:]
        [(kind, start, _)] = episodes(values)
        assert (kind, start) == ("new_service", 30)

    def test_the_anomaly_does_not_inflate_its_own_baseline(self) -> None:
        """Two spikes a week apart on the same weekday: the second is still a spike."""
        values = weekly(60)
        values[40] *= 3
        values[47] *= 3
        assert episodes(values) == [("spend_spike", 40, 40), ("spend_spike", 47, 47)]

    def test_a_spike_in_the_first_two_weeks_does_not_set_the_weekly_pattern(self) -> None:
        values = weekly(60)
        values[2] *= 4  # before detection can start: part of the history
        assert episodes(values) == []
