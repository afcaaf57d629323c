"""Cloud accounts: recorded from ingested data, listed per org, narrowed by user grants.

Ingest calls :func:`upsert_accounts` with the billing and sub accounts a file mentions,
so an org's account list grows by itself as bills arrive. :func:`list_accounts` is the
one place that decides which of them a caller may see: the whole org for an org-wide
key, only granted accounts for a key bound to a user (none until something is granted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session

from costlake.accounts.repository import AccountRepository
from costlake.db.models import CloudAccount, Org, User
from costlake.errors import InvalidInput, PermissionDenied
from costlake.kit.clock import now

AccountKind = Literal["billing", "sub"]
_KINDS: frozenset[str] = frozenset({"billing", "sub"})


@dataclass(frozen=True, slots=True)
class AccountSeen:
    """One account as an ingested file shows it.

    ``provider`` is lower-cased ("aws", "azure", "gcp", "oci" or a SaaS vendor's name);
    ``account_id`` is FOCUS's BillingAccountId (kind "billing") or SubAccountId (kind
    "sub"); ``parent_account_id`` is the billing account a sub account belongs to.
    """

    provider: str
    account_id: str
    kind: AccountKind
    name: str | None = None
    parent_account_id: str | None = None

    def __post_init__(self) -> None:
        provider = self.provider.strip().lower()
        account_id = self.account_id.strip()
        if not provider or len(provider) > 64:
            raise InvalidInput(f"invalid provider {self.provider!r}")
        if not account_id or len(account_id) > 255:
            raise InvalidInput(f"invalid account id {self.account_id!r}")
        if self.kind not in _KINDS:
            raise InvalidInput(f"invalid account kind {self.kind!r}: use 'billing' or 'sub'")
        parent = (self.parent_account_id or "").strip() or None
        object.__setattr__(self, "provider", provider)
        object.__setattr__(self, "account_id", account_id)
        object.__setattr__(self, "name", (self.name or "").strip()[:255] or None)
        # An account billed to itself (an AWS payer's own usage) has no parent.
        object.__setattr__(self, "parent_account_id", None if parent == account_id else parent)


def upsert_accounts(session: Session, org: Org, rows: Iterable[AccountSeen]) -> int:
    """Record the accounts seen in ``org``'s data; returns how many distinct ones.

    Idempotent: seeing the same accounts again only moves ``last_seen``. Repeats of
    one account within ``rows`` are merged first (a known name or parent is kept,
    "billing" wins over "sub").
    """
    merged: dict[tuple[str, str], AccountSeen] = {}
    for row in rows:
        key = (row.provider, row.account_id)
        merged[key] = _merge(merged[key], row) if key in merged else row
    values = [
        {
            "provider": row.provider,
            "account_id": row.account_id,
            "kind": row.kind,
            "name": row.name,
            "parent_account_id": row.parent_account_id,
        }
        for _, row in sorted(merged.items())
    ]
    if values:
        AccountRepository(session).upsert(org.id, values, now())
    return len(values)


def list_accounts(session: Session, org: Org, user: User | None = None) -> Sequence[CloudAccount]:
    """The accounts of ``org`` the caller may see, by provider and account id.

    No user (an org-wide key): all of them. A user: only those granted to that user.
    """
    repository = AccountRepository(session)
    if user is None:
        return repository.list_for_org(org.id)
    _same_org(org, user)
    return repository.list_granted(org.id, user.id)


def grant_accounts(session: Session, user: User, accounts: Iterable[CloudAccount]) -> None:
    """Let ``user`` see ``accounts``; granting one already granted changes nothing."""
    accounts = list(accounts)
    for account in accounts:
        if account.org_id != user.org_id:
            raise PermissionDenied(
                f"account {account.provider}/{account.account_id} belongs to another org"
            )
    AccountRepository(session).add_grants(user.id, (a.id for a in accounts), now())


def _same_org(org: Org, user: User) -> None:
    if user.org_id != org.id:
        raise PermissionDenied(f"user {user.email!r} is not a member of org {org.slug!r}")


def _merge(old: AccountSeen, new: AccountSeen) -> AccountSeen:
    return AccountSeen(
        provider=new.provider,
        account_id=new.account_id,
        kind="billing" if "billing" in (old.kind, new.kind) else "sub",
        name=new.name or old.name,
        parent_account_id=new.parent_account_id or old.parent_account_id,
    )
