"""Closing an org deletes every row of it, children first, on SQLite and PostgreSQL, and
nothing of another org."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from costlake.accounts.service import AccountSeen, grant_accounts, list_accounts, upsert_accounts
from costlake.audit.schemas import Actor, Event
from costlake.audit.service import record
from costlake.auth.principals import Principal, PrincipalKind
from costlake.db.models import Base, Org
from costlake.errors import InvalidInput, PermissionDenied
from costlake.keys.service import create_key
from costlake.lake.store import Lake
from costlake.orgs.close import CONFIRMATION, close_org
from costlake.users.preferences import update_preferences
from costlake.users.service import create_user


def principal(org: str, role: str | None) -> Principal:
    return Principal(PrincipalKind.USER_SESSION, org, "x", frozenset({"*"}), None, role=role,
                     user_id=1)  # fmt: skip


def populate(session: Session, org: str) -> None:
    user = create_user(session, org, f"ana@{org}.io", role="admin", password="correct horse 1")
    found = session.scalars(select(Org).where(Org.slug == org)).one()
    upsert_accounts(session, found, [AccountSeen("aws", "111111111111", "billing")])
    grant_accounts(session, user, list_accounts(session, found))
    create_key(session, org, "ci", ["*"], user=user)
    update_preferences(session, user, {"email_anomalies": False})
    record(session, org, Actor.cli("root"), Event("cli.keys.create", "key ci"))
    session.flush()


def rows(session: Session) -> dict[str, int]:
    counts = {}
    for table in Base.metadata.sorted_tables:
        n = session.scalar(select(func.count()).select_from(table)) or 0
        if n:
            counts[table.name] = n
    return counts


class TestCloseOrg:
    def test_a_member_or_a_missing_phrase_is_refused(
        self, db_session: Session, tmp_path: Path
    ) -> None:
        populate(db_session, "acme")
        with pytest.raises(PermissionDenied):
            close_org(db_session, Lake(tmp_path), principal("acme", "member"), CONFIRMATION)
        with pytest.raises(InvalidInput, match=CONFIRMATION):
            close_org(db_session, Lake(tmp_path), principal("acme", "admin"), "yes")

    def test_every_row_of_the_org_goes_and_the_other_org_stays(
        self, db_session: Session, tmp_path: Path
    ) -> None:
        populate(db_session, "acme")
        populate(db_session, "other")
        before = rows(db_session)
        closed = close_org(db_session, Lake(tmp_path), principal("acme", "admin"), CONFIRMATION)
        db_session.commit()
        assert closed.metadata_rows == {
            "api_keys": 1,
            "audit_log": 1,
            "cloud_accounts": 1,
            "notification_preferences": 1,
            "orgs": 1,
            "user_account_grants": 1,
            "users": 1,
        }
        after = rows(db_session)
        halved = {t: n // 2 for t, n in before.items() if t in closed.metadata_rows}
        assert {t: n for t, n in after.items() if t in halved} == halved
        assert closed.lake_partitions == 0
