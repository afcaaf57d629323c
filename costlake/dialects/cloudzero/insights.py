"""Pure translations between CloudZero's insight shapes and the core's
(:mod:`costlake.insights`): CloudZero dimension ids <-> core keys, pages <-> links."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from costlake.dialects.cloudzero.dimensions import STANDARD, TAG, resolve
from costlake.dialects.cloudzero.translate import value_rules
from costlake.insights.schemas import Insight, InsightInput, InsightPage, ValueFilter
from costlake.kit.numbers import iso_millis_z
from costlake.query.model import TAG_PREFIX

DEFAULT_PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
_IDS = {d.column: d.id for d in STANDARD}


def to_input(
    name: str, description: str, filters: dict[str, Any], group_by: Sequence[str]
) -> InsightInput:
    """A CloudZero ``InsightInput`` body in core terms; refusals name the field."""
    keys = [resolve(g, f"group_by[{i}]").column for i, g in enumerate(group_by)]
    rules = {
        dim.column: ValueFilter(include, exclude)
        for dim, include, exclude in value_rules(filters, "filters")
    }
    return InsightInput(name, description, rules, tuple(keys))


def dimension_id(key: str) -> str:
    """A core key as CloudZero names it (a column no CloudZero id reads stays as it is)."""
    if key.startswith(TAG_PREFIX):
        return TAG + key[len(TAG_PREFIX) :]
    return _IDS.get(key, key)


def shape(insight: Insight) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for key, rule in insight.filters.items():
        if rule.include and not rule.exclude:
            filters[dimension_id(key)] = list(rule.include)
        else:
            both = {"include": list(rule.include), "exclude": list(rule.exclude)}
            filters[dimension_id(key)] = {k: v for k, v in both.items() if v}
    return {
        "id": insight.id,
        "name": insight.name,
        "description": insight.description,
        "created_at": iso_millis_z(insight.created_at),
        "updated_at": iso_millis_z(insight.updated_at),
        "filters": filters,
        "group_by": [dimension_id(k) for k in insight.group_by],
    }


def integer(text: str | None) -> int | None:
    """A page parameter as an integer; anything else counts as not given. The document
    lists no 400 for the insight list, so a bad page is never refused (docs/dialects)."""
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def window(page: int | None, page_size: int | None) -> tuple[int, int]:
    """(offset, limit) for ``page`` (1-based) and ``page_size``. The document allows any
    integer, so out-of-range values are clamped (page to 1 or more, size to 1-100), never
    refused."""
    size = min(max(DEFAULT_PAGE_SIZE if page_size is None else page_size, 1), MAX_PAGE_SIZE)
    number = min(max(1 if page is None else page, 1), 10_000_000)
    return (number - 1) * size, size


def listing(result: InsightPage, url: str) -> dict[str, Any]:
    """``{data, pagination: {next, previous, total}}``; absent links are left out."""
    number = result.offset // result.limit + 1

    def link(n: int) -> str:
        return f"{url}?{urlencode({'page': n, 'page_size': result.limit})}"

    pagination: dict[str, Any] = {}
    if result.offset + len(result.items) < result.total:
        pagination["next"] = link(number + 1)
    if number > 1:
        last = max(1, -(-result.total // result.limit))
        pagination["previous"] = link(min(number - 1, last))
    pagination["total"] = result.total
    return {"data": [shape(i) for i in result.items], "pagination": pagination}
