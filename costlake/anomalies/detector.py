"""The statistics of anomaly detection on one daily cost series: pure numpy, no I/O.

For each day, the expected cost comes from the days before it only:

- **weekly seasonality**: each weekday's offset from the typical day (medians over the last
  eight weeks, so a bad day or two cannot move it);
- **level**: the median of the last seven normal days with their weekday offset removed;
- **trend**: the median of week-over-week differences divided by seven (a Theil-Sen-like
  slope that weekly seasonality cannot bias), used once the current regime has two weeks;
- **noise**: the median absolute week-over-week difference, scaled to a standard deviation.

A day is anomalous when its deviation passes *all* of: ``sensitivity`` robust standard
deviations, the absolute threshold, the percentage threshold, and the cost floor (the larger
of actual and expected must reach it). A series needs ``min_history_days`` of data first.

Anomalous days are left out of every later baseline, so an anomaly never inflates its own
baseline (nor hides the next one). Two exceptions keep one event from being reported again
and again:

- **level shifts**: after ``SHIFT_DAYS`` days in a row that are anomalous (or nearly) in
  one direction, the new level is accepted as normal (the days stay one anomaly, and
  later days are judged against the new level); if the series comes back to the old level within
  ``RETURN_DAYS``, that return is the end of the episode, not a second anomaly;
- **fixed-day charges**: a spike on the same day of the month as a similar spike a month
  earlier (a support plan, a domain fee billed as usage) is a recurring charge, not an
  anomaly.

A series with no cost in its whole window that starts costing is a ``new_service``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from costlake.anomalies.schemas import AlertType

SEASON_DAYS = 56
"""How far back seasonality, trend and noise are estimated: eight of each weekday."""
LEVEL_DAYS = 7
SHIFT_DAYS = 7
RETURN_DAYS = 28
MAD_TO_SIGMA = 1.4826
PREDICTION_ERROR = 1.15
"""sqrt(1 + (1.25 / sqrt(7))^2): a median of seven days misses the level by about half
the noise of one day."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a deviation counts (see ``costlake.config`` for the settings behind each)."""

    min_impact: float = 25.0
    min_percent: float = 20.0
    min_daily_cost: float = 5.0
    sensitivity: float = 5.0
    min_history_days: int = 14


@dataclass(frozen=True, slots=True)
class Flag:
    """One anomalous day of a series."""

    index: int
    kind: AlertType
    expected: float
    actual: float


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive anomalous days in one direction: the episode they form."""

    kind: AlertType
    start: int
    end: int  # inclusive
    expected: float
    actual: float


def _median(values: np.ndarray | list[float]) -> float:
    """The median of a few values; ``np.median``'s checks cost more than sorting them."""
    ordered = np.sort(np.asarray(values, dtype=float))
    n = len(ordered)
    if n == 0:
        return float("nan")
    mid = n // 2
    return float(ordered[mid]) if n % 2 else float((ordered[mid - 1] + ordered[mid]) / 2)


def _passes(dev: float, expected: float, actual: float, sigma: float, t: Thresholds) -> bool:
    size = abs(dev)
    if size < t.min_impact or size < t.sensitivity * sigma:
        return False
    if max(actual, expected) < t.min_daily_cost:
        return False
    return expected <= 0 or size * 100 >= t.min_percent * expected


