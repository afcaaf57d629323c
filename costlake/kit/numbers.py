"""Rounding at the edge: exact decimals in, the figures a vendor's JSON shows out.

Money stays exact (``Decimal``) through the core; only here, when a dialect renders a
number, is it rounded half up and turned into a float. One home, so two dialects never
round the same figure differently.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

CENTS = Decimal("0.01")


def rounded(value: Decimal | None, places: str | Decimal = CENTS) -> float | None:
    """``value`` rounded half up to ``places`` (cents by default), as a float; None stays."""
    if value is None:
        return None
    return float(value.quantize(Decimal(places), rounding=ROUND_HALF_UP))


def money(value: Decimal | None) -> float | None:
    """A cost in the currency's cents."""
    return rounded(value, CENTS)


def percentage(part: Decimal, whole: Decimal | None, places: str = "0.01") -> float | None:
    """``part`` as a percentage of ``whole``, or None when ``whole`` is zero or unknown."""
    if not whole:
        return None
    return rounded(part / whole * 100, places)


def iso_millis_z(moment: datetime) -> str:
    """``2024-10-16T10:30:00.000Z``: UTC with milliseconds, as JavaScript's toISOString."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
