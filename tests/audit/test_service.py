"""The audit log's core: recording writes, and reading them back as an org's admin."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from costlake.audit import service
from costlake.audit.schemas import Actor, AuditFilter, Event
from costlake.auth.principals import Principal, PrincipalKind
from costlake.db import session_factory
from costlake.errors import InvalidInput, NotFound, PermissionDenied
from costlake.kit.pagination import PageRequest
from costlake.orgs import get_or_create_org
from costlake.users.service import create_user


def principal(org: str, role: str | None = "admin", user_id: int | None = 1) -> Principal:
    return Principal(
        PrincipalKind.USER_SESSION, org, "ada@acme.io", frozenset({"*"}), None,
        user_id=user_id, role=role,
    )  # fmt: skip


ADMIN = principal("acme")
FIRST = PageRequest(0, 25)


def write(session: Session, org: str, action: str, actor: Actor | None = None) -> None:
    who = actor or Actor("user", "ada@acme.io", None, "ada@acme.io")
    service.record(session, org, who, Event(action, f"/api/v1/{action}", "POST", "10.0.0.1", 201))


class TestRecord:
    def test_an_org_that_does_not_exist_records_nothing(self, db_session: Session) -> None:
        assert service.record(db_session, "gone", Actor.cli("root"), Event("x", "y")) is None

    def test_an_entry_names_the_person_behind_a_key(self, db_session: Session) -> None:
        user = create_user(db_session, "acme", "bea@acme.io", password="correct horse battery")
        key = Actor("api_key", "key ci", user.id, None, 7)
        entry = service.record(db_session, "acme", key, Event("xplorr.tokens.create", "/t"))
        assert entry is not None
        assert (entry.user_email, entry.actor, entry.key_id) == ("bea@acme.io", "key ci", 7)

    def test_the_cli_is_named_with_its_os_user(self, db_session: Session) -> None:
        get_or_create_org(db_session, "acme")
        entry = service.record(db_session, "acme", Actor.cli("root"), Event("cli.keys.create", "k"))
        assert entry is not None and (entry.actor_kind, entry.actor) == ("cli", "cli:root")


class TestReading:
    def test_a_member_is_refused(self, db_session: Session) -> None:
        get_or_create_org(db_session, "acme")
        member = principal("acme", role="member")
        with pytest.raises(PermissionDenied):
            service.list_entries(db_session, member, AuditFilter(), FIRST)
        with pytest.raises(PermissionDenied):
            service.actions(db_session, member)

    def test_an_admin_reads_only_its_own_org_newest_first(self, db_session: Session) -> None:
        for org in ("acme", "other"):
            get_or_create_org(db_session, org)
        write(db_session, "acme", "a.first")
        write(db_session, "other", "o.secret")
        write(db_session, "acme", "a.second")
        page = service.list_entries(db_session, ADMIN, AuditFilter(), FIRST)
        assert [e.action for e in page.items] == ["a.second", "a.first"]
        assert page.total == 2
        assert service.actions(db_session, ADMIN) == ["a.first", "a.second"]

    def test_filters_by_action_person_and_time(self, db_session: Session) -> None:
        get_or_create_org(db_session, "acme")
        write(db_session, "acme", "x.update")
        write(db_session, "acme", "x.delete", Actor("user", "Cy@Acme.io", None, "Cy@Acme.io"))
        by_action = service.list_entries(db_session, ADMIN, AuditFilter(action="x.update"), FIRST)
        assert [e.action for e in by_action.items] == ["x.update"]
        by_person = AuditFilter(user_email=" cy@ACME.io ")
        assert service.list_entries(db_session, ADMIN, by_person, FIRST).total == 1
        later = datetime.now(UTC) + timedelta(hours=1)
        assert service.list_entries(db_session, ADMIN, AuditFilter(start=later), FIRST).total == 0
        assert service.list_entries(db_session, ADMIN, AuditFilter(end=later), FIRST).total == 2

    def test_to_before_from_is_refused(self) -> None:
        moment = datetime(2026, 1, 2, tzinfo=UTC)
        with pytest.raises(InvalidInput, match="'to' must be after 'from'"):
            AuditFilter(start=moment, end=moment)

    def test_pages_cut_the_newest_first_order(self, db_session: Session) -> None:
        get_or_create_org(db_session, "acme")
        for i in range(5):
            write(db_session, "acme", f"a.{i}")
        page = service.list_entries(db_session, ADMIN, AuditFilter(), PageRequest(2, 2))
        assert ([e.action for e in page.items], page.total) == (["a.2", "a.1"], 5)


class TestExport:
    @pytest.fixture
    def sessions(self, db_engine: Engine):  # type: ignore[no-untyped-def]
        factory = session_factory(db_engine)
        opened: list[int] = []

        @contextmanager
        def one() -> Iterator[Session]:
            opened.append(1)
            with factory() as s:
                yield s
                s.commit()

        one.opened = opened  # type: ignore[attr-defined]
        return one

    def test_a_member_is_refused_before_anything_is_read(self, sessions) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(PermissionDenied):
            service.export_entries(sessions, principal("acme", role="member"), AuditFilter())
        assert sessions.opened == []

    def test_an_org_that_is_gone_is_not_found(self, sessions) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(NotFound):
            service.export_entries(sessions, ADMIN, AuditFilter())

    def test_reads_in_keyset_chunks_up_to_the_cap(
        self,
        sessions,
        monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
    ) -> None:
        with sessions() as s:
            get_or_create_org(s, "acme")
            for i in range(7):
                write(s, "acme", f"a.{i}")
        monkeypatch.setattr(service, "EXPORT_CHUNK", 3)
        sessions.opened.clear()
        rows = service.export_entries(sessions, ADMIN, AuditFilter(), max_rows=6)
        assert sessions.opened == [1]  # the check; nothing read yet
        assert [e.action for e in rows] == [f"a.{i}" for i in (6, 5, 4, 3, 2, 1)]
        assert len(sessions.opened) == 3  # the check, then two chunks of three

    def test_more_than_ten_thousand_rows_are_refused(self, sessions) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(InvalidInput, match="10,000"):
            service.export_entries(sessions, ADMIN, AuditFilter(), max_rows=10_001)
