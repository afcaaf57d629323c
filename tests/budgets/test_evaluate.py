"""Evaluation against real spend (the core query engine over a real lake), the period-end
forecast, and each threshold mailed once a period: across a second evaluation, a restarted
evaluator on the same database, two evaluators at once, and a failed delivery retried."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from costlake.budgets import service
from costlake.budgets.evaluate import evaluate, evaluate_and_notify
from costlake.budgets.schemas import BudgetInput, NotificationRule, ViewInput
from costlake.budgets.tasks import evaluate_budgets
from costlake.db.models.budgets import BudgetNotification
from costlake.insights.schemas import ValueFilter
from costlake.notify.base import DeliveryFailed, Notice
from costlake.platform import Platform
from tests.budgets.conftest import OCTOBER, start_platform
from tests.users.conftest import Inbox

TENTH = OCTOBER + timedelta(days=9)
OPS = ("ops@acme.io", "cfo@acme.io")


def make(platform: Platform, org: str = "acme", **kw: object) -> str:
    fields: dict[str, object] = {"name": "Cloud", "amount": Decimal(2000), "period": "monthly"}
    account_ids = kw.pop("account_ids", None)
    with platform.session() as s:
        data = BudgetInput(**{**fields, **kw})  # type: ignore[arg-type]
        return service.create(s, org, data, account_ids=account_ids).id  # type: ignore[arg-type]


def evaluation(platform: Platform, budget_id: str, as_of: date):  # type: ignore[no-untyped-def]
    with platform.session() as s:
        budget = service.get(s, "acme", budget_id)
        view = service.get_view(s, "acme", budget.view_id) if budget.view_id else None
    return evaluate(platform.queries, budget, view, as_of)


def rule(threshold: int, *to: str) -> NotificationRule:
    return NotificationRule(Decimal(threshold), to or OPS)


class Recorder:
    """A channel that keeps what it was asked to send, or refuses while ``down``."""

    name = "email"

    def __init__(self) -> None:
        self.sent: list[Notice] = []
        self.down = False
        self.lock = threading.Lock()

    def send(self, notice: Notice) -> None:
        if self.down:
            raise DeliveryFailed("the SMTP server is down")
        with self.lock:
            self.sent.append(notice)


class TestEvaluation:
    def test_actual_and_forecast_of_a_month(self, reader: Platform) -> None:
        e = evaluation(reader, make(reader), TENTH)
        assert (e.window.start, e.window.end) == (OCTOBER, date(2024, 11, 1))
        assert e.actual == Decimal(1500) and e.days_with_data == 10
        assert e.forecast == Decimal(1500) * 31 / 10  # 4,650: the run rate of 150 a day
        assert e.percent == Decimal(75)

    def test_only_spend_up_to_the_day_evaluated_counts(self, reader: Platform) -> None:
        e = evaluation(reader, make(reader), OCTOBER + timedelta(days=3))
        assert e.actual == Decimal(600) and e.forecast == Decimal(600) * 31 / 4

    def test_late_data_does_not_lower_the_forecast(self, reader: Platform) -> None:
        """On the 20th the bill still ends on the 10th: the run rate is of days with data."""
        e = evaluation(reader, make(reader), OCTOBER + timedelta(days=19))
        assert e.actual == Decimal(1500) and e.forecast == Decimal(4650)

    def test_a_view_and_the_account_grant_narrow_the_spend(self, reader: Platform) -> None:
        with reader.session() as s:
            ec2 = service.create_view(
                s, "acme", ViewInput("EC2", {"ServiceName": ValueFilter(("Amazon EC2",))})
            ).id
        assert evaluation(reader, make(reader, view_id=ec2), TENTH).actual == 1000
        granted = make(reader, account_ids=("222222222222",))
        assert evaluation(reader, granted, TENTH).actual == 500
        both = make(reader, view_id=ec2, account_ids=("222222222222",))
        assert evaluation(reader, both, TENTH).actual == 0

    def test_quarterly_and_annual_periods(self, reader: Platform) -> None:
        quarter = evaluation(reader, make(reader, period="quarterly"), TENTH)
        year = evaluation(reader, make(reader, period="annual"), TENTH)
        assert quarter.actual == year.actual == Decimal(1500)
        assert quarter.forecast == Decimal(150) * 92 and year.forecast == Decimal(1500) * 366 / 284

    def test_another_month_without_data_has_nothing(self, reader: Platform) -> None:
        e = evaluation(reader, make(reader), date(2024, 12, 5))
        assert (e.actual, e.forecast, e.days_with_data, e.reached) == (0, 0, 0, ())

    def test_an_org_without_any_data_has_nothing(self, reader: Platform) -> None:
        with reader.session() as s:
            budget = service.create(s, "globex", BudgetInput("x", Decimal(1), "monthly"))
        e = evaluate(reader.queries, budget, None, TENTH)
        assert (e.actual, e.forecast, e.reached) == (0, 0, ())

    def test_thresholds_reached_by_actual_spend(self, reader: Platform) -> None:
        budget = make(reader, notifications=(rule(50), rule(75), rule(76), rule(100)))
        e = evaluation(reader, budget, TENTH)  # 1,500 of 2,000: 75%
        assert [r.threshold for r in e.reached] == [50, 75]


class TestOncePerPeriod:
    def run(self, platform: Platform, channel: Recorder, as_of: date = TENTH) -> None:
        evaluate_and_notify(platform.session, platform.queries, channel, as_of)

    def test_each_threshold_is_sent_once_per_period(self, platform: Platform) -> None:
        make(platform, notifications=(rule(50), rule(75), rule(90)))
        channel = Recorder()
        self.run(platform, channel)
        self.run(platform, channel)
        self.run(platform, channel, TENTH + timedelta(days=5))
        assert sorted(n.subject.split("(")[1] for n in channel.sent) == [
            "50% threshold reached)", "75% threshold reached)",
        ]  # fmt: skip
        assert all(n.recipients == OPS for n in channel.sent)
        assert "4,650.00" in channel.sent[0].body  # the forecast is in the mail

    def test_a_new_period_notifies_again(self, platform: Platform, tmp_path: Path) -> None:
        make(platform, period="monthly", amount=Decimal(100), notifications=(rule(50),))
        channel = Recorder()
        self.run(platform, channel, date(2024, 10, 2))
        self.run(platform, channel, date(2024, 10, 3))
        self.run(platform, channel, date(2024, 11, 2))  # no November spend: not reached
        assert len(channel.sent) == 1

    def test_late_bills_notify_the_period_just_ended_in_the_next_ones_first_days(
        self, platform: Platform
    ) -> None:
        """Never evaluated in October; on November 2nd October's spend (1,500) is over."""
        make(platform, amount=Decimal(1000), notifications=(rule(100),))
        channel = Recorder()
        self.run(platform, channel, date(2024, 11, 2))
        self.run(platform, channel, date(2024, 11, 3))
        assert len(channel.sent) == 1
        assert "Period:    2024-10-01 to 2024-10-31" in channel.sent[0].body
        assert "Forecast:  1,500.00" in channel.sent[0].body  # the period is over

    def test_after_the_first_days_the_period_just_ended_is_left(self, platform: Platform) -> None:
        make(platform, amount=Decimal(1000), notifications=(rule(100),))
        channel = Recorder()
        self.run(platform, channel, date(2024, 11, 4))
        assert channel.sent == []

    def test_a_restarted_evaluator_does_not_send_again(
        self, platform: Platform, tmp_path: Path
    ) -> None:
        make(platform, notifications=(rule(50),))
        first = Recorder()
        self.run(platform, first)
        platform.close()
        again = start_platform(tmp_path / "home", None)  # the same home: database and lake
        try:
            second = Recorder()
            self.run(again, second)
        finally:
            again.close()
        assert (len(first.sent), len(second.sent)) == (1, 0)

    def test_two_evaluators_at_once_send_once(self, platform: Platform, tmp_path: Path) -> None:
        make(platform, notifications=(rule(10), rule(20), rule(30), rule(40), rule(50)))
        other = start_platform(tmp_path / "home", None)
        channel = Recorder()
        try:
            workers = [
                threading.Thread(target=self.run, args=(p, channel))
                for p in (platform, other, platform, other)
            ]
            for w in workers:
                w.start()
            for w in workers:
                w.join()
        finally:
            other.close()
        assert (
            sorted(n.subject for n in channel.sent) == sorted({n.subject for n in channel.sent})
            and len(channel.sent) == 5
        )

    def test_a_failed_delivery_is_retried_by_the_next_run(self, platform: Platform) -> None:
        budget = make(platform, notifications=(rule(50),))
        channel = Recorder()
        channel.down = True
        self.run(platform, channel)
        with platform.session() as s:
            assert s.scalars(select(BudgetNotification)).all() == []
        channel.down = False
        self.run(platform, channel)
        with platform.session() as s:
            rows = s.scalars(select(BudgetNotification)).all()
        assert len(channel.sent) == 1
        assert [(r.budget_id, r.threshold, r.period_start, r.actual) for r in rows] == [
            (budget, "50", OCTOBER, "1500"),
        ]
        assert rows[0].sent_at is not None

    def test_a_deleted_budget_is_not_evaluated(self, platform: Platform) -> None:
        budget = make(platform, notifications=(rule(50),))
        with platform.session() as s:
            service.delete(s, "acme", budget)
        channel = Recorder()
        self.run(platform, channel)
        assert channel.sent == []


class TestScheduledJob:
    def test_the_job_mails_once_through_the_loopback_smtp_server(
        self, platform: Platform, inbox: Inbox, monkeypatch: object
    ) -> None:
        """Two evaluations by the registered job; the SMTP server receives one mail."""
        monkeypatch.setenv("COSTLAKE_NOW", "2024-10-10T12:00:00Z")  # type: ignore[attr-defined]
        make(platform, name="Cloud spend", notifications=(rule(70, "ops@acme.io", "cfo@acme.io"),))
        job = platform.jobs.get("budgets.evaluate")
        job.fn(platform)
        evaluate_budgets(platform)
        mail = inbox.next()
        assert mail["To"] == "ops@acme.io, cfo@acme.io"
        assert (
            mail["Subject"] == "Budget 'Cloud spend': 75% of 2,000.00 spent (70% threshold reached)"
        )
        assert "Forecast:  4,650.00 (232.5%) by 2024-10-31" in mail.get_payload()  # type: ignore[operator]
        assert inbox.empty()
