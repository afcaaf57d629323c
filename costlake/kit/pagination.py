"""Pages of a result, the one way every dialect cuts a list.

A page is an offset and a limit over a stable order. Dialects show it in their own style
(a cursor, page and limit, next/previous links: :mod:`costlake.dialects.framework.pagination`),
but the cut is made here. A cursor is opaque to clients and pinned to the lake generation
it was made on: a cursor from before a restatement is refused instead of silently skipping
or repeating rows.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import orjson

from costlake.errors import InvalidInput

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    offset: int
    limit: int

    def __post_init__(self) -> None:
        if self.offset < 0:
            raise InvalidInput("the page offset cannot be negative")
        if self.limit < 1:
            raise InvalidInput("the page size must be at least 1")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.items) < self.total

    @property
    def next_offset(self) -> int | None:
        return self.offset + len(self.items) if self.has_more else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None


def page_of(items: Sequence[T], request: PageRequest) -> Page[T]:
    """The page of ``items`` (already in their stable order) that ``request`` asks for."""
    chunk = list(items[request.offset : request.offset + request.limit])
    return Page(chunk, len(items), request.offset, request.limit)


def encode_cursor(offset: int, generation: int | None = None) -> str:
    doc = {"o": offset} if generation is None else {"o": offset, "g": generation}
    return base64.urlsafe_b64encode(orjson.dumps(doc)).decode().rstrip("=")


def decode_cursor(cursor: str, *, generation: int | None = None) -> int:
    """The offset a cursor stands for. :class:`InvalidInput` for a cursor that is not one
    of ours, or that was made on another lake generation than ``generation``."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        doc = orjson.loads(raw)
        offset = doc["o"]
        made_on = doc.get("g")
    except (binascii.Error, ValueError, TypeError, KeyError, AttributeError):
        raise InvalidInput(f"invalid cursor {cursor[:40]!r}") from None
    if not isinstance(offset, int) or offset < 0:
        raise InvalidInput(f"invalid cursor {cursor[:40]!r}")
    if generation is not None and made_on is not None and made_on != generation:
        raise InvalidInput(
            "the data changed since this cursor was issued (a billing period was re-ingested); "
            "start again from the first page"
        )
    return offset
