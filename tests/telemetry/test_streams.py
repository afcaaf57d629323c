"""Unit-metric telemetry streams in the metadata database (SQLite and PostgreSQL): records
checked naming the field, stored per period, granularity and filter, deleted by timestamp
and granularity, streams deleted; every call within one org."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from costlake.allocation import service as allocation
from costlake.db import session_factory
from costlake.errors import InvalidInput, NotFound
from costlake.orgs.service import get_or_create_org
from costlake.telemetry import streams
from costlake.telemetry.records import Granularity, records


@pytest.fixture
def orgs(db_session: Session) -> Session:
    get_or_create_org(db_session, "acme")
    get_or_create_org(db_session, "globex")
    return db_session


def rec(ts: str, value: Any, granularity: str = "DAILY", **labels: str) -> dict[str, Any]:
    return {"timestamp": ts, "value": value, "granularity": granularity, "filter": labels}


def stored(s: Session, org: str = "acme", name: str = "requests") -> list[tuple[Any, ...]]:
    found = streams.records_between(
        s, org, name, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
    )
    return [(r.period_start, r.granularity.value, r.value, dict(r.labels)) for r in found]


class TestRecordsAreChecked:
    @pytest.mark.parametrize(
        "body, field",
        [
            ("x", "records"),
            ([rec("yesterday", 1)], "records[0].timestamp"),
            ([rec("2024-10-01", 1), rec("2024-10-01", "1x")], "records[1].value"),
            ([rec("2024-10-01", True)], "records[0].value"),
            ([rec("2024-10-01", float("nan"))], "records[0].value"),
            ([rec("2024-10-01", 1e18)], "records[0].value"),
            ([rec("2024-10-01", 1, "WEEKLY")], "records[0].granularity"),
            ([rec("9999-06-01", 1)], "records[0].timestamp"),
            ([{**rec("2024-10-01", 1), "filter": {"a": 1}}], "records[0].filter"),
        ],
    )
    def test_a_bad_record_is_refused_naming_its_field(self, body: Any, field: str) -> None:
        with pytest.raises(InvalidInput) as e:
            records(body, label_field="filter")
        assert e.value.message.startswith(field + ":"), e.value.message

    def test_timestamps_are_aligned_to_their_granularity_in_utc(self) -> None:
        got = records(
            [
                rec("2024-10-05T13:45:00+02:00", 1, "HOURLY"),
                rec("2024-10-05T23:30:00-01:00", 1, "DAILY"),
                rec("2024-10-31", 1, "MONTHLY"),
            ],
            label_field="filter",
        )
        assert [r.period_start for r in got] == [
            datetime(2024, 10, 5, 11, tzinfo=UTC),
            datetime(2024, 10, 6, tzinfo=UTC),
            datetime(2024, 10, 1, tzinfo=UTC),
        ]

    def test_no_records_is_nothing_to_store(self, orgs: Session) -> None:
        assert (
            streams.post_records(orgs, "acme", "requests", records([], label_field="filter")) == 0
        )
        assert streams.stream_names(orgs, "acme") == []

    def test_values_are_exact_decimals(self) -> None:
        (r,) = records([rec("2024-10-01", 0.1)], label_field="filter")
        assert r.value == Decimal("0.1")


class TestPostRecords:
    def test_records_are_stored_per_period_granularity_and_filter(self, orgs: Session) -> None:
        body = [
            rec("2024-10-01T10:00:00Z", 5, customer="a"),
            rec("2024-10-01", 7, customer="b"),
            rec("2024-10-01", 2, "MONTHLY", customer="a"),
        ]
        assert (
            streams.post_records(orgs, "acme", "requests", records(body, label_field="filter")) == 3
        )
        oct1 = datetime(2024, 10, 1, tzinfo=UTC)
        assert sorted(stored(orgs), key=str) == sorted(
            [
                (oct1, "DAILY", Decimal("5"), {"customer": "a"}),
                (oct1, "DAILY", Decimal("7"), {"customer": "b"}),
                (oct1, "MONTHLY", Decimal("2"), {"customer": "a"}),
            ],
            key=str,
        )

    def test_sending_a_record_again_replaces_its_value(self, orgs: Session) -> None:
        for value in (5, 9, 9):
            streams.post_records(
                orgs, "acme", "requests", records([rec("2024-10-01", value)], label_field="filter")
            )
        assert [v for _, _, v, _ in stored(orgs)] == [Decimal("9")]

    def test_streams_of_two_orgs_are_apart(self, orgs: Session) -> None:
        streams.post_records(
            orgs, "acme", "requests", records([rec("2024-10-01", 1)], label_field="filter")
        )
        assert streams.stream_names(orgs, "globex") == []
        with pytest.raises(NotFound):
            stored(orgs, "globex")


class TestDelete:
    @pytest.fixture
    def filled(self, orgs: Session) -> Session:
        body = [
            rec("2024-10-01", 1, customer="a"),
            rec("2024-10-01", 2, customer="b"),
            rec("2024-10-01", 3, "MONTHLY"),
            rec("2024-10-01T05:00:00Z", 4, "HOURLY"),
            rec("2024-10-02", 5),
        ]
        streams.post_records(orgs, "acme", "requests", records(body, label_field="filter"))
        return orgs

    def test_a_timestamp_and_granularity_delete_that_period_only(self, filled: Session) -> None:
        moment = datetime(2024, 10, 1, 15, tzinfo=UTC)
        assert streams.delete_records(filled, "acme", "requests", moment, Granularity.DAILY) == 2
        assert sorted(v for _, _, v, _ in stored(filled)) == [3, 4, 5]

    def test_a_timestamp_alone_deletes_what_starts_exactly_then(self, filled: Session) -> None:
        moment = datetime(2024, 10, 1, tzinfo=UTC)
        assert streams.delete_records(filled, "acme", "requests", moment) == 3
        assert sorted(v for _, _, v, _ in stored(filled)) == [4, 5]

    def test_a_filter_narrows_the_deletion(self, filled: Session) -> None:
        moment = datetime(2024, 10, 1, tzinfo=UTC)
        n = streams.delete_records(
            filled, "acme", "requests", moment, Granularity.DAILY, {"customer": "b"}
        )
        assert n == 1
        assert sorted(v for _, _, v, _ in stored(filled)) == [1, 3, 4, 5]

    def test_an_unknown_stream_deletes_nothing(self, filled: Session) -> None:
        moment = datetime(2024, 10, 1, tzinfo=UTC)
        assert streams.delete_records(filled, "acme", "nope", moment) == 0
        assert streams.delete_records(filled, "globex", "requests", moment) == 0

    def test_deleting_a_stream_removes_it_and_its_records(self, filled: Session) -> None:
        with pytest.raises(NotFound):
            streams.delete_stream(filled, "globex", "requests")
        streams.delete_stream(filled, "acme", "requests")
        assert streams.stream_names(filled, "acme") == []
        with pytest.raises(NotFound):
            streams.delete_stream(filled, "acme", "requests")


class TestConcurrentWriters:
    def test_sums_sent_at_once_to_a_new_stream_all_count(self, db_engine: Engine) -> None:
        """Eight writers create the same stream and element at once: one stream, and every
        value added (the stream row is each writer's lock, taken before it reads)."""
        with session_factory(db_engine)() as s:
            get_or_create_org(s, "acme")
            s.commit()
        one = records(
            [
                {
                    "timestamp": "2024-10-01",
                    "value": 1,
                    "granularity": "DAILY",
                    "element": {"c": "a"},
                }
            ],
            label_field="element",
            allocation=True,
        )

        def send(_: int) -> None:
            with session_factory(db_engine)() as s:
                allocation.sum_records(s, "acme", "split", one)
                s.commit()

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(send, range(8)))
        with session_factory(db_engine)() as s:
            found = allocation.load(
                s, "acme", "split", datetime(2024, 10, 1), datetime(2024, 11, 1)
            )
        assert [r.value for r in found.records] == [Decimal(8)]


class TestNamesNoStreamCanHave:
    @pytest.mark.parametrize("name", ["a\x00b", "x" * 300, "tab\there"])
    def test_are_unknown_streams_and_refused_for_writing(self, orgs: Session, name: str) -> None:
        """A NUL in a name would reach PostgreSQL's text and fail there: it is a stream
        nobody has (404 / nothing deleted) and a 400 on writing."""
        with pytest.raises(NotFound):
            streams.delete_stream(orgs, "acme", name)
        assert streams.delete_records(orgs, "acme", name, datetime(2024, 10, 1, tzinfo=UTC)) == 0
        with pytest.raises(InvalidInput, match="stream_name"):
            streams.post_records(
                orgs, "acme", name, records([rec("2024-10-01", 1)], label_field="filter")
            )