class _Series:
    """One pass over a series, keeping which days are normal and where the regime starts."""

    def __init__(self, values: np.ndarray, first_day: date, t: Thresholds) -> None:
        self.y = values
        self.n = len(values)
        self.t = t
        self.first_day = first_day
        self.weekday = (np.arange(self.n) + first_day.weekday()) % 7
        self.normal = np.ones(self.n, dtype=bool)
        self.regime = 0
        self.shift: tuple[int, np.ndarray, int, AlertType] | None = None
        """The accepted shift: its first day, the per-weekday baseline before it, the
        regime before it, and the kind of its episode."""

    def baseline(self, day: int, lo: int) -> tuple[float, float, np.ndarray]:
        """Expected cost of ``day``, the noise's standard deviation, and the expected cost
        of each weekday at ``day`` (for remembering the level before a shift), from the
        normal days in ``[lo, day)``."""
        y, normal = self.y, self.normal
        idx = np.arange(lo, day)[normal[lo:day]]
        regime_idx = idx[idx >= self.regime]
        # Days of the regime whose day a week earlier is a normal day of the regime too.
        week_before = regime_idx - 7
        pairs = regime_idx[
            (week_before >= self.regime) & normal[np.maximum(week_before, 0)] & (week_before >= lo)
        ]
        slope = 0.0
        if len(regime_idx) >= 14 and len(pairs) >= 7:
            slope = float(_median(y[pairs] - y[pairs - 7])) / 7
        # Nothing cost anything before this regime: the series is new (a new service).
        fresh = not np.any(y[idx[idx < self.regime]] > 0)
        if fresh and len(regime_idx) < 14:
            # A series that just began (a new service): too few weeks for a weekly
            # pattern, so none, and its whole spread (weekends too) counts as noise.
            factors = np.ones(7)
            costs = y[regime_idx]
            middle = float(_median(costs)) if len(costs) else 0.0
            spread = float(np.std(costs / middle)) if middle > 0 else 0.0
        else:
            factors, spread = self._weekly_factors(regime_idx if fresh else idx)
        recent = regime_idx[-LEVEL_DAYS:] if len(regime_idx) else idx[-LEVEL_DAYS:]
        level_values = (y[recent] + slope * (day - recent)) / factors[self.weekday[recent]]
        level = max(float(_median(level_values)), 0.0)
        by_weekday = level * factors
        expected = float(by_weekday[self.weekday[day]])
        factor = float(factors[self.weekday[day]])
        noise = max(self._noise(pairs, factors, level_values) * factor, spread * expected)
        # The expected cost is itself an estimate (a median of seven days): its error adds
        # to the day's noise; more so in a young series or regime.
        young = len(regime_idx)
        sigma = noise * (2.0 if young < 21 else 1.5 if young < 35 else PREDICTION_ERROR)
        return expected, sigma, by_weekday

    def _weekly_factors(self, idx: np.ndarray) -> tuple[np.ndarray, float]:
        """Each weekday's cost as a multiple of the local level (the median of the seven
        normal days around it), the median over the window's weeks. Multiples, not
        offsets: a level shift scales a weekend dip with it, and a local level keeps a shift
        inside the window from skewing the weekdays it happened on. With two weeks only, the
        less extreme week's multiple counts, so one odd day does not set its weekday's
        pattern.

        Also returns the relative noise: the spread of the days' multiples around their
        weekday's, as a standard deviation."""
        y = self.y
        factors = np.ones(7)
        ratios: list[list[float]] = [[] for _ in range(7)]
        costs = y[idx]
        if len(costs) >= LEVEL_DAYS:
            medians = np.sort(sliding_window_view(costs, LEVEL_DAYS), axis=1)[:, LEVEL_DAYS // 2]
            starts = np.clip(np.arange(len(costs)) - 3, 0, len(medians) - 1)
            local = medians[starts]
        else:
            local = np.full(len(costs), float(_median(costs)) if len(costs) else 0.0)
        ok = local > 0
        multiples = costs[ok] / local[ok]
        days = self.weekday[idx][ok]
        for w in range(7):
            ratios[w] = multiples[days == w].tolist()
        for w, values in enumerate(ratios):
            if len(values) >= 3:
                factors[w] = float(_median(values))
            elif len(values) == 2 and max(values) <= 1.5 * min(values):
                factors[w] = sum(values) / 2
            elif values:  # one week, or two that disagree: the less extreme week
                factors[w] = min(values, key=lambda r: abs(r - 1.0))
        # Never divide by a weekday that costs nothing: treat it as unknown (1).
        factors[factors <= 0.05] = 1.0
        # A weekday's multiple is fitted to its own few weeks, which hides some of their
        # noise: scale each residual back up (sqrt(k / (k - 1)) for k weeks).
        parts = [
            (np.asarray(values) - factors[w]) * np.sqrt(len(values) / (len(values) - 1))
            for w, values in enumerate(ratios)
            if len(values) >= 2
        ]
        res = np.concatenate(parts) if parts else np.zeros(0)
        if len(res) < 7:
            return factors, 0.0
        return factors, MAD_TO_SIGMA * float(_median(np.abs(res - _median(res))))

    def _noise(self, pairs: np.ndarray, factors: np.ndarray, level_values: np.ndarray) -> float:
        """The noise of one day at the level, as a standard deviation: week-over-week
        differences of the deseasonalised costs (so neither the weekly pattern nor a slow
        trend counts as noise), or for a young regime the spread around its level."""
        if len(pairs) >= 5:
            flat = self.y / factors[self.weekday]
            diffs = flat[pairs] - flat[pairs - 7]
            mad = float(_median(np.abs(diffs - _median(diffs))))
            return MAD_TO_SIGMA * mad / np.sqrt(2)
        mad = float(_median(np.abs(level_values - _median(level_values))))
        return MAD_TO_SIGMA * mad

    def fixed_day_charge(self, day: int, excess: float) -> bool:
        """Whether ``day``'s excess repeats one a month earlier, on the same day of month."""
        when = self.first_day + timedelta(days=day)
        year, month = (when.year, when.month - 1) if when.month > 1 else (when.year - 1, 12)
        try:
            before = date(year, month, when.day)
        except ValueError:
            return False
        p = (before - self.first_day).days
        if p < 0:
            return False
        around = [i for i in range(max(0, p - 3), min(self.n, p + 4)) if i != p]
        if not around:
            return False
        previous_excess = float(self.y[p] - _median(self.y[around]))
        return 0.5 * excess <= previous_excess <= 2 * excess

    def returned(self, day: int) -> bool:
        """Whether ``day`` is back at the level from before a recently accepted shift."""
        if self.shift is None or day - self.shift[0] > RETURN_DAYS:
            return False
        before = float(self.shift[1][self.weekday[day]])
        dev = float(self.y[day]) - before
        return abs(dev) < max(self.t.min_impact, self.t.min_percent / 100 * before)


def detect(values: np.ndarray | list[float], first_day: date, t: Thresholds) -> list[Flag]:
    """The anomalous days of a daily series starting on ``first_day`` (no gaps: a day
    without cost is 0). Days before ``min_history_days`` are never flagged."""
    y = np.asarray(values, dtype=float)
    if not len(y) or float(y.max()) < t.min_daily_cost:
        return []  # every day under the floor
    s = _Series(y, first_day, t)
    flags: dict[int, Flag] = {}
    run: list[int] = []
    for day in range(max(t.min_history_days, 1), s.n):
        lo = max(0, day - SEASON_DAYS)
        actual = float(y[day])
        window = y[lo:day][s.normal[lo:day]]
        if not np.any(window > 0):
            if actual >= max(t.min_impact, t.min_daily_cost):
                kind = AlertType.NEW_SERVICE
                expected = 0.0
            else:
                run = []
                continue
        else:
            expected, sigma, by_weekday = s.baseline(day, lo)
            dev = actual - expected
            if not _passes(dev, expected, actual, sigma, t):
                if not (run and _leans(dev, expected, flags[run[-1]].kind, t)):
                    run = []
                continue
            if s.returned(day):
                _undo_shift(s, flags, day)
                run = []
                continue
            if dev > 0 and s.fixed_day_charge(day, dev):
                s.normal[day] = False
                run = []
                continue
            kind = AlertType.SPEND_SPIKE if dev > 0 else AlertType.SPEND_DROP
            if run and flags[run[-1]].kind.upward != kind.upward:
                run = []
            if run and flags[run[-1]].kind is AlertType.NEW_SERVICE:
                kind = AlertType.NEW_SERVICE  # the rest of a new service's first days
        flags[day] = Flag(day, kind, expected, actual)
        s.normal[day] = False
        run.append(day)
        if day - run[0] + 1 >= SHIFT_DAYS:
            first = run[0]
            lo_first = max(0, first - SEASON_DAYS)
            before = (
                s.baseline(first, lo_first)[2]
                if np.any(y[lo_first:first][s.normal[lo_first:first]] > 0)
                else np.zeros(7)
            )
            s.shift = (first, before, s.regime, flags[first].kind)
            s.normal[first : day + 1] = True
            s.regime = first
            run = []
    return sorted(flags.values(), key=lambda f: f.index)


def _leans(dev: float, expected: float, kind: AlertType, t: Thresholds) -> bool:
    """Whether a day that is not anomalous still deviates half as much, the same way as
    the run before it: a level shift on a small series can leave its weekend days under
    the thresholds, and those days must not cut the shift into pieces."""
    same_way = dev > 0 if kind.upward else dev < 0
    size = abs(dev)
    return (
        same_way
        and size >= t.min_impact / 2
        and (expected <= 0 or size * 100 >= t.min_percent / 2 * expected)
    )


def _undo_shift(s: _Series, flags: dict[int, Flag], day: int) -> None:
    """The series came back to its old level: the shifted days, including those after the
    shift was accepted, were one episode and not a new normal."""
    assert s.shift is not None
    first, before, regime, kind = s.shift
    for i in range(first, day):
        if i not in flags:
            flags[i] = Flag(i, kind, float(before[s.weekday[i]]), float(s.y[i]))
        s.normal[i] = False
    s.regime = regime
    s.shift = None


def runs(flags: list[Flag], *, gap: int = 2) -> list[Run]:
    """Flags merged into episodes: consecutive days (at most ``gap`` normal days between)
    in the same direction form one episode; its kind is its first day's."""
    out: list[Run] = []
    for f in flags:
        last = out[-1] if out else None
        if last is not None and f.index - last.end <= gap + 1 and last.kind.upward == f.kind.upward:
            out[-1] = Run(
                last.kind, last.start, f.index, last.expected + f.expected, last.actual + f.actual
            )
        else:
            out.append(Run(f.kind, f.index, f.index, f.expected, f.actual))
    return out
