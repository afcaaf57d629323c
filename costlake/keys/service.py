"""API keys: create (secret shown once), authenticate, list, revoke.

Only hashes are stored (see :mod:`costlake.keys.hashing`). Functions stage changes in
the caller's session and never commit: the caller's unit of work does, including the
``last_used_at`` touch that :func:`authenticate` may stage.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from costlake.auth.scopes import grants, validate_scopes
from costlake.db.models import ApiKey, Org, User
from costlake.errors import InvalidInput, NotFound, PermissionDenied
from costlake.keys import hashing
from costlake.keys.repository import ApiKeyRepository
from costlake.keys.styles import (
    PLAIN,
    StyleSpec,
    display_prefix,
    generate_secret,
    parse_style,
    style_of,
)
from costlake.kit.clock import now
from costlake.orgs.service import get_or_create_org, get_org

# last_used_at is refreshed at most this often per key, so a busy key does not turn
# every read request into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True, slots=True)
class AuthenticatedKey:
    """Who a request is: the key, its org, and the user it is bound to (if any).

    ``org`` and ``user`` are loaded rows; they stay readable after the caller commits
    with sessions from :func:`costlake.db.session_factory` (no expiry on commit).

    ``user`` None means the key sees the whole org; otherwise only the accounts granted
    to that user (``costlake.accounts.list_accounts(session, org, user)``).
    """

    key_id: int
    name: str
    style: str
    prefix: str
    scopes: frozenset[str]
    org: Org
    user: User | None
    expires_at: datetime | None = None

    def has_scope(self, scope: str) -> bool:
        """Whether the key's scopes grant ``scope`` (see :mod:`costlake.auth.scopes`)."""
        return grants(self.scopes, scope)


def create_key(
    session: Session,
    org_slug: str,
    name: str,
    scopes: Iterable[str],
    style: StyleSpec | str = PLAIN,
    *,
    expires_at: datetime | None = None,
    user: User | None = None,
) -> tuple[ApiKey, str]:
    """A new key for ``org_slug`` (created on first use) and its plaintext secret.

    The secret is returned this once and exists nowhere else: store only what the
    returned row holds. ``user`` binds the key to that user's account grants.
    """
    style = parse_style(style)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput(f"invalid key name {name!r}: use 1-200 characters")
    scope_list = validate_scopes(scopes)
    moment = now()
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidInput("expires_at must be timezone-aware")
        if expires_at <= moment:
            raise InvalidInput(f"expires_at {expires_at.isoformat()} is not in the future")
    org = get_or_create_org(session, org_slug)
    if user is not None and user.org_id != org.id:
        raise PermissionDenied(f"user {user.email!r} is not a member of org {org.slug!r}")
    secret = generate_secret(style)
    key = ApiKey(
        org_id=org.id,
        user_id=user.id if user is not None else None,
        name=name,
        style=style.name,
        prefix=display_prefix(secret),
        lookup=hashing.lookup_of(secret),
        secret_hash=hashing.hash_secret(secret),
        scopes=scope_list,
        created_at=moment,
        expires_at=expires_at,
    )
    return ApiKeyRepository(session).add(key), secret


def authenticate(session: Session, secret: str) -> AuthenticatedKey | None:
    """The key ``secret`` belongs to, or None if it is unknown, revoked or expired.

    Callers tell a malformed secret from an unknown one with
    :func:`costlake.keys.styles.shape_ok` first, where their dialect cares.
    """
    if style_of(secret) is None:
        return None  # no stored key has another shape: spare the database the lookup
    moment = now()
    for key in ApiKeyRepository(session).candidates(hashing.lookup_of(secret)):
        if not hashing.verify(key.secret_hash, secret):
            continue
        if key.revoked_at is not None or (key.expires_at is not None and key.expires_at <= moment):
            return None
        if key.last_used_at is None or moment - key.last_used_at >= LAST_USED_RESOLUTION:
            key.last_used_at = moment
        if hashing.needs_rehash(key.secret_hash):
            key.secret_hash = hashing.hash_secret(secret)
        return AuthenticatedKey(
            key_id=key.id,
            name=key.name,
            style=key.style,
            prefix=key.prefix,
            scopes=frozenset(key.scopes),
            org=key.org,
            user=key.user,
            expires_at=key.expires_at,
        )
    return None


def refusal(session: Session, secret: str) -> str:
    """Why :func:`authenticate` refused ``secret``: "revoked", "expired" or "unknown" (no
    key of that secret). Vendors answer a revoked key differently from an unknown one
    (StackSpend: 403 FORBIDDEN rather than 401)."""
    moment = now()
    for key in ApiKeyRepository(session).candidates(hashing.lookup_of(secret)):
        if hashing.verify(key.secret_hash, secret):
            if key.revoked_at is not None:
                return "revoked"
            if key.expires_at is not None and key.expires_at <= moment:
                return "expired"
    return "unknown"


def list_keys(session: Session, org_slug: str, *, include_revoked: bool = True) -> Sequence[ApiKey]:
    """The keys of an existing org, oldest first. Rows carry the display prefix and
    the hash, never the secret; :class:`NotFound` for an unknown org."""
    org = get_org(session, org_slug)
    return ApiKeyRepository(session).list_for_org(org.id, include_revoked=include_revoked)


def revoke_key(session: Session, org_slug: str, key_id_or_prefix: int | str) -> ApiKey:
    """Revoke one of the org's keys, named by id or by its display prefix.

    Revoking a revoked key changes nothing (its first revocation time stays). A key of
    another org is :class:`NotFound`, exactly like a key that does not exist.
    """
    org = get_org(session, org_slug)
    key = _find(ApiKeyRepository(session), org, key_id_or_prefix)
    if key.revoked_at is None:
        key.revoked_at = now()
        session.flush()
    return key


def _find(repository: ApiKeyRepository, org: Org, key_id_or_prefix: int | str) -> ApiKey:
    reference = str(key_id_or_prefix).strip()
    if reference.isdigit():
        key = repository.get(org.id, int(reference))
        if key is None:
            raise NotFound(f"no key {reference} in org {org.slug!r}")
        return key
    matches = repository.find_by_prefix(org.id, reference)
    if not matches:
        raise NotFound(f"no key with prefix {reference!r} in org {org.slug!r}")
    if len(matches) > 1:
        ids = ", ".join(str(k.id) for k in matches)
        raise InvalidInput(f"prefix {reference!r} names several keys ({ids}): use the key id")
    return matches[0]
