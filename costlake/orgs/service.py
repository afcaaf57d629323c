"""Org rules: what a slug may look like, and "created on first use".

costlake has no sign-up step: the first key created for ``acme``, or the first bill
ingested for it, brings org ``acme`` into being. Lookups that only read (listing keys,
revoking) use :func:`get_org` instead, so that a typo is an error, not a new tenant.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from costlake.db.models import Org, User
from costlake.errors import InvalidInput, NotFound
from costlake.orgs.repository import OrgRepository

_SLUG = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def validate_slug(slug: str) -> str:
    """The slug itself when valid: 1-63 lower-case letters, digits and inner hyphens,
    so it is safe in URLs, paths and DNS labels alike."""
    if not _SLUG.fullmatch(slug):
        raise InvalidInput(
            f"invalid org slug {slug!r}: use 1-63 lower-case letters, digits and hyphens, "
            "starting and ending with a letter or digit"
        )
    return slug


def get_or_create_org(session: Session, slug: str, name: str | None = None) -> Org:
    """The org called ``slug``, created (named ``name`` or the slug) if it is new.

    The name of an existing org is left alone.
    """
    repository = OrgRepository(session)
    org = repository.get_by_slug(validate_slug(slug))
    if org is not None:
        return org
    name = (name or slug).strip()
    if not name or len(name) > 200:
        raise InvalidInput(f"invalid org name {name!r}: use 1-200 characters")
    repository.insert_if_missing(slug, name)
    org = repository.get_by_slug(slug)
    assert org is not None, "an org inserted in this transaction must be visible to it"
    return org


def get_org(session: Session, slug: str) -> Org:
    """The existing org called ``slug``; :class:`NotFound` if there is none."""
    org = OrgRepository(session).get_by_slug(slug)
    if org is None:
        raise NotFound(f"no org {slug!r}")
    return org


def set_api_access(session: Session, slug: str, allowed: bool) -> Org:
    """Switch the org's API access on or off; every dialect refuses its keys and sessions
    while it is off (at once: the change moves the credentials epoch)."""
    org = get_org(session, slug)
    org.api_access = allowed
    session.flush()
    return org


def list_orgs(session: Session) -> Sequence[Org]:
    """Every org, by slug."""
    return OrgRepository(session).list()


def get_or_create_user(session: Session, org: Org, email: str, name: str | None = None) -> User:
    """The user of ``org`` with this e-mail address (compared case-insensitively),
    created if new."""
    email = email.strip().lower()
    if not _EMAIL.fullmatch(email) or len(email) > 320:
        raise InvalidInput(f"invalid e-mail address {email!r}")
    repository = OrgRepository(session)
    user = repository.get_user_by_email(org.id, email)
    if user is not None:
        return user
    repository.insert_user_if_missing(org.id, email, name)
    user = repository.get_user_by_email(org.id, email)
    assert user is not None, "a user inserted in this transaction must be visible to it"
    return user
