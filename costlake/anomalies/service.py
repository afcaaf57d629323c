"""Anomaly detection over an org's lake, and the stored episodes people give feedback on.

A run reads the org's daily usage cost per (provider, sub account, service, currency) with
one core query, sums it into each monitor's series, lets :mod:`costlake.anomalies.detector`
find the anomalous days, merges them into episodes, and reconciles those with the stored
ones:

- an episode overlapping (or touching) a stored one of the same series and direction *is*
  that one: its days and costs are updated, its status and feedback kept, so a dismissed
  episode is never raised again and a restated period never duplicates a record;
- a stored ``new`` episode whose days were all evaluated again and are no longer anomalous
  (the period was restated, or the thresholds changed) is marked resolved by ``costlake``.

Only usage counts: ``ChargeCategory`` Usage, neither ``Recurring`` nor ``One-Time``
``ChargeFrequency`` (support plans, fees), and no ``Correction`` rows. Purchases, credits,
taxes and refunds are other categories. The days are those of the data, never the clock of
the run: the last evaluated day is the last day with usage in the lake.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from costlake.anomalies.detector import SEASON_DAYS, Thresholds, detect, runs
from costlake.anomalies.repository import AnomalyRepository
from costlake.anomalies.schemas import (
    DEFAULT_MONITORS,
    AlertType,
    Anomaly,
    Contributor,
    DetectionSummary,
    Episode,
    Monitor,
    Severity,
    Status,
    deviation_percent,
    severity_of,
)
from costlake.config import Settings
from costlake.db import models
from costlake.errors import InvalidInput, NotFound
from costlake.kit.clock import now
from costlake.kit.providers import provider_slug
from costlake.orgs.service import get_or_create_org, get_org
from costlake.query.model import CostQuery, Filter, FilterOp, Granularity, Metric
from costlake.query.service import QueryService

METRIC = Metric.EFFECTIVE
"""Amortised cost: a commitment's coverage does not turn usage into zero-cost days."""

USAGE_ONLY: tuple[Filter, ...] = (
    Filter.of("ChargeCategory", FilterOp.EQUALS, "Usage"),
    Filter.of("ChargeFrequency", FilterOp.NOT_IN, "Recurring", "One-Time"),
    Filter.of("ChargeClass", FilterOp.NOT_IN, "Correction"),
)
SERIES_COLUMNS = ("ProviderName", "SubAccountId", "ServiceName", "BillingCurrency")
CONTRIBUTOR_DIMENSIONS = {"region": "RegionId", "resource": "ResourceId", "usage_type": "SkuMeter"}
TOP_CONTRIBUTORS = 3
DETECTOR = "costlake"
"""Who a status change made by the detector itself is attributed to."""
_EPOCH = datetime(1970, 1, 1)
_END_OF_TIME = datetime(2200, 1, 1)


def thresholds(settings: Settings) -> Thresholds:
    return Thresholds(
        min_impact=settings.anomaly_min_impact,
        min_percent=settings.anomaly_min_percent,
        min_daily_cost=settings.anomaly_min_daily_cost,
        sensitivity=settings.anomaly_sensitivity,
        min_history_days=settings.anomaly_min_history_days,
    )


@dataclass(frozen=True, slots=True)
class Detection:
    """What the lake says now: the episodes in the evaluated days, and those days."""

    episodes: list[Episode]
    first_day: date | None
    last_day: date | None
    series: int


def usage_days(queries: QueryService, org: str) -> tuple[date, date] | None:
    """The first and last day with usage charges in the org's lake (None: none)."""
    query = CostQuery(
        _EPOCH,
        _END_OF_TIME,
        granularity=Granularity.DAY,
        filters=(USAGE_ONLY[0],),
        metric=METRIC,
        order_by_cost=False,
    )
    days = [_day(r["period"]) for r in queries.run(org, query).rows]
    return (min(days), max(days)) if days else None


