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

import hashlib
import threading
import uuid
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

from costlake.anomalies.detector import SEASON_DAYS, Run, Thresholds, detect, runs
from costlake.anomalies.monitors import monitors_of
from costlake.anomalies.repository import AnomalyRepository
from costlake.anomalies.schemas import (
    DEFAULT_MONITORS,
    AlertType,
    DetectionSummary,
    Episode,
    Monitor,
    Status,
    severity_of,
)
from costlake.config import Settings
from costlake.db import models
from costlake.kit.clock import now
from costlake.kit.providers import provider_slug
from costlake.orgs.service import get_or_create_org
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
RESTATED_DAYS_MAX = 186
"""How far back an ingest's months are evaluated again (about six months: the providers'
restatement windows). A first ingest of years of history is not combed for old anomalies."""
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
    since: date | None = None,
) -> Detection:
    """The anomaly episodes of the org's last ``lookback_days`` days of data, or from
    ``since`` on when that is earlier (a restated period), episodes that began earlier and
    reach into them included; read from the lake alone."""
    span = usage_days(queries, org)
    if span is None:
        return Detection([], None, None, 0)
    data_first, last = span
    evaluate_from = max(data_first, last - timedelta(days=lookback_days - 1))
    if since is not None:
        oldest = last - timedelta(days=RESTATED_DAYS_MAX - 1)
        evaluate_from = max(data_first, min(evaluate_from, max(since, oldest)))
    first = max(data_first, evaluate_from - timedelta(days=SEASON_DAYS + t.min_history_days))
    episodes: list[Episode] = []
    count = 0
    for monitor, series in daily_series(queries, org, first, last, monitors).items():
        count += len(series)
        for key, values in series.items():
            for run in _runs_of(values, first, t):
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


_memo: OrderedDict[tuple[bytes, date, Thresholds], list[Run]] = OrderedDict()
_memo_lock = threading.Lock()
MEMO_SIZE = 20_000
"""Series whose episodes this process remembers: after an ingest most series are unchanged,
and an unchanged series costs a hash instead of a pass of the detector."""


def _runs_of(values: list[Decimal], first: date, t: Thresholds) -> list[Run]:
    """The episodes (as day indexes) of one series starting on ``first``."""
    y = np.array([float(v) for v in values])
    key = (hashlib.blake2b(y.tobytes(), digest_size=16).digest(), first, t)
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None:
            _memo.move_to_end(key)
            return hit
    found = runs(detect(y, first, t))
    with _memo_lock:
        _memo[key] = found
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return found


Series = dict[tuple[Any, ...], list[Decimal]]
"""Daily usage cost from a first day on, by the monitor's dimension values and currency."""


def daily_series(
    queries: QueryService,
    org: str,
    first: date,
    last: date,
    monitors: tuple[Monitor, ...] = DEFAULT_MONITORS,
) -> dict[Monitor, Series]:
    """Every monitor's series over ``[first, last]``; a day without usage is 0. Keys are the
    monitor's dimension values, then the currency. The monitors without filters over the
    built-in columns share one core query; any other monitor has its own."""
    n = (last - first).days + 1
    shared = [m for m in monitors if not m.filters and set(m.dimensions) <= set(SERIES_COLUMNS)]
    batches: list[tuple[tuple[str, ...], tuple[Filter, ...], list[Monitor]]] = []
    if shared:
        batches.append((SERIES_COLUMNS, (), shared))
    for m in monitors:
        if m not in shared:
            group = tuple(dict.fromkeys((*m.dimensions, "BillingCurrency")))
            batches.append((group, m.filters, [m]))
    out: dict[Monitor, Series] = {}
    for group_by, filters, members in batches:
        query = CostQuery(
            _midnight(first),
            _midnight(last + timedelta(days=1)),
            granularity=Granularity.DAY,
            group_by=group_by,
            filters=USAGE_ONLY + filters,
            metric=METRIC,
            order_by_cost=False,
        )
        rows = queries.run(org, query).rows
        for monitor in members:
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
    monitors: tuple[Monitor, ...] | None = None,
    since: date | None = None,
) -> DetectionSummary:
    """Find the org's anomalies and reconcile them with the stored ones (see the module
    docstring). ``monitors``: default, the built-in ones and the org's own; ``since``:
    evaluate from that day on too (a restated period). The caller's unit of work commits."""
    if monitors is None:
        monitors = monitors_of(session, org)
    found = find_episodes(
        queries, org, t, lookback_days=lookback_days, monitors=monitors, since=since
    )
    org_row = get_or_create_org(session, org)
    if found.first_day is None:
        return DetectionSummary(org, None, None, 0, 0, 0, 0)
    repo = AnomalyRepository(session)
    watched = {m.name: m for m in monitors}
    stored = [
        row
        for row in repo.ending_since(org_row.id, found.first_day - timedelta(days=1))
        if row.monitor in watched  # a removed monitor's episodes are left as they are
    ]
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
            row.contributors = _contributors(queries, org, episode, watched[episode.monitor])
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
                row.contributors = _contributors(queries, org, episode, watched[episode.monitor])
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


def _contributors(
    queries: QueryService, org: str, episode: Episode, monitor: Monitor
) -> list[dict[str, Any]]:
    """The values of region, resource and usage type that moved the most within the
    series, against the same number of days just before the episode."""
    filters = (
        USAGE_ONLY
        + monitor.filters
        + tuple(
            Filter.of(k, FilterOp.EQUALS, v if v is not None else "")
            for k, v in episode.series.items()
        )
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


def _day(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value  # type: ignore[return-value]


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
