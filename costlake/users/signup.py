"""Who may sign up over HTTP, with which e-mail address, into which new org.

``COSTLAKE_SIGNUP_MODE``: ``open`` (anyone with a business e-mail creates an org and
becomes its admin), ``invite-only`` (refused: people join through an admin's
invitation), ``off`` (refused), or unset: open until some org has an admin, invite-only
after that. Free-mail domains are refused (``data/free_email_domains.txt``).
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from sqlalchemy.orm import Session

from costlake.errors import InvalidInput, PermissionDenied
from costlake.orgs.repository import OrgRepository
from costlake.users.repository import UserRepository

_EMAIL = re.compile(r"[^@\s]+@([a-z0-9-]+\.)+[a-z]{2,}")


@functools.cache
def free_mail_domains() -> frozenset[str]:
    text = resources.files("costlake.users").joinpath("data/free_email_domains.txt").read_text()
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def business_email(email: str) -> str:
    """``email`` normalised; :class:`InvalidInput` for a malformed or free-mail address."""
    email = str(email).strip().lower()
    if len(email) > 320 or not _EMAIL.fullmatch(email):
        raise InvalidInput(f"invalid e-mail address {email!r}")
    domain = email.rpartition("@")[2]
    parts = domain.split(".")
    if any(".".join(parts[i:]) in free_mail_domains() for i in range(len(parts) - 1)):
        raise InvalidInput(f"sign up with a business e-mail address, not one at {domain}")
    return email


def effective_mode(session: Session, configured: str | None) -> str:
    if configured is not None:
        return configured
    return "invite-only" if UserRepository(session).admins_exist() else "open"


def check_allowed(session: Session, configured: str | None) -> None:
    mode = effective_mode(session, configured)
    if mode == "off":
        raise PermissionDenied("sign-up is switched off on this server")
    if mode == "invite-only":
        raise PermissionDenied("sign-up is by invitation on this server: ask an admin")


def new_org_slug(session: Session, org_name: str | None, email: str) -> str:
    """A free slug from the org's name, else from the e-mail's domain (``acme``,
    ``acme-2``, ...)."""
    base = org_name or email.rpartition("@")[2].split(".")[0]
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")[:55] or "org"
    repository = OrgRepository(session)
    slug, n = base, 1
    while repository.get_by_slug(slug) is not None:
        n += 1
        slug = f"{base}-{n}"
    return slug
