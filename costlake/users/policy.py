"""Org-wide sign-in policy set by an admin: requiring two-factor authentication."""

from __future__ import annotations

from sqlalchemy.orm import Session

from costlake.auth.principals import Principal
from costlake.errors import PermissionDenied
from costlake.orgs.service import get_org


def require_2fa(session: Session, who: Principal, enabled: bool) -> bool:
    """Require (or stop requiring) 2FA in ``who``'s org; admins only. Sessions of people
    without 2FA are limited to setting it up from their next sign-in or refresh."""
    if not who.is_admin:
        raise PermissionDenied("only an admin can change the org's sign-in policy")
    org = get_org(session, who.org)
    org.require_2fa = bool(enabled)
    session.flush()
    return org.require_2fa
