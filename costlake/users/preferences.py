"""What each person wants to be told about: one switch per kind of notice.

A person without a stored row has :data:`DEFAULTS`; an update names only the switches it
changes, and an unknown name or a value that is not true or false is refused (with the
names there are), so a typo never silently does nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from costlake.db.models import User
from costlake.db.models.audit import NotificationPreference
from costlake.errors import InvalidInput
from costlake.kit.clock import now

DEFAULTS: Mapping[str, bool] = {
    "email_anomalies": True,
    "email_budget_alerts": True,
    "email_weekly_digest": True,
    "email_monthly_report": False,
    "slack_anomalies": False,
    "slack_budget_alerts": False,
}


def get_preferences(session: Session, user: User) -> dict[str, bool]:
    row = session.get(NotificationPreference, user.id)
    stored = row.settings if row is not None else {}
    return {name: bool(stored.get(name, default)) for name, default in DEFAULTS.items()}


def update_preferences(session: Session, user: User, changes: Mapping[str, Any]) -> dict[str, bool]:
    """Apply ``changes`` (a subset of :data:`DEFAULTS`' names, each true or false) and
    return every switch as it is now."""
    if not changes:
        raise InvalidInput(f"name at least one setting to change: {', '.join(DEFAULTS)}")
    for name, value in changes.items():
        if name not in DEFAULTS:
            raise InvalidInput(f"unknown setting {name!r}: use {', '.join(DEFAULTS)}")
        if not isinstance(value, bool):
            raise InvalidInput(f"{name} must be true or false")
    merged = {**get_preferences(session, user), **changes}
    row = session.get(NotificationPreference, user.id)
    if row is None:
        session.add(NotificationPreference(user_id=user.id, org_id=user.org_id, settings=merged))
    else:
        row.settings = merged
        row.updated_at = now()
    session.flush()
    return merged