def find_episodes(
    queries: QueryService,
    org: str,
    t: Thresholds,
    *,
    lookback_days: int,
    monitors: tuple[Monitor, ...] = DEFAULT_MONITORS,
) -> Detection:
    """The anomaly episodes of the org's last ``lookback_days`` days of data (episodes that
    began earlier and reach into them included), read from the lake alone."""
    span = usage_days(queries, org)
    if span is None:
        return Detection([], None, None, 0)
    data_first, last = span
    evaluate_from = max(data_first, last - timedelta(days=lookback_days - 1))
    first = max(data_first, evaluate_from - timedelta(days=SEASON_DAYS + t.min_history_days))
    episodes: list[Episode] = []
    count = 0
    for monitor, series in daily_series(queries, org, first, last, monitors).items():
        count += len(series)
        for key, values in series.items():
            flags = detect(np.array([float(v) for v in values]), first, t)
            for run in runs(flags):
                if first + timedelta(days=run.end) < evaluate_from:
                    continue
                start, end = first + timedelta(days=run.start), first + timedelta(days=run.end)
                episodes.append(
                    Episode(
                        monitor=monitor.name,
                        series=dict(zip(monitor.dimensions, key[:-1], strict=True)),
                        currency=key[-1],
                        alert_type=run.kind,
                        start_date=start,
                        end_date=end,
                        detected_date=start,
                        expected_cost=Decimal(str(round(run.expected, 6))),
                        actual_cost=sum(values[run.start : run.end + 1], Decimal(0)),
                    )
                )
    return Detection(episodes, evaluate_from, last, count)


Series = dict[tuple[Any, ...], list[Decimal]]
"""Daily usage cost from a first day on, by the monitor's dimension values and currency."""


def daily_series(
    queries: QueryService,
    org: str,
    first: date,
    last: date,
    monitors: tuple[Monitor, ...] = DEFAULT_MONITORS,
) -> dict[Monitor, Series]:
    """Every monitor's series over ``[first, last]``, from one core query; a day without
    usage is 0. Keys are the monitor's dimension values, then the currency."""
    n = (last - first).days + 1
    query = CostQuery(
        _midnight(first),
        _midnight(last + timedelta(days=1)),
        granularity=Granularity.DAY,
        group_by=SERIES_COLUMNS,
        filters=USAGE_ONLY,
        metric=METRIC,
        order_by_cost=False,
    )
    rows = queries.run(org, query).rows
    out: dict[Monitor, Series] = {}
    for monitor in monitors:
        series: Series = defaultdict(lambda: [Decimal(0)] * n)
        for row in rows:
            key = (*(row[d] for d in monitor.dimensions), row["BillingCurrency"])
            series[key][(_day(row["period"]) - first).days] += row["cost"] or Decimal(0)
        out[monitor] = dict(series)
    return out


def detect_and_store(
    session: Session,
    queries: QueryService,
    org: str,
    t: Thresholds,
    *,
    lookback_days: int,
    monitors: tuple[Monitor, ...] = DEFAULT_MONITORS,
) -> DetectionSummary:
    """Find the org's anomalies and reconcile them with the stored ones (see the module
    docstring). The caller's unit of work commits."""
    found = find_episodes(queries, org, t, lookback_days=lookback_days, monitors=monitors)
    org_row = get_or_create_org(session, org)
    if found.first_day is None:
        return DetectionSummary(org, None, None, 0, 0, 0, 0)
    repo = AnomalyRepository(session)
    stored = list(repo.ending_since(org_row.id, found.first_day - timedelta(days=1)))
    matched: set[str] = set()
    created = updated = 0
    moment = now()
    for episode in found.episodes:
        row = _match(stored, episode, matched)
        if row is None:
            row = models.Anomaly(
                id=str(uuid.uuid4()),
                org_id=org_row.id,
                status=Status.NEW.value,
                created_at=moment,
                **_columns(episode, t),
            )
            row.contributors = _contributors(queries, org, episode)
            repo.add(row)
            stored.append(row)
            created += 1
        else:
            if row.start_date < episode.start_date <= found.first_day:
                episode = _extended(row, episode)  # began before the days read
            columns = _columns(episode, t)
            if any(getattr(row, k) != v for k, v in columns.items()):
                for k, v in columns.items():
                    setattr(row, k, v)
                row.contributors = _contributors(queries, org, episode)
                row.updated_at = moment
                updated += 1
        matched.add(row.id)
    withdrawn = 0
    for row in stored:
        evaluated = row.start_date >= found.first_day
        if row.id not in matched and evaluated and row.status == Status.NEW.value:
            row.status = Status.RESOLVED.value
            row.status_changed_by = f"{DETECTOR} (not anomalous when evaluated again)"
            row.status_changed_at = moment
            row.updated_at = moment
            withdrawn += 1
    session.flush()
    return DetectionSummary(
        org, found.first_day, found.last_day, found.series, created, updated, withdrawn
    )


def _match(
    stored: list[models.Anomaly], episode: Episode, taken: set[str]
) -> models.Anomaly | None:
    """The stored episode this one is: same series and direction, days overlapping or
    adjacent."""
    upward = episode.alert_type.upward
    for row in stored:
        if (
            row.id not in taken
            and row.monitor == episode.monitor
            and row.series_key == episode.series_key
            and AlertType(row.alert_type).upward == upward
            and row.start_date <= episode.end_date + timedelta(days=1)
            and episode.start_date <= row.end_date + timedelta(days=1)
        ):
            return row
    return None


