"""Stored SaaS sources: an org's connections to vendors' billing APIs, synced on demand and
on the scheduler.

A source keeps its secrets encrypted with the deployment's secret key (SecretBox) and
hands them only to the HTTP client of its connector; nothing here returns them. Its
``name`` is the lake source its rows are ingested as, so a sync replaces that source's
billing months in one lake commit (:mod:`costlake.sources.saas.sync`) through
:func:`costlake.sources.service.ingest_files`, like any other ingest. Syncs are
incremental: each fetches from :data:`SETTLE_DAYS` before the last day the previous
successful sync fetched (vendors restate recent days), whole months at a time, up to
today. A vendor error, a timeout or anything else that stops a sync writes nothing to
the lake and is recorded in the source's status with the vendor's message.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from costlake.config import Settings
from costlake.db.models import Org
from costlake.db.models.sources import SaasSource
from costlake.errors import CostlakeError, InvalidInput, NotFound
from costlake.ingest.commitments import check_cost_source
from costlake.ingest.pipeline import Ingestor
from costlake.kit.clock import now, today
from costlake.kit.secretbox import SecretBox
from costlake.lake.store import Lake, check_name
from costlake.orgs.service import get_or_create_org, get_org
from costlake.sources.saas.connectors import CONNECTORS, connector
from costlake.sources.saas.sync import MonthDone, SyncResult, source_name, sync
from costlake.sources.service import ingest_files

log = logging.getLogger(__name__)

SETTLE_DAYS = 3
"""Days before the last synced day that each incremental sync fetches again."""
TIMEOUT_SECONDS = 60.0
"""How long one request to a vendor may take before the sync fails as timed out."""
RETRY_FAILED_AFTER = timedelta(hours=1)
"""A source whose last scheduled sync failed is tried again this soon (or at its turn)."""


class SourceDeps(Protocol):
    """What syncing needs from the composition root (``costlake.platform.Platform``)."""

    settings: Settings
    lake: Lake

    def ingestor(self) -> Ingestor: ...

    def session(self) -> AbstractContextManager[Session]: ...


class SourceSyncFailed(CostlakeError):
    """A sync stopped (vendor error, timeout, bad secret); the lake is unchanged."""

    code = "source_sync_failed"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A stored source as shown to people: everything but its secrets."""

    org: str
    name: str
    kind: str
    vendor: str
    account: str
    base_url: str
    enabled: bool
    every_hours: int
    start_date: date
    created_at: datetime
    last_sync_at: datetime | None
    last_status: str | None
    last_error: str | None
    last_rows: int | None
    last_days: int | None
    last_success_at: datetime | None
    synced_through: date | None


@dataclass(frozen=True, slots=True)
class Removed:
    name: str
    lake_rows: int
    """Rows the lake holds (or held, with ``deleted``) under the source's name."""
    deleted: bool


def add_source(
    session: Session,
    box: SecretBox,
    org: str,
    kind: str,
    account: str,
    secrets: Mapping[str, str],
    *,
    lake: Lake,
    name: str | None = None,
    base_url: str | None = None,
    every_hours: int = 24,
    start: date | None = None,
    enabled: bool = True,
    reuse_lake_source: bool = False,
) -> SourceInfo:
    """Store a source (its secrets encrypted); nothing is fetched until it syncs."""
    conn = connector(kind)
    account = account.strip()
    if not account or len(account) > 255:
        raise InvalidInput("the account must be 1-255 characters")
    name = name or source_name(conn.vendor, account)
    check_cost_source(check_name("source", name))
    missing = [s.name for s in conn.secrets if not (secrets.get(s.name) or "").strip()]
    if missing:
        raise InvalidInput(f"{conn.kind} source: empty secret {', '.join(missing)}")
    if every_hours < 1:
        raise InvalidInput("every_hours must be at least 1")
    owner = get_or_create_org(session, org)
    if _find(session, owner, name) is not None:
        raise InvalidInput(f"org {org!r} already has a source named {name!r}")
    held = _lake_rows(lake, org, name)
    if held and not reuse_lake_source:
        raise InvalidInput(
            f"the lake already holds {held:,} rows of source {name!r} (ingested earlier); "
            "a sync would replace them: choose another name, or reuse that source on purpose"
        )
    values = {s.name: secrets[s.name].strip() for s in conn.secrets}
    row = SaasSource(
        org_id=owner.id,
        name=name,
        kind=conn.kind,
        account=account,
        base_url=_base_url(base_url),
        credentials=box.encrypt(json.dumps(values)),
        enabled=enabled,
        every_hours=every_hours,
        start_date=start or _default_start(),
    )
    session.add(row)
    session.flush()
    return _info(row, org)


def list_sources(session: Session, org: str) -> list[SourceInfo]:
    owner = get_org(session, org)
    rows = session.scalars(
        select(SaasSource).where(SaasSource.org_id == owner.id).order_by(SaasSource.name)
    )
    return [_info(r, org) for r in rows]


def remove_source(deps: SourceDeps, org: str, name: str, *, delete_data: bool) -> Removed:
    """Forget a source and its secrets. Its rows stay in the lake (the costs were real)
    unless ``delete_data``: then the lake drops every period of it in one commit."""
    with deps.session() as session:
        row = _get(session, org, name)
        session.delete(row)
    rows = _lake_rows(deps.lake, org, name)
    if delete_data and rows:
        deps.lake.delete_source(org, name)
    return Removed(name, rows, delete_data and rows > 0)


