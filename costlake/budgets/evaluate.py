"""Evaluating budgets against spend, and mailing each threshold once per period.

**Spend.** A budget's ``actual`` is the amortized cost (FOCUS ``EffectiveCost``, every
charge category) of its view's charges, within the account grant it was written with,
from the start of its period to the end of the day evaluated; one cost query through the
core query service (daily buckets). **Forecast** for the whole period is the run rate of
the days with data: ``actual / d * days in period``, where ``d`` counts the days from the
period's start to the last day that has charges. Bills arrive a day or two late, so
dividing by the days elapsed would understate it; a period that is over (looked at again in
the next one's first days, below) forecasts its ``actual``.

**Once per period.** A threshold is reached when ``actual`` is at least ``threshold`` percent
of the amount. Before its mail goes, the evaluator claims it: one ``INSERT ... ON CONFLICT
DO NOTHING`` into ``budget_notifications`` keyed by (budget, threshold, period start), committed
on its own. Only the evaluator whose insert made the row sends; a second evaluation, a
restarted process or a second worker finds the row and does not. The claim comes first so
that nothing can send twice: if the process dies between claim and send, the mail is lost
(at most once, never twice); if the SMTP server refuses or cannot be reached, nothing left,
so the claim is deleted and the next run tries again. ``sent_at`` records delivery.

**Late bills.** In the first three days of a period the previous period is evaluated again
(as of its last day), so charges of its last days that arrive late still notify it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from costlake.budgets import periods
from costlake.budgets.repository import BudgetRepository, NotificationRepository, ViewRepository
from costlake.budgets.schemas import Budget, Evaluation, Sent, View
from costlake.budgets.service import budget_of, view_of
from costlake.errors import CostlakeError
from costlake.kit.clock import now
from costlake.kit.jsonout import decimal_text
from costlake.notify.base import Channel, ChannelOff, DeliveryFailed, Notice
from costlake.orgs.service import get_org
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric
from costlake.query.service import QueryService

log = logging.getLogger("costlake.budgets")

UnitOfWork = Callable[[], AbstractContextManager[Session]]
METRIC = Metric.EFFECTIVE
LATE_DAYS = 3
"""Days into a period during which the previous one is still evaluated (late bills)."""


class EvaluationFailed(CostlakeError):
    """Some budgets could not be evaluated (the others were); the message names them."""

    code = "evaluation_failed"


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"a daily bucket that is not a date: {value!r}")


def cost_query(budget: Budget, view: View | None, as_of: date) -> CostQuery:
    """Daily spend of the budget's view from its period's start to the end of ``as_of``."""
    window = periods.window(budget.period, as_of)
    filters: list[Filter] = []
    for key, rule in (view.filters if view else {}).items():
        if rule.include:
            filters.append(Filter(key, FilterOp.IN, rule.include))
        if rule.exclude:
            filters.append(Filter(key, FilterOp.NOT_IN, rule.exclude))
    return CostQuery(
        _midnight(window.start),
        _midnight(min(window.end, as_of + timedelta(days=1))),
        granularity=Granularity.DAY,
        filters=tuple(filters),
        metric=METRIC,
        account_ids=budget.account_ids,
        order_by_cost=False,
    )


def evaluate(
    queries: QueryService,
    budget: Budget,
    view: View | None,
    as_of: date,
    *,
    today: date | None = None,
) -> Evaluation:
    """The budget's spend so far in the period that contains ``as_of``, and its forecast;
    for a period over by ``today`` (a late look at the one just ended), the spend."""
    window = periods.window(budget.period, as_of)
    result = queries.run(budget.org, cost_query(budget, view, as_of))
    actual = sum((Decimal(str(r["cost"] or 0)) for r in result.rows), Decimal(0))
    days = [_day(r["period"]) for r in result.rows]
    covered = (max(days) - window.start).days + 1 if days else 0
    over = today is not None and today >= window.end
    forecast = actual * window.days / covered if covered and not over else actual
    reached = tuple(r for r in budget.notifications if actual * 100 >= r.threshold * budget.amount)
    return Evaluation(budget, window, as_of, actual, forecast, covered, reached)


def notice(evaluation: Evaluation, threshold: Decimal, recipients: tuple[str, ...]) -> Notice:
    b, w = evaluation.budget, evaluation.window
    last = w.end - timedelta(days=1)
    subject = (
        f"Budget {b.name!r}: {evaluation.percent:.0f}% of {b.amount:,.2f} spent "
        f"({decimal_text(threshold)}% threshold reached)"
    )
    spent = f"{evaluation.actual:,.2f} ({evaluation.percent:.1f}%)"
    forecast = f"{evaluation.forecast:,.2f} ({evaluation.forecast_percent:.1f}%)"
    body = "\n".join(
        [
            f"The {b.period} budget {b.name!r} has reached {decimal_text(threshold)}% "
            "of its amount.",
            "",
            f"Period:    {w.start.isoformat()} to {last.isoformat()}",
            f"Budget:    {b.amount:,.2f}",
            f"Spent:     {spent}, up to {evaluation.as_of.isoformat()}",
            f"Forecast:  {forecast} by {last.isoformat()}, at the period's run rate so far",
            "",
            "Spend is amortized cost (EffectiveCost). costlake sends this mail once per period "
            "for each threshold.",
            f"Budget id: {b.id}",
        ]
    )
    return Notice(recipients, subject, body)


def notify(uow: UnitOfWork, channel: Channel, evaluation: Evaluation) -> Sent:
    """Mail every threshold the evaluation reached that nobody has claimed this period."""
    budget, start = evaluation.budget, evaluation.window.start
    sent: list[Decimal] = []
    already: list[Decimal] = []
    failed: list[Decimal] = []
    for rule in evaluation.reached:
        key = decimal_text(rule.threshold)
        try:
            with uow() as s:
                claimed = NotificationRepository(s).claim(
                    {
                        "org_id": get_org(s, budget.org).id,
                        "budget_id": budget.id,
                        "threshold": key,
                        "period_start": start,
                        "recipients": list(rule.recipients),
                        "actual": decimal_text(evaluation.actual),
                        "forecast": decimal_text(evaluation.forecast),
                        "claimed_at": now(),
                    }
                )
        except IntegrityError:  # the budget was deleted meanwhile
            return Sent(evaluation, tuple(sent), tuple(already), tuple(failed))
        if not claimed:
            already.append(rule.threshold)
            continue
        try:
            channel.send(notice(evaluation, rule.threshold, rule.recipients))
        except DeliveryFailed as e:
            level = logging.WARNING if isinstance(e, ChannelOff) else logging.ERROR
            log.log(level, "budget %s, threshold %s%%: %s", budget.id, key, e.message)
            with uow() as s:
                NotificationRepository(s).release(budget.id, key, start)
            failed.append(rule.threshold)
            continue
        with uow() as s:
            NotificationRepository(s).sent(budget.id, key, start, now())
        log.info("budget %s of %s: %s%% of %s mailed to %s", budget.id, budget.org, key,
                 decimal_text(budget.amount), ", ".join(rule.recipients))  # fmt: skip
        sent.append(rule.threshold)
    return Sent(evaluation, tuple(sent), tuple(already), tuple(failed))


def org_status(uow: UnitOfWork, queries: QueryService, org: str, as_of: date) -> list[Evaluation]:
    """Every budget of ``org`` evaluated on ``as_of``, oldest first; nothing is sent."""
    return [evaluate(queries, b, v, as_of) for b, v in _every_budget(uow, org)]


def _every_budget(uow: UnitOfWork, org: str | None = None) -> Iterator[tuple[Budget, View | None]]:
    with uow() as s:
        if org is not None:
            get_org(s, org)  # NotFound for an org that does not exist
        pairs = []
        for row, slug in BudgetRepository(s).every(org):
            view = ViewRepository(s).get(row.org_id, row.view_id) if row.view_id else None
            pairs.append((budget_of(row, slug), view_of(view, slug) if view else None))
    yield from pairs


def days_to_evaluate(budget: Budget, as_of: date) -> list[date]:
    """``as_of``, and in the first :data:`LATE_DAYS` days of a period also the previous
    period's last day: charges of its last days arrive late, and may reach a threshold of
    the period that has just ended."""
    start = periods.window(budget.period, as_of).start
    if (as_of - start).days < LATE_DAYS:
        return [start - timedelta(days=1), as_of]
    return [as_of]


def evaluate_and_notify(
    uow: UnitOfWork, queries: QueryService, channel: Channel, as_of: date
) -> list[Sent]:
    """Evaluate every budget of every org on ``as_of`` (and the period just ended, in a
    period's first days) and send what is due. A budget that fails is logged and the others
    still run; then :class:`EvaluationFailed` names them."""
    done: list[Sent] = []
    failures: list[str] = []
    for budget, view in _every_budget(uow):
        try:
            done.extend(
                notify(uow, channel, evaluate(queries, budget, view, day, today=as_of))
                for day in days_to_evaluate(budget, as_of)
            )
        except CostlakeError as e:
            log.error("budget %s of %s: %s", budget.id, budget.org, e.message)
            failures.append(f"{budget.org}/{budget.id}: {e.message}")
    if failures:
        raise EvaluationFailed("; ".join(failures))
    return done
