"""Custom anomaly monitors: an org's own families of daily cost series, over any filter the
core's cost query takes, watched beside the two built in (``provider_service``,
``account_service``).

A monitor is a name, extra dimensions (FOCUS columns or ``tag:<key>``; ``ProviderName``
and ``ServiceName`` are always added first) and filters (e.g. ``tag:team=ml``,
``RegionId=us-east-1|us-west-2``, ``ServiceName~GPT``). It only ever sees usage charges,
like the built-in ones. Removing a monitor keeps the episodes it found (their feedback is
history); detection no longer updates them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from costlake.anomalies.repository import MonitorRepository
from costlake.anomalies.schemas import DEFAULT_MONITORS, Monitor
from costlake.db.models.monitors import AnomalyMonitor
from costlake.errors import InvalidInput, NotFound
from costlake.orgs.service import get_or_create_org, get_org
from costlake.query.model import Filter, resolve_key

ALWAYS = ("ProviderName", "ServiceName")
MAX_DIMENSIONS = 6
NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")


def _dimensions(extra: Sequence[str]) -> tuple[str, ...]:
    resolved = [resolve_key(d) for d in extra]  # UnknownDimension names a bad one
    dims = ALWAYS + tuple(d for d in dict.fromkeys(resolved) if d not in ALWAYS)
    if "BillingCurrency" in dims:
        raise InvalidInput("BillingCurrency is part of every series already")
    if len(dims) > MAX_DIMENSIONS:
        raise InvalidInput(f"a monitor takes at most {MAX_DIMENSIONS} dimensions")
    return dims


def _stored_filter(f: Filter) -> dict[str, Any]:
    return {"key": f.key, "op": f.op.value, "values": list(f.values), "lower": f.lower}


def _filter(doc: dict[str, Any]) -> Filter:
    return Filter.of(doc["key"], doc["op"], *doc["values"], lower=bool(doc.get("lower")))


def _monitor(row: AnomalyMonitor) -> Monitor:
    return Monitor(row.name, tuple(row.dimensions), tuple(_filter(f) for f in row.filters))


def add_monitor(
    session: Session,
    org: str,
    name: str,
    *,
    dimensions: Sequence[str] = (),
    filters: Sequence[Filter] = (),
    by: str | None = None,
) -> Monitor:
    """Add a custom monitor to ``org``; the next detection run watches it."""
    if not NAME.fullmatch(name):
        raise InvalidInput(
            f"monitor name {name!r}: lower-case letters, digits, '_', '-' or '.', "
            "at most 64 characters"
        )
    if name in {m.name for m in DEFAULT_MONITORS}:
        raise InvalidInput(f"{name!r} is a built-in monitor")
    dims = _dimensions(dimensions)
    if dims == ALWAYS and not filters:
        raise InvalidInput(
            "a monitor without a filter or an extra dimension watches what the built-in "
            "provider_service monitor watches; give it --filter or --dimension"
        )
    org_row = get_or_create_org(session, org)
    repo = MonitorRepository(session)
    if repo.get(org_row.id, name) is not None:
        raise InvalidInput(f"org {org!r} already has a monitor {name!r}")
    row = repo.add(
        AnomalyMonitor(
            org_id=org_row.id,
            name=name,
            dimensions=list(dims),
            filters=[_stored_filter(f) for f in filters],
            created_by=by,
        )
    )
    return _monitor(row)


def list_monitors(session: Session, org: str) -> list[Monitor]:
    """The org's custom monitors, by name (the built-in ones are not listed)."""
    return [_monitor(r) for r in MonitorRepository(session).list(get_org(session, org).id)]


def remove_monitor(session: Session, org: str, name: str) -> None:
    """Remove a custom monitor; the episodes it found stay (see the module)."""
    repo = MonitorRepository(session)
    row = repo.get(get_org(session, org).id, name)
    if row is None:
        raise NotFound(f"org {org!r} has no custom monitor {name!r}")
    repo.delete(row)


def monitors_of(session: Session, org: str) -> tuple[Monitor, ...]:
    """What detection watches for ``org``: the built-in monitors, then its own."""
    org_row = get_or_create_org(session, org)
    return DEFAULT_MONITORS + tuple(
        _monitor(r) for r in MonitorRepository(session).list(org_row.id)
    )
