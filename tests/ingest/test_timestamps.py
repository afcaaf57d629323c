"""Timestamps read from text: every spelling real exports use, to naive UTC, row by row."""

from __future__ import annotations

import duckdb

from costlake.ingest.sql import US_DATE_FORMATS, timestamp_sql


def _read(duck: duckdb.DuckDBPyConnection, values: list[str | None], **kw: object) -> list:
    duck.execute("CREATE OR REPLACE TEMP TABLE v (i INTEGER, x VARCHAR)")
    duck.executemany("INSERT INTO v VALUES (?, ?)", list(enumerate(values)))
    sql = timestamp_sql("x", **kw)  # type: ignore[arg-type]
    return [
        r[0] for r in duck.execute(f"SELECT CAST({sql} AS VARCHAR) FROM v ORDER BY i").fetchall()
    ]


class TestTimestampFromText:
    def test_refuses_what_is_not_a_timestamp(self, duck: duckdb.DuckDBPyConnection) -> None:
        assert _read(duck, ["abc", "2025-01-01T25:00:00Z", "", None]) == [None] * 4

    def test_reads_every_iso_spelling_as_utc(self, duck: duckdb.DuckDBPyConnection) -> None:
        assert _read(
            duck,
            [
                "2025-01-01T03:04:05Z",
                "2025-01-01T03:04:05.123Z",
                "2025-01-01T03:04Z",
                "2025-01-01T03:04:05+02:00",
                "2025-01-01 03:04:05",
                " 2025-01-01 03:04 ",
                "2025-01-01",
            ],
        ) == [
            "2025-01-01 03:04:05",
            "2025-01-01 03:04:05.123",
            "2025-01-01 03:04:00",
            "2025-01-01 01:04:05",
            "2025-01-01 03:04:05",
            "2025-01-01 03:04:00",
            "2025-01-01 00:00:00",
        ]

    def test_an_offset_in_one_row_never_shifts_the_next(
        self, duck: duckdb.DuckDBPyConnection
    ) -> None:
        # A list of formats in one TRY_STRPTIME carried the offset of one row over to the
        # naive rows after it (DuckDB 1.x); each row must stand alone.
        got = _read(duck, ["2025-01-01T03:04:05-05:30", "2025-01-01T03:04:05", "2025-01-01"])
        assert got == ["2025-01-01 08:34:05", "2025-01-01 03:04:05", "2025-01-01 00:00:00"]

    def test_nanoseconds_are_cut_to_microseconds(self, duck: duckdb.DuckDBPyConnection) -> None:
        assert _read(duck, ["2025-01-01T03:04:05.123456789Z"]) == ["2025-01-01 03:04:05.123456"]

    def test_us_dates_with_their_own_formats(self, duck: duckdb.DuckDBPyConnection) -> None:
        got = _read(duck, ["01/02/2025", "01/02/2025 03:04:05 PM"], formats=US_DATE_FORMATS)
        assert got == ["2025-01-02 00:00:00", "2025-01-02 15:04:05"]

    def test_words_the_cast_knows_are_not_timestamps(self, duck: duckdb.DuckDBPyConnection) -> None:
        # DuckDB's cast reads 'epoch' as 1970-01-01 and 'infinity' as a timestamp; neither is
        # a charge period. A real 1970-01-01 still reads.
        got = _read(duck, ["epoch", "infinity", "-infinity", "1970-01-01T00:00:00Z"])
        assert got == [None, None, None, "1970-01-01 00:00:00"]

    def test_zone_names_and_compact_offsets(self, duck: duckdb.DuckDBPyConnection) -> None:
        got = _read(duck, ["2025-01-01 00:00:00 America/New_York", "2025-01-01T00:00:00+0530"])
        assert got == ["2025-01-01 05:00:00", "2024-12-31 18:30:00"]

    def test_iso_first_then_the_adapters_own_formats(self, duck: duckdb.DuckDBPyConnection) -> None:
        from costlake.ingest.formats.gcp import GCP_FORMATS
        from costlake.ingest.sql import ISO_FORMATS

        got = _read(
            duck,
            ["2025-01-01 03:04:05 UTC", "2025-01-01T03:04:05+01:00", "01/02/2025", "epoch"],
            formats=(*GCP_FORMATS, *US_DATE_FORMATS),
        )
        assert got == ["2025-01-01 03:04:05", "2025-01-01 02:04:05", "2025-01-02 00:00:00", None]
        assert _read(duck, ["2025-01"], formats=(*ISO_FORMATS, "%Y-%m")) == ["2025-01-01 00:00:00"]
