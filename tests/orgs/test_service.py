"""Orgs come into being on first use; users belong to exactly one org."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from costlake.db import session_factory
from costlake.errors import InvalidInput, NotFound
from costlake.orgs import get_or_create_org, get_or_create_user, get_org, list_orgs


class TestGetOrCreateOrg:
    @pytest.mark.parametrize("slug", ["", "Acme", "-acme", "acme-", "a b", "acme_eu", "x" * 64])
    def test_refuses_an_invalid_slug(self, db_session: Session, slug: str) -> None:
        with pytest.raises(InvalidInput, match="invalid org slug"):
            get_or_create_org(db_session, slug)

    def test_refuses_an_overlong_name(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="invalid org name"):
            get_or_create_org(db_session, "acme", "A" * 201)

    def test_creates_the_org_on_first_use(self, db_session: Session) -> None:
        org = get_or_create_org(db_session, "acme")
        assert (org.slug, org.name) == ("acme", "acme")
        assert org.id is not None
        assert org.created_at.tzinfo == UTC

    def test_returns_the_same_org_later_and_keeps_its_name(self, db_session: Session) -> None:
        first = get_or_create_org(db_session, "acme", "Acme Corp")
        again = get_or_create_org(db_session, "acme", "Another Name")
        assert again.id == first.id
        assert again.name == "Acme Corp"

    def test_the_created_org_outlives_the_session_once_committed(self, db_engine: Engine) -> None:
        sessions = session_factory(db_engine)
        with sessions() as session:
            created = get_or_create_org(session, "acme", "Acme Corp")
            session.commit()
        with sessions() as session:
            found = get_or_create_org(session, "acme")
            assert (found.id, found.name) == (created.id, "Acme Corp")
            assert found.created_at == created.created_at


class TestGetOrg:
    def test_an_unknown_org_is_not_found_and_not_created(self, db_session: Session) -> None:
        with pytest.raises(NotFound, match="no org 'nobody'"):
            get_org(db_session, "nobody")
        assert list_orgs(db_session) == []

    def test_finds_an_existing_org(self, db_session: Session) -> None:
        org = get_or_create_org(db_session, "acme")
        assert get_org(db_session, "acme").id == org.id


class TestListOrgs:
    def test_lists_every_org_by_slug(self, db_session: Session) -> None:
        for slug in ["zeta", "acme", "m-corp"]:
            get_or_create_org(db_session, slug)
        assert [org.slug for org in list_orgs(db_session)] == ["acme", "m-corp", "zeta"]


class TestGetOrCreateUser:
    @pytest.mark.parametrize("email", ["", "no-at-sign", "two@@ats", "spaced out@example.com"])
    def test_refuses_an_invalid_email(self, db_session: Session, email: str) -> None:
        org = get_or_create_org(db_session, "acme")
        with pytest.raises(InvalidInput, match="invalid e-mail"):
            get_or_create_user(db_session, org, email)

    def test_creates_the_user_in_the_org(self, db_session: Session) -> None:
        org = get_or_create_org(db_session, "acme")
        user = get_or_create_user(db_session, org, "Ana@Example.com", "Ana")
        assert (user.org_id, user.email, user.name) == (org.id, "ana@example.com", "Ana")

    def test_the_same_address_in_any_case_is_the_same_user(self, db_session: Session) -> None:
        org = get_or_create_org(db_session, "acme")
        first = get_or_create_user(db_session, org, "ana@example.com")
        assert get_or_create_user(db_session, org, "ANA@example.com").id == first.id

    def test_the_same_address_in_two_orgs_is_two_users(self, db_session: Session) -> None:
        acme = get_or_create_org(db_session, "acme")
        globex = get_or_create_org(db_session, "globex")
        in_acme = get_or_create_user(db_session, acme, "ana@example.com")
        in_globex = get_or_create_user(db_session, globex, "ana@example.com")
        assert in_acme.id != in_globex.id
        assert (in_acme.org_id, in_globex.org_id) == (acme.id, globex.id)
