"""A principal: who a request acts for, whatever credential proved it.

Every dialect turns its credential (an API key, a user's session token, or nothing where an
operator allowed anonymous reads) into one :class:`Principal`; every core service takes the
principal's org and ``account_ids``, so isolation never depends on how someone signed in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from costlake.auth.scopes import grants


class PrincipalKind(StrEnum):
    API_KEY = "api_key"
    USER_SESSION = "user_session"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True, slots=True)
class Principal:
    """``account_ids`` None sees the whole org; a tuple (possibly empty) sees only those
    accounts, and an empty tuple sees nothing."""

    kind: PrincipalKind
    org: str
    name: str
    scopes: frozenset[str]
    account_ids: tuple[str, ...] | None
    key_id: int | None = None
    user_id: int | None = None
    role: str | None = None
    """The user's role (``admin`` or ``member``); None for an org-wide credential, which
    acts for the org as its operator does."""
    session_id: str | None = None
    expires_at: datetime | None = None
    """When the credential itself stops working (a key's expiry, a session token's)."""
    api_access: bool = True
    """Whether the org may use the APIs at all (switched off: every dialect refuses)."""

    @property
    def is_admin(self) -> bool:
        """Whether org administration is allowed: an admin user, or an org-wide key."""
        return self.role == "admin" or (self.user_id is None and self.kind is PrincipalKind.API_KEY)

    def allows(self, scope: str) -> bool:
        return grants(self.scopes, scope)

    @property
    def bucket(self) -> str:
        """What rate limits count against: the key, the user, or the anonymous org."""
        if self.kind is PrincipalKind.API_KEY:
            return f"key:{self.key_id}"
        if self.kind is PrincipalKind.USER_SESSION:
            return f"user:{self.user_id}"
        return f"anonymous:{self.org}"
