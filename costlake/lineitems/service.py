"""Line items page by page with keyset pagination, and daily totals per dimension.

Pages walk the lake in one total order: the snapshot's files in manifest order, then each
file's rows by their position in it (``file_row_number``). A page asks each file for the
rows after the last key seen, so page 1,000 reads what page 1 reads (the engine prunes row
groups by row number), never an OFFSET scan. The order is only defined within one lake
generation: a key from an older generation is refused with :class:`CursorExpired` rather
than skipping or repeating the rows a re-ingest moved.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from costlake.errors import InvalidInput
from costlake.kit.providers import provider_slug
from costlake.lake.store import LakeSnapshot
from costlake.lineitems.schemas import DailyTotal, LineItem, LineItemPage, RollupDimension, RowKey
from costlake.query.compile import TABLE, account_predicate, tag_sql, ts
from costlake.query.model import CostQuery, Granularity
from costlake.query.service import QueryService

MAX_DAYS = 366
"""The longest range one request may cover (a year, as the rollups allow)."""

PROJECT_ID = (
    f"COALESCE({tag_sql('project_id')}, {tag_sql('project')}, CASE WHEN lower(SubAccountType) = "
    "'project' OR ServiceCategory = 'AI and Machine Learning' THEN SubAccountId END)"
)
"""AI and cloud projects: a ``project_id`` or ``project`` tag (what OpenTelemetry and
allocation rules write), else the sub account when the provider calls it a project
(``SubAccountType``: Google Cloud, OpenAI's FOCUS export) or the charge is AI spend (the
OpenAI costs connector puts the project there without a type)."""
USER_EMAIL = f"COALESCE({tag_sql('user_email')}, {tag_sql('user.email')})"
"""Who spent it: the ``user_email`` tag, or OpenTelemetry's ``user.email`` attribute."""

GROUP_COLUMNS: dict[str, str] = {
    "provider": "ProviderName",
    "service": "ServiceName",
    "category": "ServiceCategory",
}


class CursorExpired(InvalidInput):
    """A page was asked after a key from a lake generation that is no longer current."""

    code = "cursor_expired"


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end] inclusive days as a half-open UTC range; refused when reversed or too
    long."""
    if end < start:
        raise InvalidInput("end_date must be on or after start_date")
    if (end - start).days >= MAX_DAYS:
        raise InvalidInput(f"the date range may cover at most {MAX_DAYS} days")
    return datetime.combine(start, time()), datetime.combine(end + timedelta(days=1), time())


def row_id(snapshot: LakeSnapshot, file: str, row: int) -> str:
    """A short opaque id from the row's file (its path names source, period and version)
    and position: stable until that period is re-ingested."""
    relative = file.removeprefix(str(snapshot.root))
    return hashlib.blake2b(f"{relative}:{row}".encode(), digest_size=10).hexdigest()


def _statement(start: datetime, end: datetime, after_row: int, limit: int, accounts: str) -> str:
    return (
        "SELECT file_row_number, CAST(ChargePeriodStart AS DATE) AS usage_date, "
        "ProviderName, ServiceName, ServiceCategory, BilledCost, BillingCurrency, "
        f"{PROJECT_ID} AS project_id, {USER_EMAIL} AS user_email "
        f"FROM {TABLE} WHERE file_row_number > {after_row} "
        f"AND ChargePeriodStart >= {ts(start)} AND ChargePeriodStart < {ts(end)}{accounts} "
        f"ORDER BY file_row_number LIMIT {limit}"
    )


def line_items(
    queries: QueryService,
    org: str,
    start: date,
    end: date,
    *,
    limit: int,
    after: RowKey | None = None,
    account_ids: tuple[str, ...] | None = None,
) -> LineItemPage:
    """Up to ``limit`` line items charged on days ``start`` to ``end`` (inclusive), after
    ``after`` in the lake's order. :class:`CursorExpired` when ``after`` was made on another
    lake generation than the current one."""
    if limit < 1:
        raise InvalidInput("limit must be at least 1")
    lo, hi = day_bounds(start, end)
    _, snap = queries.snapshot(org)
    if after is not None and after.generation != snap.generation:
        raise CursorExpired(
            "the cursor has expired: the data changed since it was issued (a billing period "
            "was re-ingested); start again from the first page"
        )
    accounts = "" if account_ids is None else f" AND {account_predicate(account_ids)}"
    wanted = set(snap.files(lo, hi))
    first = after.file_index if after is not None else 0
    found: list[LineItem] = []
    for index, file in enumerate(snap.files()):
        if index < first or file not in wanted:
            continue
        after_row = after.row if after is not None and index == after.file_index else -1
        sql = _statement(lo, hi, after_row, limit + 1 - len(found), accounts)
        for r in queries.engine.numbered_rows(sql, file):
            row = int(r["file_row_number"])  # type: ignore[call-overload]
            found.append(
                LineItem(
                    key=RowKey(snap.generation, index, row),
                    row_id=row_id(snap, file, row),
                    usage_date=r["usage_date"],  # type: ignore[arg-type]
                    provider_name=r["ProviderName"],  # type: ignore[arg-type]
                    service_name=r["ServiceName"],  # type: ignore[arg-type]
                    service_category=r["ServiceCategory"],  # type: ignore[arg-type]
                    billed_cost=r["BilledCost"],  # type: ignore[arg-type]
                    currency=r["BillingCurrency"],  # type: ignore[arg-type]
                    project_id=r["project_id"],  # type: ignore[arg-type]
                    user_email=r["user_email"],  # type: ignore[arg-type]
                )
            )
        if len(found) > limit:
            break
    items = found[:limit]
    more = len(found) > limit
    return LineItemPage(items, snap.generation, items[-1].key if more else None)


def daily_totals(
    queries: QueryService,
    org: str,
    start: date,
    end: date,
    group_by: RollupDimension,
    *,
    account_ids: tuple[str, ...] | None = None,
) -> list[DailyTotal]:
    """Billed cost per day and provider slug, ServiceName or ServiceCategory, days ``start``
    to ``end`` inclusive; by day, then cost (highest first). Providers spelled several ways
    (``AWS``, ``Amazon Web Services``) are one slug, summed."""
    if group_by not in GROUP_COLUMNS:
        raise InvalidInput(f"group_by must be one of {', '.join(GROUP_COLUMNS)}")
    lo, hi = day_bounds(start, end)
    column = GROUP_COLUMNS[group_by]
    query = CostQuery(
        lo, hi, granularity=Granularity.DAY, group_by=(column,), account_ids=account_ids
    )
    sums: dict[tuple[date, str | None], Decimal] = {}
    for r in queries.run(org, query).rows:
        value = None if r[column] is None else str(r[column])
        key = provider_slug(value) if group_by == "provider" else value
        period = r["period"]
        day: date = period.date() if isinstance(period, datetime) else period  # type: ignore[assignment]
        cost = Decimal(str(r["cost"] or 0))
        sums[(day, key)] = sums.get((day, key), Decimal(0)) + cost
    totals = [DailyTotal(day, key, cost) for (day, key), cost in sums.items()]
    totals.sort(key=lambda t: (t.day, -t.cost, t.key or ""))
    return totals
