"""OpenCost's ``window`` and ``accumulate`` parameters, as OpenCost reads them in UTC.

``window`` takes, in this order of trial (as OpenCost's ``parseWindow`` does):

- the named windows ``today``, ``yesterday``, ``week`` (Sunday 00:00 to now), ``lastweek``
  (the Sunday-to-Sunday week before), ``month`` (the 1st 00:00 to now), ``lastmonth``;
- ``N<unit>`` with unit ``m``, ``h``, ``d`` or ``w``: "the last N units", rounded so that it
  ends at the end of the current unit (``2h`` at 10:30 is 09:00-11:00; ``7d`` ends at the
  next midnight; ``Nw`` ends at the next midnight and spans N weeks);
- ``N<unit> offset M<unit>``: N units ending M units before now, not rounded;
- a pair of Unix seconds joined by ``,``, ``|`` or ``-``;
- a pair of RFC 3339 instants joined by ``,``.

Where OpenCost has a bug, the window here is what its code plainly means and the choice is
written in docs/dialects/kubecost.md (a ``w`` offset is 7 days, not OpenCost's 168 days).

``accumulate`` then rounds the window out to whole steps and cuts it into them
(:func:`accumulate_window`, :func:`steps`), as OpenCost's ``GetAccumulateWindow(s)`` do.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from costlake.errors import InvalidInput

HOURLY_RETENTION = timedelta(hours=49)
"""OpenCost's default hourly store retention: ``accumulate=false`` steps by the hour when the
window is no longer than this and starts inside it (by the day otherwise)."""

_UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1)}
_WEEK = timedelta(days=7)
_DAY = timedelta(days=1)
_DURATION = re.compile(r"(\d+)([mhdw])")
_DURATION_OFFSET = re.compile(r"(\d+)([mhdw]) offset (\d+)([mhdw])")
_UNIX_PAIR = re.compile(r"(\d+)[,|-](\d+)")
_INSTANT = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)"
_RFC_PAIR = re.compile(rf"({_INSTANT}),({_INSTANT})")
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)
"""Go's zero time: ``time.Truncate`` rounds to multiples of a duration counted from here."""


class InvalidWindow(InvalidInput):
    """A ``window`` or ``accumulate`` value that OpenCost would refuse, saying why."""


@dataclass(frozen=True, slots=True)
class Window:
    """A closed window, UTC, ``end`` exclusive."""

    start: datetime
    end: datetime

    @property
    def duration(self) -> timedelta:
        return self.end - self.start

    def to_json(self) -> dict[str, str]:
        """As OpenCost's ``Window.MarshalJSON``: RFC 3339 to the second."""
        return {"start": rfc3339(self.start), "end": rfc3339(self.end)}


def rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _truncate(moment: datetime, step: timedelta) -> datetime:
    return moment - (moment - _EPOCH) % step


def _midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def _days_since_sunday(moment: datetime) -> int:
    return (moment.weekday() + 1) % 7


def _first_of_month(moment: datetime) -> datetime:
    return _midnight(moment).replace(day=1)


def _unit(letter: str) -> timedelta:
    return _WEEK if letter == "w" else _UNITS[letter]


def _named(name: str, now: datetime) -> Window | None:
    today = _midnight(now)
    if name == "today":
        return Window(today, today + _DAY)
    if name == "yesterday":
        return Window(today - _DAY, today)
    if name == "week":
        return Window(today - _days_since_sunday(today) * _DAY, now)
    if name == "lastweek":
        start = today - (_days_since_sunday(today) + 7) * _DAY
        return Window(start, start + _WEEK)
    if name == "month":
        return Window(_first_of_month(now), now)
    if name == "lastmonth":
        end = _first_of_month(now)
        return Window(_first_of_month(end - _DAY), end)
    return None


