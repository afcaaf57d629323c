"""Core types of line-item export: a row's stable key, the row as exported, a page of them,
and a day's total for one group."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

RollupDimension = Literal["provider", "service", "category"]


@dataclass(frozen=True, slots=True, order=True)
class RowKey:
    """Where a line item sits in one lake generation: the index of its file among the
    snapshot's files (in manifest order) and its 0-based row number in that file.

    Lake files are immutable and a generation's file list is fixed, so within a generation
    this is a total order with no ties; a re-ingest makes a new generation, and a key from
    before it means nothing (see :class:`~costlake.lineitems.service.CursorExpired`)."""

    generation: int
    file_index: int
    row: int


@dataclass(frozen=True, slots=True)
class LineItem:
    key: RowKey
    row_id: str
    """Opaque, stable while the row's billing period is not re-ingested."""
    usage_date: date
    provider_name: str | None
    service_name: str | None
    service_category: str | None
    billed_cost: Decimal
    currency: str | None
    project_id: str | None
    user_email: str | None


@dataclass(frozen=True, slots=True)
class LineItemPage:
    items: list[LineItem]
    generation: int
    next_key: RowKey | None
    """The key of the last item, when more rows follow it; None on the last page."""

    @property
    def has_more(self) -> bool:
        return self.next_key is not None


@dataclass(frozen=True, slots=True)
class DailyTotal:
    day: date
    key: str | None
    """The provider slug, ServiceName or ServiceCategory (None when the rows lack it)."""
    cost: Decimal