def sync_source(
    deps: SourceDeps,
    org: str,
    name: str,
    *,
    since: date | None = None,
    progress: MonthDone | None = None,
    timeout: float = TIMEOUT_SECONDS,
) -> SyncResult:
    """Fetch the source's days from its cursor (or ``since``) through today and ingest
    them; record the outcome in its status. :class:`SourceSyncFailed` when it fails."""
    with deps.session() as session:
        row = _get(session, org, name)
        conn = connector(row.kind)
        kind, account, base_url, token = row.kind, row.account, row.base_url, row.credentials
        start = since or _resume_from(row)
    end = today() + timedelta(days=1)
    try:
        secrets = json.loads(SecretBox.from_settings(deps.settings).decrypt(token))
        with conn.client(secrets, base_url, timeout) as client:
            result = sync(
                _PlatformIngest(deps),
                org,
                conn.vendor,
                account,
                lambda a, b: conn.costs(client, account, a, b),
                start,
                end,
                source=name,
                progress=progress,
            )
    except CostlakeError as e:
        message = f"{e.message}; the lake is unchanged"
        _record(deps, org, name, error=message)
        raise SourceSyncFailed(f"source {name!r} ({kind}): {message}") from None
    except Exception as e:
        _record(deps, org, name, error=f"internal error ({type(e).__name__}); see the log")
        raise
    _record(deps, org, name, result=result)
    return result


def due_sources(session: Session, at: datetime) -> list[tuple[str, str]]:
    """(org, name) of every enabled source whose scheduled sync is due at ``at``."""
    rows = session.execute(
        select(Org.slug, SaasSource).join(Org).where(SaasSource.enabled.is_(True))
    ).all()
    due = []
    for slug, row in rows:
        if row.last_sync_at is None:
            due.append((slug, row.name))
            continue
        wait = timedelta(hours=row.every_hours)
        if row.last_status == "error":
            wait = min(wait, RETRY_FAILED_AFTER)
        if at >= row.last_sync_at + wait:
            due.append((slug, row.name))
    return sorted(due)


def sync_due(deps: SourceDeps) -> tuple[int, int]:
    """Sync every due source; one failing never stops the others. (synced, failed)."""
    with deps.session() as session:
        due = due_sources(session, now())
    failed = 0
    for org, name in due:
        try:
            sync_source(deps, org, name)
        except SourceSyncFailed as e:
            failed += 1
            log.warning("%s", e.message)
        except Exception:
            failed += 1
            log.exception("source %r of org %r: sync failed", name, org)
    return len(due) - failed, failed


class _PlatformIngest:
    """The sync's writer: the platform's ingest, which also records the accounts seen."""

    def __init__(self, deps: SourceDeps) -> None:
        self._deps = deps

    def ingest(
        self, paths: Sequence[Path | str], *, org: str, source: str | None, format: str | None
    ) -> object:
        return ingest_files(self._deps, paths, org=org, source=source, format=format)


def _record(
    deps: SourceDeps, org: str, name: str, *, result: SyncResult | None = None, error: str = ""
) -> None:
    with deps.session() as session:
        row = _find(session, get_org(session, org), name)
        if row is None:  # removed while it synced
            return
        row.last_sync_at = now()
        if result is None:
            row.last_status, row.last_error = "error", error[:2000]
            return
        row.last_status, row.last_error = "ok", None
        row.last_rows, row.last_days = result.rows, result.days
        row.last_success_at = row.last_sync_at
        row.synced_through = result.end - timedelta(days=1)


def _resume_from(row: SaasSource) -> date:
    if row.synced_through is None:
        return row.start_date
    return max(row.start_date, row.synced_through - timedelta(days=SETTLE_DAYS))


def _default_start() -> date:
    """The first day of last month: a new source shows this month and the last."""
    first = today().replace(day=1)
    return (first - timedelta(days=1)).replace(day=1)


def _base_url(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"invalid base URL {value!r}: use http(s)://host[:port][/path]")
    loopback = parts.hostname in ("localhost", "::1") or parts.hostname.startswith("127.")
    if parts.scheme == "http" and not loopback:
        raise InvalidInput(
            f"invalid base URL {value!r}: use https (the secrets travel in its request "
            "headers); plain http only to a loopback address"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidInput(
            f"invalid base URL {value!r}: no credentials, query or fragment (secrets are "
            "asked for separately and stored encrypted)"
        )
    return value.strip().rstrip("/")


def _lake_rows(lake: Lake, org: str, source: str) -> int:
    if org not in lake.orgs():
        return 0
    return sum(p.rows for p in lake.snapshot(org).partitions if p.source == source)


def _find(session: Session, owner: Org, name: str) -> SaasSource | None:
    return session.scalars(
        select(SaasSource).where(SaasSource.org_id == owner.id, SaasSource.name == name)
    ).one_or_none()


def _get(session: Session, org: str, name: str) -> SaasSource:
    row = _find(session, get_org(session, org), name)
    if row is None:
        raise NotFound(f"org {org!r} has no source named {name!r}")
    return row


def _info(row: SaasSource, org: str) -> SourceInfo:
    conn = CONNECTORS.get(row.kind)  # a kind no longer installed is still listed
    return SourceInfo(
        org=org,
        name=row.name,
        kind=row.kind,
        vendor=conn.vendor if conn else row.kind,
        account=row.account,
        base_url=row.base_url or (conn.base_url if conn else ""),
        enabled=row.enabled,
        every_hours=row.every_hours,
        start_date=row.start_date,
        created_at=row.created_at,
        last_sync_at=row.last_sync_at,
        last_status=row.last_status,
        last_error=row.last_error,
        last_rows=row.last_rows,
        last_days=row.last_days,
        last_success_at=row.last_success_at,
        synced_through=row.synced_through,
    )
