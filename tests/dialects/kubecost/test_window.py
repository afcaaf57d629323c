"""Golden cases for OpenCost's ``window`` and ``accumulate`` at a fixed clock: Tuesday
2024-04-09 10:30:15 UTC (the week began on Sunday 04-07)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from costlake.dialects.kubecost.window import (
    Accumulate,
    InvalidWindow,
    Window,
    accumulate_window,
    parse_accumulate,
    parse_window,
    resolve,
    steps,
)

NOW = datetime(2024, 4, 9, 10, 30, 15, tzinfo=UTC)


def w(start: str, end: str) -> Window:
    return parse_window(f"{start},{end}", NOW)


GOLDEN = [
    ("today", "2024-04-09T00:00:00Z", "2024-04-10T00:00:00Z"),
    ("yesterday", "2024-04-08T00:00:00Z", "2024-04-09T00:00:00Z"),
    ("week", "2024-04-07T00:00:00Z", "2024-04-09T10:30:15Z"),
    ("lastweek", "2024-03-31T00:00:00Z", "2024-04-07T00:00:00Z"),
    ("month", "2024-04-01T00:00:00Z", "2024-04-09T10:30:15Z"),
    ("lastmonth", "2024-03-01T00:00:00Z", "2024-04-01T00:00:00Z"),
    ("45m", "2024-04-09T09:46:00Z", "2024-04-09T10:31:00Z"),
    ("2h", "2024-04-09T09:00:00Z", "2024-04-09T11:00:00Z"),
    ("1d", "2024-04-09T00:00:00Z", "2024-04-10T00:00:00Z"),
    ("7d", "2024-04-03T00:00:00Z", "2024-04-10T00:00:00Z"),
    ("30d", "2024-03-11T00:00:00Z", "2024-04-10T00:00:00Z"),
    ("1w", "2024-04-03T00:00:00Z", "2024-04-10T00:00:00Z"),
    ("2w", "2024-03-27T00:00:00Z", "2024-04-10T00:00:00Z"),
    ("1d offset 1h", "2024-04-08T09:30:15Z", "2024-04-09T09:30:15Z"),
    ("30m offset 15m", "2024-04-09T09:45:15Z", "2024-04-09T10:15:15Z"),
    ("3d offset 2d", "2024-04-04T10:30:15Z", "2024-04-07T10:30:15Z"),
    ("2h offset 1w", "2024-04-02T08:30:15Z", "2024-04-02T10:30:15Z"),
    ("1712448000,1712620800", "2024-04-07T00:00:00Z", "2024-04-09T00:00:00Z"),
    ("1712448000-1712620800", "2024-04-07T00:00:00Z", "2024-04-09T00:00:00Z"),
    ("1712448000|1712620800", "2024-04-07T00:00:00Z", "2024-04-09T00:00:00Z"),
    ("2024-04-07T00:00:00Z,2024-04-09T00:00:00Z", "2024-04-07T00:00:00Z", "2024-04-09T00:00:00Z"),
    ("2024-04-07T02:00:00+02:00,2024-04-09T00:00:00.5Z", "2024-04-07T00:00:00Z",
     "2024-04-09T00:00:00Z"),
    ("0d", "2024-04-10T00:00:00Z", "2024-04-10T00:00:00Z"),
]  # fmt: skip


class TestParseWindow:
    @pytest.mark.parametrize(
        "text, why",
        [
            ("", "missing required window"),
            ("7x", "illegal window: '7x'"),
            ("Today", "illegal window"),
            ("7d offset", "illegal window"),
            ("7 d", "illegal window"),
            ("-7d", "illegal window"),
            ("2024-04-07,2024-04-09", "illegal window"),
            ("2024-04-07T00:00:00Z", "illegal window"),
            ("x2024-04-07T00:00:00Z,2024-04-09T00:00:00Z", "illegal window"),
            ("1712620800,1712448000", "ends before it starts"),
            ("2024-04-09T00:00:00Z,2024-04-07T00:00:00Z", "ends before it starts"),
            ("2024-13-01T00:00:00Z,2024-13-02T00:00:00Z", "not a valid instant"),
            ("99999999999999d", "out of range"),
            ("99999999999999999,1", "out of range"),
        ],
    )
    def test_an_illegal_window_is_refused_saying_why(self, text: str, why: str) -> None:
        with pytest.raises(InvalidWindow, match=why):
            parse_window(text, NOW)

    @pytest.mark.parametrize("text, start, end", GOLDEN, ids=[g[0] for g in GOLDEN])
    def test_each_form_gives_opencosts_window(self, text: str, start: str, end: str) -> None:
        assert parse_window(text, NOW).to_json() == {"start": start, "end": end}

    def test_the_clock_may_be_given_in_any_zone(self) -> None:
        local = NOW.astimezone(datetime.fromisoformat("2024-01-01T00:00:00+05:30").tzinfo)
        assert parse_window("today", local) == parse_window("today", NOW)


class TestAccumulate:
    def test_an_unknown_value_is_refused(self) -> None:
        with pytest.raises(InvalidWindow, match="illegal accumulate"):
            parse_accumulate("sometimes")

    @pytest.mark.parametrize(
        "text, expected",
        [
            (None, Accumulate.DAY),
            ("", Accumulate.DAY),
            ("false", Accumulate.NONE),
            ("FALSE", Accumulate.NONE),
            ("true", Accumulate.ALL),
            ("hour", Accumulate.HOUR),
            ("Week", Accumulate.WEEK),
            ("month", Accumulate.MONTH),
            ("quarter", Accumulate.QUARTER),
        ],
    )
    def test_values_are_read_as_opencost_reads_them(
        self, text: str | None, expected: Accumulate
    ) -> None:
        assert parse_accumulate(text) is expected

    def test_false_steps_hourly_over_a_recent_short_window_and_daily_otherwise(self) -> None:
        assert resolve(Accumulate.NONE, parse_window("2d", NOW), NOW) is Accumulate.HOUR
        assert resolve(Accumulate.NONE, parse_window("3d", NOW), NOW) is Accumulate.DAY
        old = w("2024-01-01T00:00:00Z", "2024-01-02T00:00:00Z")
        assert resolve(Accumulate.NONE, old, NOW) is Accumulate.DAY
        assert resolve(Accumulate.WEEK, old, NOW) is Accumulate.WEEK

    @pytest.mark.parametrize(
        "acc, start, end",
        [
            (Accumulate.ALL, "2024-04-07T05:10:00Z", "2024-04-09T10:30:15Z"),
            (Accumulate.HOUR, "2024-04-07T05:00:00Z", "2024-04-09T11:00:00Z"),
            (Accumulate.DAY, "2024-04-07T00:00:00Z", "2024-04-10T00:00:00Z"),
            (Accumulate.WEEK, "2024-04-07T00:00:00Z", "2024-04-14T00:00:00Z"),
            (Accumulate.MONTH, "2024-04-01T00:00:00Z", "2024-05-01T00:00:00Z"),
            (Accumulate.QUARTER, "2024-04-01T00:00:00Z", "2024-07-01T00:00:00Z"),
        ],
    )
    def test_the_window_is_rounded_out_to_whole_steps(
        self, acc: Accumulate, start: str, end: str
    ) -> None:
        window = w("2024-04-07T05:10:00Z", "2024-04-09T10:30:15Z")
        assert accumulate_window(window, acc).to_json() == {"start": start, "end": end}

    def test_an_end_on_a_boundary_stays(self) -> None:
        for acc, end in (
            (Accumulate.HOUR, "2024-04-09T10:00:00Z"),
            (Accumulate.DAY, "2024-04-09T00:00:00Z"),
            (Accumulate.WEEK, "2024-04-14T00:00:00Z"),
            (Accumulate.MONTH, "2024-05-01T00:00:00Z"),
            (Accumulate.QUARTER, "2024-07-01T00:00:00Z"),
        ):
            window = w("2024-04-08T00:00:00Z", end)
            assert accumulate_window(window, acc).to_json()["end"] == end

    def test_steps_cut_the_rounded_window(self) -> None:
        window = w("2024-04-07T05:10:00Z", "2024-04-09T10:30:15Z")
        days = steps(window, Accumulate.DAY)
        assert [s.to_json()["start"][:10] for s in days] == [
            "2024-04-07", "2024-04-08", "2024-04-09"
        ]  # fmt: skip
        assert len(steps(window, Accumulate.HOUR)) == 19 + 24 + 11
        assert steps(window, Accumulate.ALL) == [window]
        quarters = steps(w("2023-11-15T00:00:00Z", "2024-04-02T00:00:00Z"), Accumulate.QUARTER)
        assert [q.to_json()["start"][:7] for q in quarters] == ["2023-10", "2024-01", "2024-04"]
        months = steps(w("2024-01-31T00:00:00Z", "2024-03-01T00:00:00Z"), Accumulate.MONTH)
        assert [m.to_json()["start"][:7] for m in months] == ["2024-01", "2024-02"]

    def test_an_empty_window_has_no_steps(self) -> None:
        assert steps(parse_window("0d", NOW), Accumulate.DAY) == []

    def test_too_many_steps_are_refused(self) -> None:
        with pytest.raises(InvalidWindow, match="too many steps"):
            steps(parse_window("1000d", NOW), Accumulate.HOUR)
