"""Reading and writing an org's allocation streams: the telemetry tables with kind
``allocation``, their target kept as ``{key: {"include": [...], "exclude": [...]}}``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from costlake.allocation.schemas import AllocationStream, TargetRule
from costlake.orgs.service import get_org
from costlake.telemetry.records import Granularity, Record
from costlake.telemetry.streams_repository import StreamRepository

KIND = "allocation"


def repository(session: Session, org: str) -> StreamRepository:
    return StreamRepository(session, get_org(session, org).id, KIND)


def stored_target(target: Mapping[str, TargetRule]) -> dict[str, Any]:
    return {k: {"include": list(r.include), "exclude": list(r.exclude)} for k, r in target.items()}


def read_target(stored: Mapping[str, Any]) -> dict[str, TargetRule]:
    return {
        k: TargetRule(tuple(v.get("include", ())), tuple(v.get("exclude", ())))
        for k, v in stored.items()
    }


def load(
    session: Session, org: str, name: str, start: datetime, end: datetime
) -> AllocationStream | None:
    """Stream ``name`` with its records whose period starts in [start, end); None if the
    org has no such stream."""
    repo = repository(session, org)
    stream = repo.get(name)
    if stream is None:
        return None
    records = [
        Record(at, Granularity(grain), Decimal(value), labels)
        for at, grain, labels, value in repo.values(stream, start, end)
    ]
    return AllocationStream(stream.name, read_target(stream.target), records)
