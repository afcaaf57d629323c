"""Resources seen in the lake: the fallback answer when a window has no cost data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from costlake.kit.providers import provider_slug
from costlake.query.compile import account_predicate, ts
from costlake.query.service import QueryService


@dataclass(frozen=True, slots=True)
class ResourceInventory:
    total: int
    by_provider: tuple[tuple[str, int], ...]
    by_type: tuple[tuple[str, int], ...]
    last_seen: datetime | None


def resource_inventory(
    queries: QueryService, org: str, *, before: datetime, account_ids: tuple[str, ...] | None = None
) -> ResourceInventory:
    """Distinct resources with charges before ``before``, by provider and by type."""
    snap = queries.lake.snapshot(org)
    files = snap.files(None, before)
    if not files:
        return ResourceInventory(0, (), (), None)
    where = [f"ChargePeriodStart < {ts(before)}", "ResourceId IS NOT NULL"]
    if account_ids is not None:
        where.append(account_predicate(account_ids))
    sql = (
        "SELECT ProviderName, COALESCE(ResourceType, ServiceName) AS t, "
        "count(DISTINCT ResourceId) AS n, max(ChargePeriodStart) AS last "
        f"FROM costs WHERE {' AND '.join(where)} GROUP BY 1, 2"
    )
    rows = queries.engine.execute(sql, files).to_pylist()
    by_provider: dict[str, int] = {}
    by_type: dict[str, int] = {}
    last = None
    for r in rows:
        p = provider_slug(r["ProviderName"])
        by_provider[p] = by_provider.get(p, 0) + r["n"]
        by_type[r["t"]] = by_type.get(r["t"], 0) + r["n"]
        last = r["last"] if last is None or (r["last"] and r["last"] > last) else last
    return ResourceInventory(
        total=sum(by_provider.values()),
        by_provider=tuple(sorted(by_provider.items(), key=lambda kv: (-kv[1], kv[0]))),
        by_type=tuple(sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))[:20],
        last_seen=last,
    )
