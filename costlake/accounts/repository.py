"""Reading and writing ``cloud_accounts`` and ``user_account_grants``; only queries."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.orm import Session

from costlake.db.models import CloudAccount, UserAccountGrant
from costlake.db.upsert import insert

# Rows per INSERT: well under SQLite's limit of bound parameters per statement.
_CHUNK = 500


class AccountRepository:
    """Queries over an org's cloud accounts and the grants on them."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def upsert(self, org_id: int, rows: Sequence[Mapping[str, Any]], seen_at: datetime) -> None:
        """Insert each account or refresh the existing one, in chunks.

        On conflict: the account keeps its ``first_seen`` and ``id``; ``last_seen``
        moves on; a name or parent already known is kept when the new row has none;
        "billing" wins over "sub" because an account that pays a bill is a billing
        account even when it also has usage of its own. ``rows`` must not repeat a
        (provider, account_id): PostgreSQL refuses to update one row twice in a statement.
        """
        table = CloudAccount.__table__
        for start in range(0, len(rows), _CHUNK):
            values = [
                {**row, "org_id": org_id, "first_seen": seen_at, "last_seen": seen_at}
                for row in rows[start : start + _CHUNK]
            ]
            statement = insert(self.session, table).values(values)
            excluded = statement.excluded
            statement = statement.on_conflict_do_update(
                index_elements=["org_id", "provider", "account_id"],
                set_={
                    "last_seen": excluded.last_seen,
                    "name": func.coalesce(excluded.name, table.c.name),
                    "parent_account_id": func.coalesce(
                        excluded.parent_account_id, table.c.parent_account_id
                    ),
                    "kind": case(
                        (
                            (excluded.kind == "billing") | (table.c.kind == "billing"),
                            "billing",
                        ),
                        else_="sub",
                    ),
                },
            )
            self.session.execute(statement)

    def list_for_org(self, org_id: int) -> Sequence[CloudAccount]:
        query = select(CloudAccount).where(CloudAccount.org_id == org_id)
        return self.session.scalars(_ordered(query)).all()

    def list_granted(self, org_id: int, user_id: int) -> Sequence[CloudAccount]:
        query = (
            select(CloudAccount)
            .join(UserAccountGrant, UserAccountGrant.cloud_account_id == CloudAccount.id)
            .where(CloudAccount.org_id == org_id, UserAccountGrant.user_id == user_id)
        )
        return self.session.scalars(_ordered(query)).all()

    def add_grants(self, user_id: int, account_ids: Iterable[int], created_at: datetime) -> None:
        """Grant each account to the user; granting twice is harmless."""
        values = [
            {"user_id": user_id, "cloud_account_id": account_id, "created_at": created_at}
            for account_id in sorted(set(account_ids))
        ]
        if not values:
            return
        statement = insert(self.session, UserAccountGrant.__table__).values(values)
        self.session.execute(statement.on_conflict_do_nothing())

    def by_ids(self, org_id: int, ids: Iterable[int]) -> Sequence[CloudAccount]:
        """The org's accounts among ``ids`` (an id of another org's account is left out)."""
        query = select(CloudAccount).where(
            CloudAccount.org_id == org_id, CloudAccount.id.in_(sorted(set(ids)))
        )
        return self.session.scalars(_ordered(query)).all()

    def remove_grant(self, user_id: int, cloud_account_id: int) -> bool:
        """Withdraw one grant; False if it did not exist."""
        result = self.session.execute(
            delete(UserAccountGrant).where(
                UserAccountGrant.user_id == user_id,
                UserAccountGrant.cloud_account_id == cloud_account_id,
            )
        )
        return result.rowcount == 1  # type: ignore[attr-defined]


def _ordered(query: Any) -> Any:
    # populate_existing: an upsert in this session bypasses the identity map, so
    # accounts it already holds are refreshed rather than returned stale.
    return query.order_by(CloudAccount.provider, CloudAccount.account_id).execution_options(
        populate_existing=True
    )
