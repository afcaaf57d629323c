"""The scopes a credential can carry, and what each one grants.

A scope is ``<area>:<access>`` with access ``read`` or ``write``; ``<area>:write`` implies
``<area>:read``, and ``*`` grants everything. Domains register their areas here as they
arrive, so every dialect checks the same names; ``docs/scopes.md`` lists them (a test keeps
the two in step). A key created with a scope nobody registered is refused: before this, a
key with ``--scopes bogus:scope`` read everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from costlake.errors import InvalidInput

ALL = "*"


@dataclass(frozen=True, slots=True)
class Scope:
    name: str
    description: str


_SCOPES: dict[str, Scope] = {}


def register(name: str, description: str) -> Scope:
    """Declare a scope; the same declaration twice is harmless."""
    area, _, access = name.partition(":")
    if not area or access not in ("read", "write"):
        raise ValueError(f"scope {name!r} must be '<area>:read' or '<area>:write'")
    scope = _SCOPES.setdefault(name, Scope(name, description))
    if scope.description != description:
        raise ValueError(f"scope {name!r} is already registered differently")
    return scope


register("costs:read", "Read cost figures: summaries, breakdowns, line items, reports.")
register("carbon:read", "Read carbon emissions and energy estimates.")
register("reports:read", "Read combined cost and carbon reports.")
register("accounts:read", "List the cloud accounts and sources seen in the org's data.")
register("keys:write", "Create and revoke API keys of the org.")
register("insights:read", "Read the org's saved insights (named filters and groupings).")
register("insights:write", "Create, change and delete the org's saved insights.")
register("budgets:read", "Read the org's budgets and the views they watch.")
register("budgets:write", "Create, change and delete the org's budgets; create views.")
register("line_items:read", "Read raw cost line items page by page (StackSpend).")
register("rollups:read", "Read daily cost totals per provider, service or category.")
register("anomalies:read", "Read detected cost anomalies.")
register("usage:write", "Send usage to be priced and stored (OpenTelemetry ingest).")
register("billing:write", "Send billing line items that replace a source's billing month.")
register("telemetry:write", "Send and delete unit-metric and allocation telemetry streams.")
register("keys:read", "List the API keys and tokens of the org (a member: its own).")
register("users:read", "Read the signed-in person's profile.")
register("users:write", "Change the signed-in person's password and two-factor settings.")
register("orgs:read", "Read the org's name, settings and (admins) its statistics.")
register("orgs:write", "Rename the org, or close it and delete all its data (admins).")
register("audit:read", "Read and export the org's audit log of writes (admins).")


def registered() -> list[Scope]:
    """Every known scope, sorted by name, ``*`` excluded."""
    return sorted(_SCOPES.values(), key=lambda s: s.name)


def validate_scopes(scopes: Iterable[str]) -> list[str]:
    """``scopes`` sorted and de-duplicated; :class:`InvalidInput` for a name nobody
    registered (with the choices), so a typo never becomes a key that can do nothing, or
    everything."""
    if isinstance(scopes, str):
        raise InvalidInput("scopes must be a list of scope names, not one string")
    result = sorted(set(scopes))
    for name in result:
        if not isinstance(name, str) or (name != ALL and name not in _SCOPES):
            choices = ", ".join([ALL, *(s.name for s in registered())])
            raise InvalidInput(f"unknown scope {name!r}: use one of {choices}")
    return result


def grants(held: Iterable[str], needed: str) -> bool:
    """Whether scopes ``held`` allow ``needed``."""
    held = set(held)
    if ALL in held or needed in held:
        return True
    area, _, access = needed.partition(":")
    return access == "read" and f"{area}:write" in held
