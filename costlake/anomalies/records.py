"""Stored anomaly episodes: listing them (with the filters the APIs offer) and recording
people's feedback on them.

Each monitor keeps its own episodes, as AWS Cost Anomaly Detection does: one cost event
seen by two monitors (provider x service, and sub account x service) is two records, each
naming its monitor. A listing that shows only provider and service, such as StackSpend's,
asks for ``distinct`` episodes: of records of the same provider, service, currency and
direction whose days overlap, only the first by monitor precedence is kept (the built-in
``provider_service``, then ``account_service``, then custom monitors by name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.orm import Session

from costlake.anomalies.repository import AnomalyRepository
from costlake.anomalies.schemas import (
    DEFAULT_MONITORS,
    AlertType,
    Anomaly,
    Contributor,
    Severity,
    Status,
    deviation_percent,
)
from costlake.db import models
from costlake.errors import InvalidInput, NotFound
from costlake.kit.clock import now
from costlake.orgs.service import get_org

_BUILT_IN = [m.name for m in DEFAULT_MONITORS]


@dataclass(frozen=True, slots=True)
class AnomalyFilter:
    """Which of an org's episodes to list; None is no condition."""

    status: str | None = None
    since: date | None = None
    """Detected on or after this day."""
    after: date | None = None
    """Detected after this day."""
    provider_type: str | None = None
    """A provider slug, compared case-insensitively."""
    severity: str | None = None
    account_ids: tuple[str, ...] | None = None
    """Only episodes of series of these sub accounts: an org-wide series also holds other
    accounts' costs, so a caller limited to some accounts never sees one."""
    distinct: bool = False
    """One record per cost event across monitors (see the module)."""


def list_anomalies(
    session: Session,
    org: str,
    *,
    status: str | None = None,
    since: date | None = None,
    limit: int | None = None,
    where: AnomalyFilter | None = None,
) -> list[Anomaly]:
    """The org's anomalies, the most recently detected first. ``status`` and ``since`` are
    shorthands for ``where=AnomalyFilter(status=..., since=...)``; give one or the other."""
    if where is not None and (status is not None or since is not None):
        raise ValueError("give status and since inside where, not beside it")
    f = where or AnomalyFilter(status=status, since=since)
    if f.status is not None:
        _status(f.status)
    if f.severity is not None and f.severity not in {s.value for s in Severity}:
        raise InvalidInput(f"unknown severity {f.severity!r}")
    rows = AnomalyRepository(session).list(
        get_org(session, org).id,
        status=f.status,
        since=f.since,
        after=f.after,
        provider_type=f.provider_type.lower() if f.provider_type else None,
        severity=f.severity,
        account_ids=f.account_ids,
        limit=None if f.distinct else limit,
    )
    if f.distinct:
        rows = distinct_episodes(rows)
    return [_out(row, org) for row in rows[:limit]]


def _precedence(row: models.Anomaly) -> tuple[int, str]:
    built_in = row.monitor in _BUILT_IN
    return (_BUILT_IN.index(row.monitor) if built_in else len(_BUILT_IN), row.monitor)


def distinct_episodes(rows: Sequence[models.Anomaly]) -> list[models.Anomaly]:
    """``rows`` (in their order) without the records of an event another monitor of higher
    precedence already reports: same provider, service, currency and direction, days
    overlapping."""
    kept: list[models.Anomaly] = []
    for row in sorted(rows, key=_precedence):
        upward = AlertType(row.alert_type).upward
        if not any(
            k.provider_type == row.provider_type
            and k.service == row.service
            and k.currency == row.currency
            and AlertType(k.alert_type).upward == upward
            and k.start_date <= row.end_date
            and row.start_date <= k.end_date
            for k in kept
        ):
            kept.append(row)
    chosen = {id(r) for r in kept}
    return [r for r in rows if id(r) in chosen]


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