def _instant(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        raise InvalidWindow(f"illegal window: {text!r} is not a valid instant") from None


def parse_window(text: str, now: datetime) -> Window:
    """The window ``text`` names at ``now`` (aware); :class:`InvalidWindow` saying why not."""
    now = now.astimezone(UTC)
    try:
        return _checked(_parse(text, now), text)
    except InvalidWindow:
        raise
    except (OverflowError, ValueError, OSError):
        raise InvalidWindow(f"illegal window: {text!r} is out of range") from None


def _parse(text: str, now: datetime) -> Window:
    if not text:
        raise InvalidWindow("missing required window param")
    named = _named(text, now)
    if named is not None:
        return named
    if m := _DURATION.fullmatch(text):
        n, unit = int(m[1]), m[2]
        if unit == "w":
            # "the past N weeks" ends tonight at midnight.
            end = _midnight(now) + _DAY
            return Window(_midnight(now - n * _WEEK) + _DAY, end)
        step = _unit(unit)
        end = _truncate(now, step) + step
        return Window(end - n * step, end)
    if m := _DURATION_OFFSET.fullmatch(text):
        end = now - int(m[3]) * _unit(m[4])
        return Window(end - int(m[1]) * _unit(m[2]), end)
    if m := _UNIX_PAIR.fullmatch(text):
        start, end = (datetime.fromtimestamp(int(v), UTC) for v in (m[1], m[2]))
        return Window(start, end)
    if m := _RFC_PAIR.fullmatch(text):
        return Window(_instant(m[1]), _instant(m[2]))
    raise InvalidWindow(
        f"illegal window: {text!r}; use today, yesterday, week, lastweek, month, lastmonth, "
        "a duration like 7d (units m, h, d, w), '7d offset 1d', a pair of Unix seconds "
        "'1712448000,1712620800', or of RFC 3339 instants "
        "'2024-04-07T00:00:00Z,2024-04-09T00:00:00Z'"
    )


def _checked(window: Window, text: str) -> Window:
    if window.end < window.start:
        raise InvalidWindow(f"illegal window: {text!r} ends before it starts")
    return window


class Accumulate(enum.StrEnum):
    """OpenCost's accumulate options: ``ALL`` is ``true``; ``NONE`` is ``false``, which
    steps by the hour or the day depending on the window."""

    NONE = "none"
    ALL = "all"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"


_ACCUMULATE = {
    "": Accumulate.DAY,
    "false": Accumulate.NONE,
    "true": Accumulate.ALL,
    **{a.value: a for a in Accumulate if a not in (Accumulate.NONE, Accumulate.ALL)},
}


def parse_accumulate(text: str | None) -> Accumulate:
    """``accumulate`` as OpenCost reads it (absent: ``day``), case-insensitively; a value
    OpenCost would silently read as ``false`` is refused instead."""
    key = (text or "").strip().lower()
    found = _ACCUMULATE.get(key)
    if found is None:
        raise InvalidWindow(
            f"illegal accumulate: {text!r}; use true, false, hour, day, week, month or quarter"
        )
    return found


def resolve(accumulate: Accumulate, window: Window, now: datetime) -> Accumulate:
    """``false`` made concrete as OpenCost does: hourly steps for a window of at most 49
    hours that starts inside the hourly retention, daily steps otherwise."""
    if accumulate is not Accumulate.NONE:
        return accumulate
    recent = window.start > now.astimezone(UTC) - HOURLY_RETENTION
    return Accumulate.HOUR if recent and window.duration <= HOURLY_RETENTION else Accumulate.DAY


def _next_quarter(moment: datetime) -> datetime:
    month = (moment.month - 1) // 3 * 3 + 1
    first = datetime(moment.year, month, 1, tzinfo=UTC)
    return _add_months(first, 3)


def _add_months(moment: datetime, n: int) -> datetime:
    months = moment.year * 12 + moment.month - 1 + n
    return moment.replace(year=months // 12, month=months % 12 + 1, day=1)


def _quarter_start(moment: datetime) -> datetime:
    return datetime(moment.year, (moment.month - 1) // 3 * 3 + 1, 1, tzinfo=UTC)


def accumulate_window(window: Window, accumulate: Accumulate) -> Window:
    """``window`` rounded out to whole steps of ``accumulate`` (resolved, not NONE); an
    end already on a step boundary stays."""
    s, e = window.start, window.end
    if accumulate is Accumulate.ALL:
        return window
    if accumulate is Accumulate.HOUR:
        start = s.replace(minute=0, second=0, microsecond=0)
        top = e.replace(minute=0, second=0, microsecond=0)
        return Window(start, top if top == e else top + timedelta(hours=1))
    if accumulate is Accumulate.DAY:
        return Window(_midnight(s), e if _midnight(e) == e else _midnight(e) + _DAY)
    if accumulate is Accumulate.WEEK:
        start = _midnight(s) - _days_since_sunday(s) * _DAY
        on_sunday = _days_since_sunday(e) == 0 and _midnight(e) == e
        end = e if on_sunday else _midnight(e) + (7 - _days_since_sunday(e)) * _DAY
        return Window(start, end)
    if accumulate is Accumulate.MONTH:
        end = e if _first_of_month(e) == e else _add_months(_first_of_month(e), 1)
        return Window(_first_of_month(s), end)
    if accumulate is Accumulate.QUARTER:
        end = e if _quarter_start(e) == e else _next_quarter(e)
        return Window(_quarter_start(s), end)
    raise ValueError(f"resolve {accumulate} first")


def _advance(moment: datetime, accumulate: Accumulate) -> datetime:
    if accumulate is Accumulate.HOUR:
        return moment + timedelta(hours=1)
    if accumulate is Accumulate.DAY:
        return moment + _DAY
    if accumulate is Accumulate.WEEK:
        return moment + _WEEK
    return _add_months(moment, 1 if accumulate is Accumulate.MONTH else 3)


MAX_STEPS = 10_000
"""More steps than this is refused (OpenCost would try to answer ``accumulate=hour`` over
years, one query per hour)."""


def steps(window: Window, accumulate: Accumulate) -> list[Window]:
    """The steps of a timeseries: the rounded window cut into whole steps (one step for
    ``true``); an empty list for an empty window."""
    rounded = accumulate_window(window, accumulate)
    if accumulate is Accumulate.ALL:
        return [rounded]
    if accumulate is Accumulate.HOUR and rounded.duration > MAX_STEPS * timedelta(hours=1):
        raise InvalidWindow(f"too many steps: use a coarser accumulate than hour for {rounded}")
    if accumulate is Accumulate.DAY and rounded.duration > MAX_STEPS * _DAY:
        raise InvalidWindow(f"too many steps: use a coarser accumulate than day for {rounded}")
    out: list[Window] = []
    start = rounded.start
    end = _advance(start, accumulate)
    while end <= rounded.end:
        out.append(Window(start, end))
        start, end = end, _advance(end, accumulate)
    return out
