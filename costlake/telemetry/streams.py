"""Unit-metric telemetry streams: an org's named series of business figures (requests
served, customers, tokens) that unit economics divide cost by (:mod:`unitcost`).

Records are checked by :mod:`records`. Sending a record again for the same period,
granularity and ``filter`` map replaces its value (so a retried request changes nothing);
records are stored durably in the metadata database before the caller hears "accepted".
Every function works within the caller's org only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from costlake.db.models.telemetry import TelemetryRecord, TelemetryStream
from costlake.errors import InvalidInput, NotFound
from costlake.orgs.service import get_org
from costlake.telemetry.records import (
    LIMIT,
    Granularity,
    Record,
    exact,
    labels_key,
    stream_name,
)
from costlake.telemetry.streams_repository import StreamRepository

KIND = "metric"


def _repo(session: Session, org: str, kind: str = KIND) -> StreamRepository:
    return StreamRepository(session, get_org(session, org).id, kind)


def post_records(session: Session, org: str, name: str, records: Sequence[Record]) -> int:
    """Store ``records`` in stream ``name`` (created on first use); a record of a period,
    granularity and filter already stored replaces it. Returns how many were accepted."""
    name = stream_name(name)
    if not records:
        return 0
    repo = _repo(session, org)
    return put(repo, repo.claim(name), records, add=False)


def put(
    repo: StreamRepository, stream: TelemetryStream, records: Sequence[Record], *, add: bool
) -> int:
    """Write ``records`` into ``stream``: each adds to (``add``) or replaces the stored value
    of its period, granularity and labels; the request's own repeats are applied in order."""
    starts = sorted({r.period_start for r in records})
    stored = {
        (row.period_start, row.granularity, row.labels_key): row
        for row in repo.records(stream, period_starts=starts)
    }
    new: list[TelemetryRecord] = []
    for i, r in enumerate(records):
        key = (r.period_start, r.granularity.value, r.labels_key)
        row = stored.get(key)
        if row is None:
            row = TelemetryRecord(
                stream_id=stream.id,
                period_start=r.period_start,
                granularity=r.granularity.value,
                labels_key=r.labels_key,
                labels=dict(r.labels),
                value="0",
            )
            stored[key] = row
            new.append(row)
        total = exact(r.value + (Decimal(row.value) if add else 0))
        if abs(total) >= LIMIT:
            raise InvalidInput(f"records[{i}].value: the stored sum would reach 1e18")
        row.value = str(total)
    repo.add(new)
    return len(records)


def delete_records(
    session: Session,
    org: str,
    name: str,
    timestamp: datetime,
    granularity: Granularity | None = None,
    labels: Mapping[str, str] | None = None,
    *,
    kind: str = KIND,
) -> int:
    """Delete the stream's records of the period that starts at ``timestamp`` (aligned to
    ``granularity`` when given, else any granularity whose period starts exactly then),
    only those with ``labels`` when given. Returns how many; 0 for an unknown stream."""
    repo = _repo(session, org, kind)
    stream = repo.get(name)
    if stream is None:
        return 0
    repo.claim(name)
    start = granularity.align(timestamp) if granularity else timestamp
    rows = repo.records(
        stream, granularity=granularity.value if granularity else None, period_starts=[start]
    )
    if labels is not None:
        wanted = labels_key(labels)
        rows = [r for r in rows if r.labels_key == wanted]
    return repo.drop(rows)


def delete_stream(session: Session, org: str, name: str) -> None:
    """Delete the stream and every record of it; :class:`NotFound` if there is none."""
    repo = _repo(session, org)
    stream = repo.get(name)
    if stream is None:
        raise NotFound(f"telemetry stream {name[:100]!r} not found")
    repo.remove(stream)


def stream_names(session: Session, org: str, kind: str = KIND) -> list[str]:
    return _repo(session, org, kind).names()


def records_between(
    session: Session, org: str, name: str, start: datetime, end: datetime, *, kind: str = KIND
) -> list[Record]:
    """The stream's records whose period starts in [start, end); :class:`NotFound` for an
    unknown stream."""
    repo = _repo(session, org, kind)
    stream = repo.get(name)
    if stream is None:
        raise NotFound(f"telemetry stream {name[:100]!r} not found")
    return [
        Record(at, Granularity(grain), Decimal(value), labels)
        for at, grain, labels, value in repo.values(stream, start, end)
    ]
