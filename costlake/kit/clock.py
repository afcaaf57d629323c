"""The settable clock: ``COSTLAKE_NOW`` (an ISO timestamp) pins "now" for reports and tests."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime


def now() -> datetime:
    """The current time, timezone-aware in UTC (``COSTLAKE_NOW`` when set)."""
    pinned = os.environ.get("COSTLAKE_NOW")
    if pinned:
        value = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.now(UTC)


def utcnow() -> datetime:
    """The current UTC time as a naive datetime, the way the lake stores timestamps."""
    return now().astimezone(UTC).replace(tzinfo=None)


def today() -> date:
    return now().astimezone(UTC).date()
