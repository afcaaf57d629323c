"""Allocation's core types: a stream (the cost it targets and its element values per
period) and what a cost question asks of one (:class:`Split`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from costlake.telemetry.records import Record

UNALLOCATED = "Unallocated"
"""The element that cost a stream does not split is shown under: charges outside its target,
and targeted charges of a period without element values."""
COLUMN_PREFIX = "allocation:"
"""A split's column in a result: ``allocation:<stream name>``."""


@dataclass(frozen=True, slots=True)
class TargetRule:
    """Values of one key (a FOCUS column or ``tag:<key>``) the target keeps or leaves out."""

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class AllocationStream:
    name: str
    target: Mapping[str, TargetRule]
    """The cost the stream splits: every key's rule holds (empty: all the org's cost)."""
    records: Sequence[Record]


@dataclass(frozen=True, slots=True)
class Split:
    """A cost question grouped (or filtered) by an allocation stream's elements: the
    stream, where its column goes among the group-by keys (None: not grouped, only
    filtered), and the element labels to keep or leave out."""

    stream: str
    position: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return COLUMN_PREFIX + self.stream

    def keeps(self, label: str) -> bool:
        return (not self.include or label in self.include) and label not in self.exclude