def _extended(row: models.Anomaly, episode: Episode) -> Episode:
    """An episode seen from inside the evaluated days, with the stored days before them."""
    return replace(
        episode,
        alert_type=AlertType(row.alert_type),
        start_date=row.start_date,
        detected_date=row.detected_date,
    )


def _columns(episode: Episode, t: Thresholds) -> dict[str, Any]:
    series = episode.series
    return {
        "monitor": episode.monitor,
        "series_key": episode.series_key,
        "provider_type": provider_slug(series.get("ProviderName")),
        "service": series.get("ServiceName"),
        "sub_account_id": series.get("SubAccountId"),
        "currency": episode.currency,
        "alert_type": episode.alert_type.value,
        "severity": severity_of(episode.impact, t.min_impact).value,
        "start_date": episode.start_date,
        "end_date": episode.end_date,
        "detected_date": episode.detected_date,
        "expected_cost": str(episode.expected_cost),
        "actual_cost": str(episode.actual_cost),
        "deviation_percent": episode.deviation_percent,
    }


def _contributors(queries: QueryService, org: str, episode: Episode) -> list[dict[str, Any]]:
    """The values of region, resource and usage type that moved the most within the
    series, against the same number of days just before the episode."""
    filters = USAGE_ONLY + tuple(
        Filter.of(k, FilterOp.EQUALS, v if v is not None else "") for k, v in episode.series.items()
    )
    out: list[dict[str, Any]] = []
    for name, column in CONTRIBUTOR_DIMENSIONS.items():
        query = CostQuery(
            _midnight(episode.start_date),
            _midnight(episode.end_date + timedelta(days=1)),
            group_by=(column,),
            filters=filters,
            metric=METRIC,
            compare_previous=True,
        )
        rows = queries.run(org, query).rows
        moved = sorted(
            rows,
            key=lambda r: abs((r["cost"] or 0) - (r["previous_cost"] or 0)),
            reverse=True,
        )
        for r in moved[:TOP_CONTRIBUTORS]:
            cost = r["cost"] or Decimal(0)
            out.append(
                {
                    "dimension": name,
                    "value": r[column],
                    "actual_cost": str(cost),
                    "change": str(cost - (r["previous_cost"] or Decimal(0))),
                }
            )
    return out


def list_anomalies(
    session: Session,
    org: str,
    *,
    status: str | None = None,
    since: date | None = None,
    limit: int | None = None,
) -> list[Anomaly]:
    """The org's anomalies, the most recently detected first."""
    if status is not None:
        status = _status(status).value
    rows = AnomalyRepository(session).list(
        get_org(session, org).id, status=status, since=since, limit=limit
    )
    return [_out(row, org) for row in rows]


def set_status(session: Session, org: str, anomaly_id: str, status: str, by: str) -> Anomaly:
    """Record feedback on an anomaly: its new status, who gave it and when."""
    if not by.strip():
        raise InvalidInput("say who changes the status")
    row = AnomalyRepository(session).get(get_org(session, org).id, anomaly_id)
    if row is None:
        raise NotFound(f"no anomaly {anomaly_id!r} in org {org!r}")
    row.status = _status(status).value
    row.status_changed_by = by.strip()
    row.status_changed_at = row.updated_at = now()
    session.flush()
    return _out(row, org)


def _status(value: str) -> Status:
    try:
        return Status(value)
    except ValueError:
        names = ", ".join(s.value for s in Status)
        raise InvalidInput(f"unknown status {value!r}; use one of: {names}") from None


def _out(row: models.Anomaly, org: str) -> Anomaly:
    expected, actual = Decimal(row.expected_cost), Decimal(row.actual_cost)
    return Anomaly(
        id=row.id,
        org=org,
        monitor=row.monitor,
        alert_type=AlertType(row.alert_type),
        severity=Severity(row.severity),
        status=Status(row.status),
        provider_type=row.provider_type,
        service=row.service,
        sub_account_id=row.sub_account_id,
        currency=row.currency,
        start_date=row.start_date,
        end_date=row.end_date,
        detected_date=row.detected_date,
        expected_cost=expected,
        actual_cost=actual,
        deviation_percent=deviation_percent(expected, actual),
        contributors=[
            Contributor(c["dimension"], c["value"], Decimal(c["actual_cost"]), Decimal(c["change"]))
            for c in row.contributors or []
        ],
        status_changed_by=row.status_changed_by,
        status_changed_at=row.status_changed_at,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _day(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
