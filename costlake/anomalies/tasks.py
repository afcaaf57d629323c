"""Scheduled jobs of the anomalies domain: detection over every org's lake, hourly and right
after each ingest."""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from contextlib import AbstractContextManager
from datetime import date, timedelta
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.orm import Session

from costlake.anomalies.schemas import DetectionSummary
from costlake.anomalies.service import detect_and_store, thresholds
from costlake.config import Settings
from costlake.lake.store import Lake
from costlake.query.service import QueryService
from costlake.tasks.registry import Job, JobRegistry

if TYPE_CHECKING:
    from costlake.platform import Platform

log = logging.getLogger(__name__)
_org_locks: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
"""One detection at a time per org in this process, so two ingests finishing together
cannot both add the same new episode."""


class DetectionDeps(Protocol):
    """What detection needs from the composition root (``costlake.platform.Platform``); its
    ``queries`` (a query service with the platform's engine and cache) when it has one."""

    settings: Settings
    lake: Lake

    def session(self) -> AbstractContextManager[Session]: ...


def _queries(deps: DetectionDeps) -> QueryService:
    queries = getattr(deps, "queries", None)
    return queries if isinstance(queries, QueryService) else QueryService(deps.lake)


def detect_for_org(
    platform: DetectionDeps, org: str, *, since: date | None = None
) -> DetectionSummary:
    """Detect the org's anomalies and store them, in one unit of work. Ingest of a new
    export and the scheduler both end here; a second run over unchanged data changes
    nothing. ``since``: evaluate from that day on too (the first day an ingest touched)."""
    settings = platform.settings
    with _org_locks[org], platform.session() as session:
        return detect_and_store(
            session,
            _queries(platform),
            org,
            thresholds(settings),
            lookback_days=settings.anomaly_lookback_days,
            since=since,
        )


def _months(periods: Sequence[str]) -> date | None:
    months = [date(int(p[:4]), int(p[5:7]), 1) for p in periods if p[:4].isdigit()]
    return min(months) if months else None


def _detect_logged(deps: DetectionDeps, org: str, since: date | None) -> DetectionSummary | None:
    try:
        return detect_for_org(deps, org, since=since)
    except Exception:
        log.exception("anomaly detection after ingest into org %r failed (the job retries)", org)
        return None


def detect_after_ingest(
    deps: DetectionDeps, org: str, periods: Sequence[str], *, background: bool = False
) -> DetectionSummary | None:
    """Re-evaluate ``org``'s anomalies after an ingest committed ``periods`` (``YYYY-MM``):
    the usual last days and every day from the first touched month on, so a restated
    month updates its episodes. Never raises: the ingest has succeeded whatever happens
    here; a failure is logged and the hourly job runs detection again.

    ``background``: return at once and detect in a thread of this process, one per org at
    a time; ingests that finish while it runs are covered by one more run after it (a
    server taking frequent small ingests, such as OpenTelemetry batches)."""
    since = _months(periods)
    if background:
        _background.submit(deps, org, since)
        return None
    return _detect_logged(deps, org, since)


def _earlier(a: date | None, b: date | None) -> date | None:
    """The earlier of two ``since`` days; None (only the look-back) is the latest."""
    return min((d for d in (a, b) if d is not None), default=None)


class _Background:
    """Detections in background threads, coalesced per org: while one runs, further
    requests for the org become a single next run from the earliest day asked for."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, date | None] = {}
        self._running: set[str] = set()
        self._idle = threading.Condition(self._lock)

    def submit(self, deps: DetectionDeps, org: str, since: date | None) -> None:
        with self._lock:
            self._pending[org] = (
                _earlier(self._pending[org], since) if org in self._pending else since
            )
            if org in self._running:
                return
            self._running.add(org)
        threading.Thread(
            target=self._run, args=(deps, org), name=f"anomalies-{org}", daemon=True
        ).start()

    def _run(self, deps: DetectionDeps, org: str) -> None:
        while True:
            with self._lock:
                if org not in self._pending:
                    self._running.discard(org)
                    self._idle.notify_all()
                    return
                since = self._pending.pop(org)
            _detect_logged(deps, org, since)

    def wait(self, timeout: float) -> bool:
        """Whether every background detection finished within ``timeout`` seconds."""
        with self._lock:
            return self._idle.wait_for(lambda: not self._running, timeout)


_background = _Background()
wait_for_background = _background.wait


def detect_all_orgs(platform: Platform) -> None:
    """Every org in turn: one org's failure is logged and does not keep the others from
    being examined; the job then fails (and is retried) naming the orgs that failed."""
    failed: list[str] = []
    for org in platform.lake.orgs():
        try:
            detect_for_org(platform, org)
        except Exception:
            log.exception("anomaly detection of org %r failed", org)
            failed.append(org)
    if failed:
        raise RuntimeError(f"anomaly detection failed for org(s) {', '.join(failed)}")


def register(registry: JobRegistry) -> None:
    registry.add(
        Job(
            "anomalies.detect",
            detect_all_orgs,
            every=timedelta(hours=1),
            description="Find cost anomalies in every org's daily usage and store them",
        )
    )
