"""Rate-limit classes: each route of a dialect belongs to one, with the vendor's documented
limit as the default and an operator's override on top.

Xplorr counts logins, cost queries and report generation separately; CloudExpat has one
limit for everything. A route names its class (``default`` unless it says otherwise); the
bucket counted is ``<dialect>:<class>:<principal>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from costlake.kit.ratelimit import RateLimitDecision

DEFAULT = "default"


@dataclass(frozen=True, slots=True)
class RateLimitClass:
    limit: int
    window_seconds: int
    description: str = ""


@dataclass(frozen=True, slots=True)
class RateLimitHeaders:
    """Which headers carry the limit on every response; ``Retry-After`` is always sent with
    a 429. ``reset`` is Unix seconds (``epoch``) or seconds to wait (``delta``)."""

    style: Literal["x-ratelimit", "none"] = "x-ratelimit"
    reset: Literal["epoch", "delta"] = "epoch"

    def headers(self, decision: RateLimitDecision) -> dict[str, str]:
        if self.style == "none":
            return {}
        reset = decision.reset_at if self.reset == "epoch" else decision.retry_after
        return {
            "X-RateLimit-Limit": str(decision.limit),
            "X-RateLimit-Remaining": str(decision.remaining),
            "X-RateLimit-Reset": str(reset),
        }


def effective_limit(
    dialect: str,
    name: str,
    cls: RateLimitClass,
    overrides: Mapping[str, int],
    per_hour: int | None,
) -> tuple[int, int]:
    """(limit, window seconds) in force: ``COSTLAKE_RATE_LIMITS`` for ``<dialect>.<class>``
    or ``<dialect>`` first, then ``COSTLAKE_RATE_LIMIT_PER_HOUR`` (per hour), then the
    vendor's documented limit."""
    for key in (f"{dialect}.{name}", dialect):
        if key in overrides:
            return overrides[key], cls.window_seconds
    if per_hour is not None:
        return per_hour, 3600
    return cls.limit, cls.window_seconds
