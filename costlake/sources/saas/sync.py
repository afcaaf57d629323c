"""Sync a SaaS vendor's costs into the lake, whole billing months at a time.

A sync of the days [start, end) fetches every billing month they touch from its first day
(up to ``end``), then ingests everything in one go as the source ``<vendor>-<account>``.
Since the lake replaces a source's billing period atomically, re-syncing a day replaces its
month and never doubles it, and the newest days of a month are simply fetched again. All
fetching happens before anything is written: a vendor error or a timeout leaves the lake
as it was (:class:`~costlake.sources.saas.http.VendorError`).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol

import pyarrow.parquet as pq

from costlake.sources.saas.rows import FocusRow, focus_table

Fetch = Callable[[date, date], Iterable[FocusRow]]
MonthDone = Callable[[int, int], None]
"""Called with (months fetched, months to fetch) after each month."""


class Ingests(Protocol):
    """What a sync writes through: an :class:`~costlake.ingest.pipeline.Ingestor`, or the
    platform's ingest with its after-ingest steps (:mod:`costlake.sources.stored`)."""

    def ingest(
        self, paths: Sequence[Path | str], *, org: str, source: str | None, format: str | None
    ) -> object: ...


@dataclass(frozen=True, slots=True)
class SyncResult:
    source: str
    months: tuple[str, ...]
    rows: int
    billed: Decimal
    start: date
    """The first day fetched (the first of the first month)."""
    end: date
    """The day after the last day fetched."""

    @property
    def days(self) -> int:
        return (self.end - self.start).days


def source_name(vendor: str, account: str) -> str:
    """``openai-org-abc123``: lower-case, one source per vendor account."""
    return re.sub(r"[^a-z0-9_-]+", "-", f"{vendor}-{account}".lower()).strip("-")[:63]


def month_ranges(start: date, end: date) -> list[tuple[date, date]]:
    """Each billing month touched by [start, end), from its first day, cut at ``end``."""
    out: list[tuple[date, date]] = []
    first = start.replace(day=1)
    while first < end:
        nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
        out.append((first, min(nxt, end)))
        first = nxt
    return out


def sync(
    ingestor: Ingests,
    org: str,
    vendor: str,
    account: str,
    fetch: Fetch,
    start: date,
    end: date,
    *,
    source: str | None = None,
    progress: MonthDone | None = None,
) -> SyncResult:
    """Fetch, then ingest in one commit as ``source`` (default ``<vendor>-<account>``);
    nothing is written if any fetch fails."""
    source = source or source_name(vendor, account)
    ranges = month_ranges(start, end)
    rows: list[FocusRow] = []
    for done, (a, b) in enumerate(ranges, 1):
        rows.extend(fetch(a, b))
        if progress is not None:
            progress(done, len(ranges))
    months = tuple(f"{a:%Y-%m}" for a, _ in ranges)
    billed = sum((r.billed for r in rows), Decimal(0))
    if rows:
        with tempfile.TemporaryDirectory(prefix="costlake-sync-") as tmp:
            path = Path(tmp) / f"{source}.parquet"
            pq.write_table(focus_table(rows, source), path)
            ingestor.ingest([path], org=org, source=source, format="focus")
    first = ranges[0][0] if ranges else start
    return SyncResult(source, months, len(rows), billed, first, max(end, first))
