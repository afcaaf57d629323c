"""Allocation streams: element values per period (``sum`` adds, ``replace`` replaces a
period's values, ``delete`` removes them) that split the cost the stream targets across
its elements, and cost questions answered with that split as a dimension.

The split is computed from the core query engine's own answers, never from a copy of the
cost: all the cost asked, per day and group, and its part inside the stream's target; the
targeted part of each day is split in proportion to the day's element values
(:mod:`.split`, exact in decimals), the rest stays visible as ``Unallocated``. So a total
with the split equals the total without it, to the last decimal place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from costlake.allocation import repository as repo_
from costlake.allocation.schemas import UNALLOCATED, AllocationStream, Split, TargetRule
from costlake.allocation.split import element_label, split_rows, weights_by_day
from costlake.errors import InvalidInput, NotFound, UnknownDimension
from costlake.lake.store import LakeSnapshot
from costlake.query.model import (
    CostQuery,
    Filter,
    FilterOp,
    Granularity,
    QueryResult,
    ResultColumns,
    resolve_key,
)
from costlake.query.service import QueryService
from costlake.telemetry import streams
from costlake.telemetry.records import Granularity as Grain
from costlake.telemetry.records import Record, stream_name


def check_target(target: Mapping[str, TargetRule]) -> dict[str, TargetRule]:
    """The target with its keys in canonical spelling; :class:`InvalidInput` otherwise."""
    out = {}
    for key, rule in target.items():
        if not (rule.include or rule.exclude):
            raise InvalidInput(f"filter.{key}: give values to include or exclude")
        try:
            out[resolve_key(key)] = rule
        except InvalidInput as e:
            raise InvalidInput(f"filter.{key}: {e.message}") from None
    return out


def _check(records: Sequence[Record]) -> None:
    for i, r in enumerate(records):
        if element_label(r.labels) == UNALLOCATED:
            raise InvalidInput(f"records[{i}].element: {UNALLOCATED!r} is kept for unsplit cost")


def sum_records(
    session: Session,
    org: str,
    name: str,
    records: Sequence[Record],
    target: Mapping[str, TargetRule] | None = None,
) -> int:
    """Add ``records`` to the values stored for their period, granularity and element;
    ``target``, when given, becomes the cost the stream splits."""
    _check(records)
    name = stream_name(name)
    if not records:
        return 0
    repo = repo_.repository(session, org)
    clean = None if target is None else repo_.stored_target(check_target(target))
    stream = repo.claim(name, clean)
    return streams.put(repo, stream, records, add=True)


def replace_records(
    session: Session,
    org: str,
    name: str,
    records: Sequence[Record],
    target: Mapping[str, TargetRule] | None = None,
) -> int:
    """Replace every stored value of each period (and granularity) the records name with
    the records' values (repeats within the request add up)."""
    _check(records)
    name = stream_name(name)
    if not records:
        return 0
    repo = repo_.repository(session, org)
    clean = None if target is None else repo_.stored_target(check_target(target))
    stream = repo.claim(name, clean)
    periods = {(r.period_start, r.granularity.value) for r in records}
    old = repo.records(stream, period_starts=sorted({p for p, _ in periods}))
    repo.drop([row for row in old if (row.period_start, row.granularity) in periods])
    return streams.put(repo, stream, records, add=True)


def delete_records(
    session: Session,
    org: str,
    name: str,
    timestamp: datetime,
    granularity: Grain,
    element: Mapping[str, str] | None = None,
) -> int:
    """Delete the values of the period ``timestamp`` falls in at ``granularity`` (only
    ``element``'s when given); 0 for an unknown stream."""
    return streams.delete_records(
        session, org, name, timestamp, granularity, element, kind=repo_.KIND
    )


def delete_stream(session: Session, org: str, name: str) -> None:
    """Delete the stream, its target and every value; :class:`NotFound` if there is none."""
    repo = repo_.repository(session, org)
    stream = repo.get(name)
    if stream is None:
        raise NotFound(f"allocation stream {name[:100]!r} not found")
    repo.remove(stream)


def stream_names(session: Session, org: str) -> list[str]:
    return repo_.repository(session, org).names()


def load(session: Session, org: str, name: str, start: datetime, end: datetime) -> AllocationStream:
    """Stream ``name`` with the records a question over [start, end) needs (from the first
    of ``start``'s month, for monthly values); :class:`UnknownDimension` if none."""
    first = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0, tzinfo=UTC)
    found = repo_.load(session, org, name, first, end.replace(tzinfo=UTC))
    if found is None:
        raise UnknownDimension(f"unknown allocation stream {name[:100]!r}")
    return found


def target_filters(stream: AllocationStream) -> tuple[Filter, ...]:
    out: list[Filter] = []
    for key, rule in stream.target.items():
        if rule.include:
            out.append(Filter(key, FilterOp.IN, rule.include))
        if rule.exclude:
            out.append(Filter(key, FilterOp.NOT_IN, rule.exclude))
    return tuple(out)


def allocated(
    queries: QueryService,
    org: str,
    query: CostQuery,
    stream: AllocationStream,
    split: Split,
    *,
    snapshot: LakeSnapshot | None = None,
) -> QueryResult:
    """``query``'s answer with ``stream``'s split: rows carry the split's column at its
    position (or are only filtered by element when it has none)."""
    if query.top_n is not None or query.compare_previous or query.extra_metrics:
        raise InvalidInput("an allocation split takes no top-N, comparison or extra metric")
    daily = dataclasses.replace(query, granularity=Granularity.DAY)
    everything = queries.run(org, daily, snapshot=snapshot)
    condition = target_filters(stream)
    inside = (
        queries.run(
            org, dataclasses.replace(daily, filters=query.filters + condition), snapshot=snapshot
        ).rows
        if condition
        else everything.rows
    )
    rows = split_rows(query, everything.rows, inside, weights_by_day(stream.records), split)
    groups = list(query.group_by)
    if split.position is not None:
        groups.insert(split.position, split.column)
    period = None if query.granularity is Granularity.TOTAL else "period"
    columns = ResultColumns(period, tuple(groups), ("cost",))
    return QueryResult(query, columns, rows, everything.engine, everything.files_scanned)


def run(
    queries: QueryService,
    session: Session,
    org: str,
    query: CostQuery,
    split: Split | None,
    *,
    snapshot: LakeSnapshot | None = None,
) -> QueryResult:
    """``query``'s answer, split by an allocation stream when ``split`` names one."""
    if split is None:
        return queries.run(org, query, snapshot=snapshot)
    stream = load(session, org, split.stream, query.start, query.end)
    return allocated(queries, org, query, stream, split, snapshot=snapshot)
