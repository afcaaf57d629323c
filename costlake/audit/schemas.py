"""The audit log's core types: who acted, what they did, and how a reader filters."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from costlake.auth.principals import Principal, PrincipalKind
from costlake.errors import InvalidInput

EXPORT_MAX_ROWS = 10_000
"""The most entries one export holds (Xplorr's document: "max 10,000 rows")."""


@dataclass(frozen=True, slots=True)
class Actor:
    """Who made a write: ``kind`` is ``user`` (a signed-in person), ``api_key``, ``cli``
    (the command line, ``name`` naming the OS user) or ``anonymous``."""

    kind: str
    name: str
    user_id: int | None = None
    user_email: str | None = None
    key_id: int | None = None

    @classmethod
    def of(cls, who: Principal) -> Actor:
        if who.kind is PrincipalKind.USER_SESSION:
            return cls("user", who.name, who.user_id, who.name, who.key_id)
        if who.kind is PrincipalKind.API_KEY:
            return cls("api_key", f"key {who.name}", who.user_id, None, who.key_id)
        return cls("anonymous", "anonymous")

    @classmethod
    def cli(cls, os_user: str) -> Actor:
        return cls("cli", f"cli:{os_user}"[:320])


@dataclass(frozen=True, slots=True)
class Event:
    """What was done: an action name (``<surface>.<resource>[.<verb>]``, such as
    ``xplorr.users.update`` or ``cli.keys.create``), on what, and how it was asked."""

    action: str
    target: str
    method: str | None = None
    address: str | None = None
    status: int | None = None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Entries with exactly this ``action``, by this ``user_email`` (case-insensitive),
    made at or after ``start`` and before ``end``."""

    action: str | None = None
    user_email: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if value is not None and value.tzinfo is None:
                raise ValueError(f"{name} must be timezone-aware")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise InvalidInput("'to' must be after 'from'")
        email = (self.user_email or "").strip().lower() or None
        object.__setattr__(self, "user_email", email)
        object.__setattr__(self, "action", (self.action or "").strip() or None)


@dataclass(frozen=True, slots=True)
class EntryView:
    """One entry as readers see it (detached from any database session)."""

    id: int
    at: datetime
    actor_kind: str
    actor: str
    user_id: int | None
    user_email: str | None
    key_id: int | None
    action: str
    method: str | None
    target: str
    address: str | None
    status: int | None
