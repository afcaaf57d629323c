"""Core types of insights, in the core's vocabulary: group-by keys and filter keys are FOCUS
columns or ``tag:<key>`` (:func:`costlake.query.model.resolve_key`); dialects translate
their own dimension names both ways."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class ValueFilter:
    """Charges whose value is one of ``include`` (when given) and none of ``exclude``."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InsightInput:
    """What a client writes: the whole insight (an update replaces every field)."""

    name: str
    description: str = ""
    filters: dict[str, ValueFilter] = field(default_factory=dict)
    group_by: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Insight:
    id: str
    org: str
    name: str
    description: str
    filters: dict[str, ValueFilter]
    group_by: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class InsightPage:
    items: list[Insight]
    total: int
    offset: int
    limit: int
