"""Which cloud accounts each person may see, as org admins manage it.

A person (or a key bound to it) sees only the accounts granted to it
(:func:`costlake.auth.service.principal_for_key`); these functions are how an admin
lists, grants and withdraws those grants. Every one is for admins only, and every id
is looked up inside the admin's own org, so another org's person or account is
:class:`NotFound`, never a hint that it exists. A change moves the credentials epoch
(``costlake.db.epoch``), so it applies to the person's very next request.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from costlake.accounts.repository import AccountRepository
from costlake.accounts.service import grant_accounts, list_accounts
from costlake.auth.principals import Principal
from costlake.db.models import CloudAccount, User
from costlake.errors import InvalidInput, NotFound, PermissionDenied
from costlake.orgs.service import get_org
from costlake.users.service import find_user

MAX_GRANT = 1_000


def _admin(who: Principal) -> None:
    if not who.is_admin:
        raise PermissionDenied("only an admin can manage who sees which cloud accounts")


def _person(session: Session, who: Principal, user_id: int) -> User:
    _admin(who)
    try:
        return find_user(session, who.org, user_id)
    except NotFound:
        raise NotFound(f"no user {user_id}") from None


def available_accounts(session: Session, who: Principal) -> Sequence[CloudAccount]:
    """Every cloud account of the org, to choose grants from."""
    _admin(who)
    return list_accounts(session, get_org(session, who.org))


def granted_accounts(session: Session, who: Principal, user_id: int) -> Sequence[CloudAccount]:
    """The accounts person ``user_id`` of the caller's org may see."""
    user = _person(session, who, user_id)
    return list_accounts(session, get_org(session, who.org), user)


def grant(
    session: Session, who: Principal, user_id: int, account_ids: Iterable[int]
) -> Sequence[CloudAccount]:
    """Let person ``user_id`` see the accounts ``account_ids`` (ids of the org's
    accounts); returns every account it may see now. Granting one twice is harmless."""
    wanted = sorted(set(account_ids))
    if not wanted:
        raise InvalidInput("name at least one account id to grant")
    if len(wanted) > MAX_GRANT:
        raise InvalidInput(f"grant at most {MAX_GRANT:,} accounts at once")
    user = _person(session, who, user_id)
    found = AccountRepository(session).by_ids(user.org_id, wanted)
    missing = sorted(set(wanted) - {a.id for a in found})
    if missing:
        raise NotFound(f"no cloud account {', '.join(map(str, missing))} in this org")
    grant_accounts(session, user, found)
    session.flush()
    return granted_accounts(session, who, user_id)


def revoke(session: Session, who: Principal, user_id: int, account_id: int) -> None:
    """Withdraw person ``user_id``'s grant of account ``account_id``."""
    user = _person(session, who, user_id)
    if not AccountRepository(session).by_ids(user.org_id, [account_id]):
        raise NotFound(f"no cloud account {account_id} in this org")
    if not AccountRepository(session).remove_grant(user.id, account_id):
        raise NotFound(f"user {user_id} has no grant of cloud account {account_id}")
    session.flush()
