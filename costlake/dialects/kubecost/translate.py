"""Kubecost's query parameters -> a custom costs request, and core steps -> Kubecost's
response objects. Pure functions, tested without a server."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from costlake.customcosts.schemas import CostType, Line, Predicate, Prop, SortBy, Step
from costlake.dialects.kubecost.filters import UNALLOCATED, parse_filter
from costlake.dialects.kubecost.window import (
    Accumulate,
    Window,
    accumulate_window,
    parse_accumulate,
    parse_window,
    resolve,
    steps,
)
from costlake.errors import InvalidInput
from costlake.kit.numbers import rounded

PLACES = "0.000001"
"""Figures are floats (OpenCost writes float32); six decimals keep a cent of a cent exact."""

_PROPS = {p.value.lower(): p for p in Prop}


@dataclass(frozen=True, slots=True)
class Request:
    """A parsed ``/model/customCost`` request."""

    window: Window
    """The window as returned: rounded out to whole steps of ``accumulate``."""
    windows: tuple[Window, ...]
    """The steps (one for ``/total``)."""
    hourly: bool
    """Lines are hours (``accumulate`` resolved to ``hour``), days otherwise."""
    aggregate: tuple[Prop, ...]
    predicate: Predicate | None
    cost_type: CostType
    sort_by: SortBy
    descending: bool

    @property
    def bounds(self) -> list[tuple[datetime, datetime]]:
        return [(w.start, w.end) for w in self.windows]


def parse_aggregate(text: str | None) -> tuple[Prop, ...]:
    """``aggregate=zone,description``: properties in order, case-insensitive, once each."""
    found: list[Prop] = []
    for part in (text or "").split(","):
        name = part.strip()
        if not name:
            continue
        prop = _PROPS.get(name.lower())
        if prop is None:
            choices = ", ".join(p.value for p in Prop)
            raise InvalidInput(f"invalid custom cost property: {name!r}; use {choices}")
        if prop not in found:
            found.append(prop)
    return tuple(found)


def _choice(kind: type[CostType] | type[SortBy], name: str, text: str) -> Any:
    for member in kind:
        if member.value == text:
            return member
    choices = ", ".join(m.value for m in kind)
    raise InvalidInput(f"parsing '{name}' parameter: unsupported {name} {text!r}; use {choices}")


def request(
    *,
    window: str,
    aggregate: str | None,
    accumulate: str | None,
    filter: str | None,  # noqa: A002 - the vendor's parameter name
    cost_type: str,
    sort_by: str,
    sort_direction: str,
    now: datetime,
    series: bool,
) -> Request:
    """Parse every parameter, refusing the first bad one with a message that says why."""
    parsed = parse_window(window, now)
    acc = resolve(parse_accumulate(accumulate), parsed, now)
    rounded_window = accumulate_window(parsed, acc)
    windows = tuple(steps(parsed, acc)) if series else (rounded_window,)
    if sort_direction not in ("asc", "desc"):
        raise InvalidInput(
            f"parsing 'sortDirection' parameter: unrecognized sortDirection {sort_direction!r}; "
            "use asc or desc"
        )
    return Request(
        window=rounded_window,
        windows=windows,
        hourly=acc is Accumulate.HOUR,
        aggregate=parse_aggregate(aggregate),
        predicate=parse_filter(filter),
        cost_type=_choice(CostType, "costType", cost_type),
        sort_by=_choice(SortBy, "sortBy", sort_by),
        descending=sort_direction == "desc",
    )


def _figure(value: Decimal) -> float:
    return rounded(value, PLACES) or 0.0


def aggregate_key(line: Line, keys: Sequence[Prop]) -> str:
    """The line's aggregate: its values of ``keys`` (every property when none was asked
    for), empty ones as ``__unallocated__``, joined by ``/``."""
    return "/".join(line.props[p] or UNALLOCATED for p in (keys or tuple(Prop)))


def custom_cost(line: Line, keys: Sequence[Prop]) -> dict[str, Any]:
    p = line.props
    return {
        "id": "",
        "zone": p[Prop.ZONE],
        "account_name": p[Prop.ACCOUNT_NAME],
        "charge_category": p[Prop.CHARGE_CATEGORY],
        "description": p[Prop.DESCRIPTION],
        "resource_name": p[Prop.RESOURCE_NAME],
        "resource_type": p[Prop.RESOURCE_TYPE],
        "provider_id": p[Prop.PROVIDER_ID],
        "billedCost": _figure(line.billed),
        "listCost": _figure(line.listed),
        "cost": _figure(line.cost),
        "cost_type": line.cost_type.value,
        "list_unit_price": _figure(line.list_unit_price),
        "usage_quantity": _figure(line.quantity),
        "usage_unit": p[Prop.USAGE_UNIT],
        "domain": p[Prop.DOMAIN],
        "cost_source": p[Prop.COST_SOURCE],
        "aggregate": aggregate_key(line, keys),
    }


def _sorted(items: list[dict[str, Any]], req: Request) -> list[dict[str, Any]]:
    field = {SortBy.COST: "cost", SortBy.AGGREGATE: "aggregate", SortBy.COST_TYPE: "cost_type"}[
        req.sort_by
    ]
    items.sort(key=lambda c: c["aggregate"])  # ties in a stable, readable order
    items.sort(key=lambda c: c[field], reverse=req.descending)
    return items


def cost_total(step: Step, window: Window, req: Request) -> dict[str, Any]:
    """One step as OpenCost's ``CostResponse`` with the document's totals beside its own."""
    costs = [custom_cost(line, req.aggregate) for line in step.lines]
    return {
        "window": window.to_json(),
        "totalBilledCost": _figure(step.total_billed),
        "totalListCost": _figure(step.total_listed),
        "totalCost": _figure(step.total_cost),
        "totalCostType": req.cost_type.value,
        "customCosts": _sorted(costs, req),
    }


def total(result: Sequence[Step], req: Request) -> dict[str, Any]:
    return cost_total(result[0], req.window, req)


def timeseries(result: Sequence[Step], req: Request) -> dict[str, Any]:
    return {
        "window": req.window.to_json(),
        "timeseries": [
            cost_total(step, window, req) for step, window in zip(result, req.windows, strict=True)
        ],
    }
