"""The three ways vendors show pages, over :mod:`costlake.kit.pagination`.

- :class:`CursorPages` (StackSpend): ``?cursor=&limit=``; ``meta: {next_cursor, has_more}``.
- :class:`NumberedPages` (Xplorr): ``?page=&limit=`` (1-based); ``{data, total, page, limit}``.
- :class:`LinkPages` (CloudZero): ``?cursor=&limit=``; ``{pagination: {cursor: {next,
  previous}, total}}`` with working links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from costlake.errors import InvalidInput
from costlake.kit.pagination import Page, PageRequest, decode_cursor, encode_cursor


def _limit(limit: int | None, default: int, maximum: int) -> int:
    if limit is None:
        return default
    if limit < 1 or limit > maximum:
        raise InvalidInput(f"limit must be between 1 and {maximum}")
    return limit


@dataclass(frozen=True, slots=True)
class CursorPages:
    default_limit: int = 50
    max_limit: int = 500

    def request(
        self, cursor: str | None, limit: int | None, *, generation: int | None = None
    ) -> PageRequest:
        offset = decode_cursor(cursor, generation=generation) if cursor else 0
        return PageRequest(offset, _limit(limit, self.default_limit, self.max_limit))

    def meta(self, page: Page[Any], *, generation: int | None = None) -> dict[str, Any]:
        nxt = page.next_offset
        return {
            "next_cursor": encode_cursor(nxt, generation) if nxt is not None else None,
            "has_more": page.has_more,
        }


@dataclass(frozen=True, slots=True)
class NumberedPages:
    default_limit: int = 25
    max_limit: int = 100

    def request(self, page: int | None, limit: int | None) -> PageRequest:
        number = 1 if page is None else page
        if number < 1:
            raise InvalidInput("page must be 1 or more")
        size = _limit(limit, self.default_limit, self.max_limit)
        return PageRequest((number - 1) * size, size)

    def meta(self, page: Page[Any]) -> dict[str, Any]:
        return {"total": page.total, "page": page.offset // page.limit + 1, "limit": page.limit}


@dataclass(frozen=True, slots=True)
class LinkPages:
    default_limit: int = 100
    max_limit: int = 1000

    def request(
        self, cursor: str | None, limit: int | None, *, generation: int | None = None
    ) -> PageRequest:
        offset = decode_cursor(cursor, generation=generation) if cursor else 0
        return PageRequest(offset, _limit(limit, self.default_limit, self.max_limit))

    def meta(
        self, page: Page[Any], url: str, params: dict[str, Any], *, generation: int | None = None
    ) -> dict[str, Any]:
        def link(offset: int | None) -> str | None:
            if offset is None:
                return None
            query = {**params, "cursor": encode_cursor(offset, generation), "limit": page.limit}
            return f"{url}?{urlencode(query, doseq=True)}"

        return {
            "cursor": {"next": link(page.next_offset), "previous": link(page.previous_offset)},
            "total": page.total,
        }
