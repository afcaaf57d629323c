"""Cloud accounts: recorded idempotently from ingested data, listed within user grants."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from costlake.accounts import AccountSeen, grant_accounts, list_accounts, upsert_accounts
from costlake.db.models import CloudAccount, Org
from costlake.errors import InvalidInput, PermissionDenied
from costlake.orgs import get_or_create_org, get_or_create_user

PAYER = AccountSeen("aws", "111111111111", "billing", "Payer")
PROD = AccountSeen("aws", "222222222222", "sub", "Production", parent_account_id="111111111111")
DEV = AccountSeen("aws", "333333333333", "sub", "Development", parent_account_id="111111111111")
SUBSCRIPTION = AccountSeen("azure", "5a0e-sub", "sub", "Analytics", parent_account_id="ea-1")


@pytest.fixture
def acme(db_session: Session) -> Org:
    return get_or_create_org(db_session, "acme")


def ids_of(accounts: Sequence[CloudAccount]) -> list[str]:
    return [account.account_id for account in accounts]


def at(moment: str, monkeypatch: pytest.MonkeyPatch) -> datetime:
    """Pin the clock (``COSTLAKE_NOW``) to ``moment``."""
    monkeypatch.setenv("COSTLAKE_NOW", moment)
    return datetime.fromisoformat(moment).replace(tzinfo=UTC)


class TestAccountSeen:
    def test_refuses_an_unknown_kind(self) -> None:
        with pytest.raises(InvalidInput, match="invalid account kind"):
            AccountSeen("aws", "1", "payer")  # type: ignore[arg-type]

    @pytest.mark.parametrize("provider, account_id", [("", "1"), ("aws", "  "), ("x" * 65, "1")])
    def test_refuses_an_empty_or_overlong_identity(self, provider: str, account_id: str) -> None:
        with pytest.raises(InvalidInput):
            AccountSeen(provider, account_id, "sub")

    def test_normalises_provider_case_and_blank_fields(self) -> None:
        seen = AccountSeen(" AWS ", " 123 ", "sub", name="  ", parent_account_id="")
        assert (seen.provider, seen.account_id, seen.name, seen.parent_account_id) == (
            "aws",
            "123",
            None,
            None,
        )

    def test_an_account_billed_to_itself_has_no_parent(self) -> None:
        assert AccountSeen("aws", "111", "sub", parent_account_id="111").parent_account_id is None


class TestUpsertAccounts:
    def test_records_new_accounts_as_first_and_last_seen_now(
        self, db_session: Session, acme: Org, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        moment = at("2026-01-01T00:00:00", monkeypatch)
        assert upsert_accounts(db_session, acme, [PAYER, PROD, SUBSCRIPTION]) == 3
        accounts = list_accounts(db_session, acme)
        assert [(a.provider, a.account_id, a.kind) for a in accounts] == [
            ("aws", "111111111111", "billing"),
            ("aws", "222222222222", "sub"),
            ("azure", "5a0e-sub", "sub"),
        ]
        assert accounts[1].parent_account_id == "111111111111"
        assert {(a.first_seen, a.last_seen) for a in accounts} == {(moment, moment)}

    def test_upserting_the_same_accounts_again_only_moves_last_seen(
        self, db_session: Session, acme: Org, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        first = at("2026-01-01T00:00:00", monkeypatch)
        upsert_accounts(db_session, acme, [PAYER, PROD])
        before = {a.account_id: a.id for a in list_accounts(db_session, acme)}
        later = at("2026-02-01T00:00:00", monkeypatch)
        upsert_accounts(db_session, acme, [PAYER, PROD])
        after = list_accounts(db_session, acme)
        assert {a.account_id: a.id for a in after} == before
        assert [(a.first_seen, a.last_seen) for a in after] == [(first, later), (first, later)]

    def test_keeps_a_known_name_and_parent_when_new_data_has_none(
        self, db_session: Session, acme: Org
    ) -> None:
        upsert_accounts(db_session, acme, [PROD])
        upsert_accounts(db_session, acme, [AccountSeen("aws", "222222222222", "sub")])
        (account,) = list_accounts(db_session, acme)
        assert (account.name, account.parent_account_id) == ("Production", "111111111111")

    def test_a_new_name_replaces_the_old_one(self, db_session: Session, acme: Org) -> None:
        upsert_accounts(db_session, acme, [PROD])
        upsert_accounts(db_session, acme, [AccountSeen("aws", "222222222222", "sub", "Prod EU")])
        assert list_accounts(db_session, acme)[0].name == "Prod EU"

    def test_billing_wins_over_sub_within_and_across_calls(
        self, db_session: Session, acme: Org
    ) -> None:
        as_sub = AccountSeen("aws", "111111111111", "sub", "Payer usage")
        assert upsert_accounts(db_session, acme, [PAYER, as_sub]) == 1
        upsert_accounts(db_session, acme, [as_sub])
        (account,) = list_accounts(db_session, acme)
        assert (account.kind, account.name) == ("billing", "Payer usage")

    def test_the_same_account_in_two_orgs_is_two_accounts(
        self, db_session: Session, acme: Org
    ) -> None:
        globex = get_or_create_org(db_session, "globex")
        upsert_accounts(db_session, acme, [PROD])
        upsert_accounts(db_session, globex, [PROD])
        (in_acme,), (in_globex,) = (
            list_accounts(db_session, acme),
            list_accounts(db_session, globex),
        )
        assert in_acme.id != in_globex.id
        assert (in_acme.org_id, in_globex.org_id) == (acme.id, globex.id)

    def test_records_more_accounts_than_fit_in_one_statement(
        self, db_session: Session, acme: Org
    ) -> None:
        rows = [AccountSeen("gcp", f"project-{i:05d}", "sub") for i in range(1_234)]
        assert upsert_accounts(db_session, acme, rows) == 1_234
        assert len(list_accounts(db_session, acme)) == 1_234

    def test_nothing_seen_records_nothing(self, db_session: Session, acme: Org) -> None:
        assert upsert_accounts(db_session, acme, []) == 0
        assert list_accounts(db_session, acme) == []


class TestListAccounts:
    def test_refuses_a_user_of_another_org(self, db_session: Session, acme: Org) -> None:
        outsider = get_or_create_user(db_session, get_or_create_org(db_session, "globex"), "a@x.io")
        with pytest.raises(PermissionDenied, match="not a member of org 'acme'"):
            list_accounts(db_session, acme, outsider)

    def test_a_user_without_grants_sees_nothing(self, db_session: Session, acme: Org) -> None:
        upsert_accounts(db_session, acme, [PAYER, PROD, DEV])
        user = get_or_create_user(db_session, acme, "ana@acme.io")
        assert list_accounts(db_session, acme, user) == []

    def test_a_user_sees_only_granted_accounts(self, db_session: Session, acme: Org) -> None:
        upsert_accounts(db_session, acme, [PAYER, PROD, DEV, SUBSCRIPTION])
        by_id = {a.account_id: a for a in list_accounts(db_session, acme)}
        ana = get_or_create_user(db_session, acme, "ana@acme.io")
        bob = get_or_create_user(db_session, acme, "bob@acme.io")
        grant_accounts(db_session, ana, [by_id["333333333333"], by_id["5a0e-sub"]])
        grant_accounts(db_session, bob, [by_id["222222222222"]])
        assert ids_of(list_accounts(db_session, acme, ana)) == ["333333333333", "5a0e-sub"]
        assert ids_of(list_accounts(db_session, acme, bob)) == ["222222222222"]

    def test_without_a_user_the_whole_org_is_visible(self, db_session: Session, acme: Org) -> None:
        upsert_accounts(db_session, acme, [PAYER, PROD])
        upsert_accounts(db_session, get_or_create_org(db_session, "globex"), [DEV])
        assert ids_of(list_accounts(db_session, acme)) == ["111111111111", "222222222222"]


class TestGrantAccounts:
    def test_refuses_to_grant_another_orgs_account(self, db_session: Session, acme: Org) -> None:
        globex = get_or_create_org(db_session, "globex")
        upsert_accounts(db_session, globex, [DEV])
        ana = get_or_create_user(db_session, acme, "ana@acme.io")
        with pytest.raises(PermissionDenied, match="belongs to another org"):
            grant_accounts(db_session, ana, list_accounts(db_session, globex))
        assert list_accounts(db_session, acme, ana) == []

    def test_granting_twice_changes_nothing(self, db_session: Session, acme: Org) -> None:
        upsert_accounts(db_session, acme, [PROD])
        ana = get_or_create_user(db_session, acme, "ana@acme.io")
        grant_accounts(db_session, ana, list_accounts(db_session, acme))
        grant_accounts(db_session, ana, list_accounts(db_session, acme))
        assert ids_of(list_accounts(db_session, acme, ana)) == ["222222222222"]
