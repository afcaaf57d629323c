"""Custom monitors: what is refused, what they find that the built-in ones miss, and how
two monitors' records of one cost event are listed."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from costlake.anomalies.monitors import add_monitor, list_monitors, monitors_of, remove_monitor
from costlake.anomalies.records import AnomalyFilter, list_anomalies
from costlake.anomalies.schemas import DEFAULT_MONITORS, AlertType, Status
from costlake.errors import InvalidInput, NotFound, UnknownDimension
from costlake.lake.store import Lake
from costlake.query.model import Filter, FilterOp
from costlake.query.service import QueryService
from tests.anomalies.conftest import START, Bill, ingest, weekly
from tests.anomalies.test_service import SPIKE_DAY, detect, spiky_bill

EU = Filter.of("RegionId", FilterOp.EQUALS, "eu-west-1")


def regional_bill() -> Bill:
    """EC2 in two regions: 2,000 a weekday in us-east-1, 100 in eu-west-1, where on
    ``SPIKE_DAY`` (a Sunday, 60% of a weekday) it costs 150 more: 12% of the service's
    total (under the 20% threshold) but 250% of eu-west-1's."""
    eu = weekly(level=100, seed=3, noise=0.02)
    eu[50] += 150.0
    return (
        Bill()
        .series(weekly(level=2000, seed=2, noise=0.02), region="us-east-1")
        .series(eu, region="eu-west-1", resource="i-eu")
    )


class TestRefusals:
    @pytest.mark.parametrize(
        "name, dims, filters, says",
        [
            ("Bad Name", ["RegionId"], [], "monitor name"),
            ("provider_service", ["RegionId"], [], "built-in"),
            ("plain", [], [], "without a filter or an extra dimension"),
            ("money", ["BillingCurrency"], [], "BillingCurrency"),
        ],
    )
    def test_malformed_monitors_are_refused(
        self, db_session: Session, name: str, dims: list[str], filters: list[Filter], says: str
    ) -> None:
        with pytest.raises(InvalidInput, match=says):
            add_monitor(db_session, "acme", name, dimensions=dims, filters=filters)

    def test_an_unknown_dimension_and_a_second_monitor_of_a_name(self, db_session: Session) -> None:
        with pytest.raises(UnknownDimension):
            add_monitor(db_session, "acme", "x", dimensions=["Colour"])
        add_monitor(db_session, "acme", "eu", filters=[EU])
        with pytest.raises(InvalidInput, match="already has a monitor 'eu'"):
            add_monitor(db_session, "acme", "eu", dimensions=["RegionId"])
        with pytest.raises(NotFound):
            remove_monitor(db_session, "acme", "nope")


class TestCustomMonitors:
    def test_they_are_watched_after_the_built_in_ones_and_kept_per_org(
        self, db_session: Session
    ) -> None:
        m = add_monitor(db_session, "acme", "by-region", dimensions=["regionid", "tag:team"])
        assert m.dimensions == ("ProviderName", "ServiceName", "RegionId", "tag:team")
        assert monitors_of(db_session, "acme") == (*DEFAULT_MONITORS, m)
        assert monitors_of(db_session, "globex") == DEFAULT_MONITORS
        assert list_monitors(db_session, "acme") == [m]

    def test_a_filtered_monitor_finds_what_the_whole_service_hides(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, regional_bill(), tmp_path)
        assert detect(db_session, queries).created == 0
        add_monitor(db_session, "acme", "eu", filters=[EU])
        db_session.commit()
        assert detect(db_session, queries).created == 1
        (a,) = list_anomalies(db_session, "acme")
        assert (a.monitor, a.alert_type, a.start_date) == ("eu", AlertType.SPEND_SPIKE, SPIKE_DAY)
        assert {c.value for c in a.contributors if c.dimension == "region"} == {"eu-west-1"}

    def test_a_dimension_makes_a_series_per_value(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, regional_bill(), tmp_path)
        add_monitor(db_session, "acme", "regions", dimensions=["RegionId"])
        db_session.commit()
        assert detect(db_session, queries).series == 1 + 1 + 2
        assert [a.monitor for a in list_anomalies(db_session, "acme")] == ["regions"]

    def test_a_removed_monitors_anomalies_stay_as_they_were(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, regional_bill(), tmp_path)
        add_monitor(db_session, "acme", "eu", filters=[EU])
        detect(db_session, queries)
        remove_monitor(db_session, "acme", "eu")
        ingest(lake, Bill().series(weekly(level=100, seed=3, noise=0.02), region="eu-west-1",
                                   resource="i-eu"), tmp_path)  # fmt: skip
        detect(db_session, queries)  # the spike is restated away, but nobody watches it
        (a,) = list_anomalies(db_session, "acme")
        assert (a.monitor, a.status) == ("eu", Status.NEW)


class TestTwoMonitorsOneEvent:
    def test_each_monitor_keeps_a_record_and_a_distinct_listing_shows_one(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        add_monitor(
            db_session, "acme", "ec2", filters=[Filter.of("ServiceName", "eq", "Amazon EC2")]
        )
        detect(db_session, queries)
        every = list_anomalies(db_session, "acme")
        assert sorted(a.monitor for a in every) == ["account_service", "ec2", "provider_service"]
        distinct = list_anomalies(db_session, "acme", where=AnomalyFilter(distinct=True))
        assert [a.monitor for a in distinct] == ["provider_service"]
        mine = AnomalyFilter(account_ids=("111111111111",), distinct=True)
        assert [a.monitor for a in list_anomalies(db_session, "acme", where=mine)] == [
            "account_service"
        ]
        others = AnomalyFilter(account_ids=("222222222222",), distinct=True)
        assert list_anomalies(db_session, "acme", where=others) == []

    def test_events_of_other_days_or_directions_are_not_folded(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        values = weekly()
        values[50] *= 4
        values[62] *= 4
        ingest(lake, Bill().series(values), tmp_path)
        detect(db_session, queries)
        distinct = list_anomalies(db_session, "acme", where=AnomalyFilter(distinct=True))
        assert sorted(a.start_date for a in distinct) == [
            START + timedelta(days=50),
            START + timedelta(days=62),
        ]
        assert {a.monitor for a in distinct} == {"provider_service"}
