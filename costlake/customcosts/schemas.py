"""Core types of custom costs: the properties a line has, and the lines themselves."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal


class Prop(enum.StrEnum):
    """A custom cost line's properties, in the order an all-property key joins them."""

    ZONE = "zone"
    ACCOUNT_NAME = "accountName"
    CHARGE_CATEGORY = "chargeCategory"
    DESCRIPTION = "description"
    RESOURCE_NAME = "resourceName"
    RESOURCE_TYPE = "resourceType"
    PROVIDER_ID = "providerId"
    USAGE_UNIT = "usageUnit"
    DOMAIN = "domain"
    COST_SOURCE = "costSource"


class CostType(enum.StrEnum):
    """Which cost a line counts: ``blended`` is the billed cost where there is one (above
    zero), the list cost otherwise."""

    BLENDED = "blended"
    LIST = "list"
    BILLED = "billed"


class SortBy(enum.StrEnum):
    COST = "cost"
    AGGREGATE = "aggregate"
    COST_TYPE = "costType"


class Op(enum.StrEnum):
    """What a condition on a property tests (case-sensitive, on the shown value)."""

    EQUALS = "equals"
    CONTAINS = "contains"
    PREFIX = "prefix"
    SUFFIX = "suffix"


@dataclass(frozen=True, slots=True)
class Condition:
    """``prop`` ``op`` any of ``values`` (``negate``: none of them)."""

    prop: Prop
    op: Op
    values: tuple[str, ...]
    negate: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """Conditions combined: ``all`` or ``any`` of them."""

    mode: str  # "all" | "any"
    items: tuple[Condition | Group, ...]


Predicate = Condition | Group


@dataclass(slots=True)
class Line:
    """One custom cost line: a set of property values (``""`` when unknown) and its sums.
    ``cost`` is the cost of the requested type; ``cost_type`` which one it counted."""

    props: dict[Prop, str]
    billed: Decimal
    listed: Decimal
    cost: Decimal
    cost_type: CostType
    quantity: Decimal

    @property
    def list_unit_price(self) -> Decimal:
        """The list cost per unit used (zero where no usage is known)."""
        return self.listed / self.quantity if self.quantity else Decimal(0)


@dataclass(frozen=True, slots=True)
class Step:
    """The lines of one step of a window."""

    start: datetime
    end: datetime
    lines: tuple[Line, ...]

    @property
    def total_billed(self) -> Decimal:
        return sum((line.billed for line in self.lines), Decimal(0))

    @property
    def total_listed(self) -> Decimal:
        return sum((line.listed for line in self.lines), Decimal(0))

    @property
    def total_cost(self) -> Decimal:
        return sum((line.cost for line in self.lines), Decimal(0))
