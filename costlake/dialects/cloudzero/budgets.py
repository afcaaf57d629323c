"""Pure translations between CloudZero's budget shapes (and costlake's own views) and the
core's (:mod:`costlake.budgets`): floats <-> exact decimals, dimension ids <-> core keys,
pages <-> links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlencode

from costlake.budgets.schemas import Budget, BudgetInput, NotificationRule, View, ViewInput
from costlake.dialects.cloudzero.insights import dimension_id
from costlake.dialects.cloudzero.translate import value_rules
from costlake.insights.schemas import ValueFilter
from costlake.kit.numbers import iso_millis_z

T = TypeVar("T")


def decimal(value: float) -> Decimal:
    """The float a client sent as the decimal it wrote (``0.1``, not 0.1000000000000000055)."""
    return Decimal(repr(value))


def to_input(
    name: str,
    amount: float,
    period: str,
    view_id: str | None,
    notifications: Sequence[dict[str, Any]],
) -> BudgetInput:
    rules = tuple(
        NotificationRule(decimal(n["threshold"]), tuple(n["recipients"])) for n in notifications
    )
    return BudgetInput(name, decimal(amount), period, view_id, rules)


def number(value: Decimal) -> float | int:
    """An integral amount as an integer (``1000``), any other as a float."""
    return int(value) if value == value.to_integral_value() else float(value)


def shape(budget: Budget) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": budget.id,
        "name": budget.name,
        "amount": number(budget.amount),
        "period": str(budget.period),
        "notifications": [
            {"threshold": number(r.threshold), "recipients": list(r.recipients)}
            for r in budget.notifications
        ],
        "created_at": iso_millis_z(budget.created_at),
        "updated_at": iso_millis_z(budget.updated_at),
    }
    if budget.view_id is not None:
        out["view_id"] = budget.view_id
    return out


def view_input(name: str, filters: dict[str, Any]) -> ViewInput:
    rules = {
        dim.column: ValueFilter(include, exclude)
        for dim, include, exclude in value_rules(filters, "filters")
    }
    return ViewInput(name, rules)


def view_shape(view: View) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    for key, rule in view.filters.items():
        if rule.include and not rule.exclude:
            filters[dimension_id(key)] = list(rule.include)
        else:
            both = {"include": list(rule.include), "exclude": list(rule.exclude)}
            filters[dimension_id(key)] = {k: v for k, v in both.items() if v}
    return {
        "id": view.id,
        "name": view.name,
        "filters": filters,
        "created_at": iso_millis_z(view.created_at),
        "updated_at": iso_millis_z(view.updated_at),
    }


def listing(
    items: Sequence[T], total: int, offset: int, limit: int, url: str,
    shape_item: Callable[[T], dict[str, Any]],
) -> dict[str, Any]:  # fmt: skip
    """``{data, pagination: {next, previous, total}}`` for a page of ``page``/``page_size``
    (as the insight list has them); absent links are left out."""
    number_ = offset // limit + 1

    def link(n: int) -> str:
        return f"{url}?{urlencode({'page': n, 'page_size': limit})}"

    pagination: dict[str, Any] = {}
    if offset + len(items) < total:
        pagination["next"] = link(number_ + 1)
    if number_ > 1:
        pagination["previous"] = link(min(number_ - 1, max(1, -(-total // limit))))
    pagination["total"] = total
    return {"data": [shape_item(i) for i in items], "pagination": pagination}
