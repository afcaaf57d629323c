"""Detection over a real lake, stored in the metadata database: episodes, feedback,
restatements, and the charges that are not usage."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from costlake.anomalies.detector import Thresholds
from costlake.anomalies.records import list_anomalies, set_status
from costlake.anomalies.schemas import AlertType, Severity, Status
from costlake.anomalies.service import detect_and_store
from costlake.db.models import Anomaly as AnomalyRow
from costlake.errors import InvalidInput, NotFound
from costlake.lake.store import Lake
from costlake.query.service import QueryService
from tests.anomalies.conftest import DAYS, START, Bill, ingest, weekly

T = Thresholds()
SPIKE_DAY = START + timedelta(days=50)


def detect(session: Session, queries: QueryService, org: str = "acme"):  # type: ignore[no-untyped-def]
    summary = detect_and_store(session, queries, org, T, lookback_days=60)
    session.commit()
    return summary


def spiky_bill(factor: float = 4.0) -> Bill:
    """Two services; on ``SPIKE_DAY`` EC2 costs ``factor`` times its usual, the extra from
    one runaway resource in another region."""
    values = weekly()
    usual = values[50]
    values[50] = 0.0  # that day's lines are added below
    bill = Bill().series(values)
    bill.series(weekly(seed=9, level=80), service="Amazon S3", resource="bucket-a")
    bill.add(SPIKE_DAY, usual)
    extra = usual * (factor - 1)
    if extra:
        bill.add(
            SPIKE_DAY, extra, region="eu-west-1", resource="i-runaway", usage_type="BoxUsage:p4d"
        )
    return bill


def count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(AnomalyRow)) or 0)


class TestDetect:
    def test_an_org_without_usage_has_no_anomalies(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, Bill().add(START, 100.0, category="Credit"), tmp_path)
        summary = detect(db_session, queries)
        assert (summary.first_day, summary.created) == (None, 0)

    def test_a_spike_is_one_anomaly_per_monitor_with_its_facts(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        summary = detect(db_session, queries)
        assert summary.created == 2  # provider x service, and account x service
        assert summary.last_day == START + timedelta(days=DAYS - 1)
        by_monitor = {a.monitor: a for a in list_anomalies(db_session, "acme")}
        assert set(by_monitor) == {"provider_service", "account_service"}
        a = by_monitor["account_service"]
        assert (a.alert_type, a.status) == (AlertType.SPEND_SPIKE, Status.NEW)
        assert (a.start_date, a.end_date, a.detected_date) == (SPIKE_DAY, SPIKE_DAY, SPIKE_DAY)
        assert (a.provider_type, a.service, a.sub_account_id) == (
            "aws",
            "Amazon EC2",
            "111111111111",
        )
        assert a.actual_cost == Decimal(str(round(weekly()[50], 6))) + Decimal(
            str(round(weekly()[50] * 3, 6))
        )
        assert a.expected_cost == pytest.approx(Decimal(str(weekly()[50])), rel=Decimal("0.1"))
        assert a.deviation_percent == pytest.approx(300, rel=0.1)
        assert a.severity is Severity.MEDIUM  # ~600 of impact: 24x the 25 threshold
        top = {(c.dimension, c.value) for c in a.contributors if c.change > 0}
        assert {
            ("region", "eu-west-1"),
            ("resource", "i-runaway"),
            ("usage_type", "BoxUsage:p4d"),
        } <= top
        assert by_monitor["provider_service"].sub_account_id is None

    def test_running_again_changes_nothing(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        detect(db_session, queries)
        again = detect(db_session, queries)
        assert (again.created, again.updated, again.withdrawn) == (0, 0, 0)
        assert count(db_session) == 2

    def test_credits_taxes_and_month_start_fees_are_not_anomalies(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        bill = Bill().series(weekly())
        bill.add(START + timedelta(days=40), -900.0, category="Credit")
        bill.add(START + timedelta(days=45), 700.0, category="Tax")
        bill.add(START + timedelta(days=46), 5000.0, category="Purchase", frequency="One-Time")
        for month in (6, 7, 8):  # a support plan, recurring on the 1st
            day = START.replace(month=month)
            bill.add(day, 1500.0, service="AWS Support", frequency="Recurring")
        ingest(lake, bill, tmp_path)
        assert detect(db_session, queries).created == 0

    def test_a_new_service_is_one_anomaly_with_no_percentage(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        bill = Bill().series(weekly())
        bill.series(weekly()[30:], start=START + timedelta(days=30), service="Amazon SageMaker")
        ingest(lake, bill, tmp_path)
        detect(db_session, queries)
        found = list_anomalies(db_session, "acme")
        assert {(a.monitor, a.alert_type, a.service) for a in found} == {
            ("provider_service", AlertType.NEW_SERVICE, "Amazon SageMaker"),
            ("account_service", AlertType.NEW_SERVICE, "Amazon SageMaker"),
        }
        assert all(a.deviation_percent is None for a in found)
        assert all(a.detected_date == START + timedelta(days=30) for a in found)


class TestFeedback:
    def test_an_unknown_status_or_anomaly_is_refused(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        detect(db_session, queries)
        a = list_anomalies(db_session, "acme")[0]
        with pytest.raises(InvalidInput, match="unknown status 'gone'"):
            set_status(db_session, "acme", a.id, "gone", "ann@example.com")
        with pytest.raises(NotFound):
            set_status(db_session, "acme", "nope", "dismissed", "ann@example.com")
        with pytest.raises(NotFound):
            set_status(db_session, "globex", a.id, "dismissed", "ann@example.com")

    def test_a_dismissed_episode_is_not_raised_again(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        detect(db_session, queries)
        for a in list_anomalies(db_session, "acme"):
            changed = set_status(db_session, "acme", a.id, "dismissed", "ann@example.com")
            assert changed.status_changed_by == "ann@example.com"
            assert changed.status_changed_at is not None
        db_session.commit()
        # The same spike, restated a little higher: the same episode, still dismissed.
        ingest(lake, spiky_bill(factor=4.5), tmp_path)
        summary = detect(db_session, queries)
        assert (summary.created, summary.updated) == (0, 2)
        statuses = {a.status for a in list_anomalies(db_session, "acme")}
        assert statuses == {Status.DISMISSED}
        assert list_anomalies(db_session, "acme", status="new") == []


class TestRestatement:
    def test_a_restated_period_updates_its_episode_instead_of_adding_one(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        detect(db_session, queries)
        before = {a.monitor: a for a in list_anomalies(db_session, "acme")}
        ingest(lake, spiky_bill(factor=6), tmp_path)
        summary = detect(db_session, queries)
        assert (summary.created, summary.updated) == (0, 2)
        after = {a.monitor: a for a in list_anomalies(db_session, "acme")}
        assert count(db_session) == 2
        assert {m: a.id for m, a in after.items()} == {m: a.id for m, a in before.items()}
        assert after["account_service"].actual_cost > before["account_service"].actual_cost

    def test_a_spike_restated_away_is_resolved_not_deleted(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        detect(db_session, queries)
        ingest(lake, spiky_bill(factor=1.0), tmp_path)
        summary = detect(db_session, queries)
        assert (summary.created, summary.withdrawn) == (0, 2)
        found = list_anomalies(db_session, "acme")
        assert [a.status for a in found] == [Status.RESOLVED, Status.RESOLVED]
        assert all(
            a.status_changed_by == "costlake (not anomalous when evaluated again)" for a in found
        )


class TestList:
    def test_an_unknown_org_is_refused(self, db_session: Session) -> None:
        with pytest.raises(NotFound):
            list_anomalies(db_session, "nobody")

    def test_filters_by_status_and_since(
        self, db_session: Session, queries: QueryService, lake: Lake, tmp_path: Path
    ) -> None:
        ingest(lake, spiky_bill(), tmp_path)
        detect(db_session, queries)
        assert len(list_anomalies(db_session, "acme", status="new")) == 2
        assert list_anomalies(db_session, "acme", since=SPIKE_DAY + timedelta(days=1)) == []
        assert len(list_anomalies(db_session, "acme", since=SPIKE_DAY, limit=1)) == 1
