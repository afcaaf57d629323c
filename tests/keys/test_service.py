"""API keys: shown once, stored as hashes, refused once revoked or expired, never cross-org."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from costlake.db import create_engine, migrate, session_factory
from costlake.db.models import ApiKey, Base, User
from costlake.errors import InvalidInput, NotFound, PermissionDenied
from costlake.keys import (
    authenticate,
    create_key,
    list_keys,
    revoke_key,
    shape_ok,
)
from costlake.keys.hashing import lookup_of
from costlake.orgs import get_or_create_org, get_or_create_user, list_orgs

MARKERS = {"cloudexpat": "ce_live_", "xplorr": "xplorr_", "plain": "cl_"}
EXACT_SHAPES = {
    "cloudexpat": r"ce_live_[A-Za-z0-9]{32}",
    "xplorr": r"xplorr_[A-Za-z0-9]{40}",
    "plain": r"cl_[A-Za-z0-9_-]{43}",
}


def pin_clock(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> datetime:
    """Make ``moment`` (aware) the time costlake sees, through ``COSTLAKE_NOW``."""
    monkeypatch.setenv("COSTLAKE_NOW", moment.isoformat())
    return moment


def every_stored_value(connection_source: Engine) -> list[str]:
    """Every value of every row of every table, as text."""
    values: list[str] = []
    with connection_source.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(text(f"SELECT * FROM {table.name}")):
                values.extend(str(value) for value in row)
    return values


class TestCreateKey:
    def test_refuses_an_unknown_style(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="unknown key style"):
            create_key(db_session, "acme", "ci", ["costs:read"], "stripe")

    @pytest.mark.parametrize("name", ["", "   ", "n" * 201])
    def test_refuses_a_blank_or_overlong_name(self, db_session: Session, name: str) -> None:
        with pytest.raises(InvalidInput, match="invalid key name"):
            create_key(db_session, "acme", name, ["costs:read"])

    @pytest.mark.parametrize("scopes", ["read", ["Read"], ["read", ""], [" read"]])
    def test_refuses_malformed_scopes(self, db_session: Session, scopes: object) -> None:
        with pytest.raises(InvalidInput, match="scope"):
            create_key(db_session, "acme", "ci", scopes)  # type: ignore[arg-type]

    def test_refuses_an_expiry_that_has_passed(self, db_session: Session) -> None:
        yesterday = datetime.now(UTC) - timedelta(days=1)
        with pytest.raises(InvalidInput, match="not in the future"):
            create_key(db_session, "acme", "ci", ["costs:read"], expires_at=yesterday)

    def test_refuses_a_naive_expiry(self, db_session: Session) -> None:
        with pytest.raises(InvalidInput, match="timezone-aware"):
            create_key(db_session, "acme", "ci", ["costs:read"], expires_at=datetime(2099, 1, 1))

    def test_refuses_binding_a_user_of_another_org(self, db_session: Session) -> None:
        outsider = get_or_create_user(db_session, get_or_create_org(db_session, "globex"), "a@g.io")
        with pytest.raises(PermissionDenied):
            create_key(db_session, "acme", "ci", ["costs:read"], user=outsider)

    @pytest.mark.parametrize("style", list(EXACT_SHAPES))
    def test_returns_a_secret_of_the_styles_exact_shape(
        self, db_session: Session, style: str
    ) -> None:
        key, secret = create_key(db_session, "acme", "ci", ["costs:read"], style)
        assert re.fullmatch(EXACT_SHAPES[style], secret)
        assert shape_ok(style, secret)
        assert key.style == style
        assert key.prefix == MARKERS[style] + secret.removeprefix(MARKERS[style])[:8]

    def test_creates_the_org_on_first_use(self, db_session: Session) -> None:
        key, _ = create_key(db_session, "new-org", "ci", ["costs:read"])
        (org,) = list_orgs(db_session)
        assert (org.slug, key.org_id) == ("new-org", org.id)

    def test_stores_the_scopes_sorted_without_repeats(self, db_session: Session) -> None:
        key, _ = create_key(db_session, "acme", "ci", ["keys:write", "costs:read", "keys:write"])
        assert key.scopes == ["costs:read", "keys:write"]

    def test_stores_only_a_hash_never_the_secret(
        self, db_session: Session, db_engine: Engine
    ) -> None:
        key, secret = create_key(db_session, "acme", "ci", ["costs:read"], "cloudexpat")
        db_session.commit()
        body = secret.removeprefix("ce_live_")
        stored = every_stored_value(db_engine)
        assert key.secret_hash in stored
        assert key.secret_hash.startswith("$argon2id$")
        # The listed prefix shows the first 8 body characters; the rest must be nowhere.
        assert not [value for value in stored if body[8:] in value]

    def test_the_database_file_never_contains_the_secret(self, tmp_path: Path) -> None:
        engine = create_engine(f"sqlite:///{tmp_path / 'costlake.db'}")
        try:
            migrate(engine)
            with session_factory(engine)() as session:
                _, secret = create_key(session, "acme", "ci", ["costs:read"], "plain")
                session.commit()
                assert authenticate(session, secret) is not None
                session.commit()
        finally:
            engine.dispose()
        body = secret.removeprefix("cl_")[8:].encode()
        files = list(tmp_path.iterdir())
        assert any(f.name == "costlake.db" for f in files)
        assert not [f.name for f in files if body in f.read_bytes()]


class TestAuthenticate:
    @pytest.mark.parametrize("secret", ["ce_live_" + "A" * 32, "", "Bearer x", "cl_" + "é" * 43])
    def test_an_unknown_or_malformed_secret_is_refused(
        self, db_session: Session, secret: str
    ) -> None:
        create_key(db_session, "acme", "ci", ["costs:read"], "cloudexpat")
        assert authenticate(db_session, secret) is None

    def test_a_secret_off_by_one_character_is_refused(self, db_session: Session) -> None:
        _, secret = create_key(db_session, "acme", "ci", ["costs:read"])
        wrong = secret[:-1] + ("a" if secret[-1] != "a" else "b")
        assert authenticate(db_session, wrong) is None

    @pytest.mark.parametrize("style", sorted(MARKERS))
    @pytest.mark.parametrize("keep", [16, 24, -1])
    def test_a_forged_secret_sharing_a_used_keys_prefix_is_refused(
        self, db_session: Session, style: str, keep: int
    ) -> None:
        """The real key is used first (its verification is memoised); a forgery that keeps
        its first ``keep`` characters (all but the last with -1) must still fail."""
        _, secret = create_key(db_session, "acme", "ci", ["costs:read"], style)
        assert authenticate(db_session, secret) is not None
        assert authenticate(db_session, secret) is not None  # now from the memo
        head = secret[:keep]
        tail = secret[len(head) :]
        forged = head + "".join("b" if c == "a" else "a" for c in tail)
        assert len(forged) == len(secret) and forged != secret and shape_ok(style, forged)
        assert authenticate(db_session, forged) is None

    def test_the_verified_memo_is_keyed_on_the_whole_secret(self) -> None:
        from costlake.keys.hashing import hash_secret, verify

        secret = "cl_" + "k" * 43
        stored = hash_secret(secret)
        assert verify(stored, secret) and verify(stored, secret)
        assert not verify(stored, secret[:-1] + "j")
        assert not verify(stored, secret[:20] + "j" * (len(secret) - 20))

    def test_a_secret_matching_only_the_lookup_is_refused(self, db_session: Session) -> None:
        """The lookup only finds the row; the argon2 hash decides."""
        key, _ = create_key(db_session, "acme", "ci", ["costs:read"])
        impostor = "cl_" + "x" * 43
        key.lookup = lookup_of(impostor)
        db_session.flush()
        assert authenticate(db_session, impostor) is None

    def test_a_revoked_key_is_refused(self, db_session: Session) -> None:
        key, secret = create_key(db_session, "acme", "ci", ["costs:read"])
        assert authenticate(db_session, secret) is not None
        revoke_key(db_session, "acme", key.id)
        assert authenticate(db_session, secret) is None

    def test_an_expired_key_is_refused(
        self, db_session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        start = pin_clock(monkeypatch, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
        _, secret = create_key(
            db_session, "acme", "ci", ["costs:read"], expires_at=start + timedelta(hours=1)
        )
        pin_clock(monkeypatch, start + timedelta(minutes=59))
        assert authenticate(db_session, secret) is not None
        pin_clock(monkeypatch, start + timedelta(hours=1))
        assert authenticate(db_session, secret) is None

    def test_a_key_of_one_org_never_authenticates_as_another(self, db_session: Session) -> None:
        _, acme_secret = create_key(db_session, "acme", "ci", ["costs:read"])
        _, globex_secret = create_key(db_session, "globex", "ci", ["costs:read"])
        acme, globex = (
            authenticate(db_session, acme_secret),
            authenticate(db_session, globex_secret),
        )
        assert acme is not None and globex is not None
        assert (acme.org.slug, globex.org.slug) == ("acme", "globex")
        assert acme.key_id != globex.key_id

    def test_a_valid_secret_names_its_key_org_scopes_and_user(self, db_session: Session) -> None:
        org = get_or_create_org(db_session, "acme")
        ana = get_or_create_user(db_session, org, "ana@acme.io")
        key, secret = create_key(
            db_session, "acme", "ana's laptop", ["costs:read"], "xplorr", user=ana
        )
        found = authenticate(db_session, secret)
        assert found is not None
        assert (found.key_id, found.name, found.style, found.prefix) == (
            key.id,
            "ana's laptop",
            "xplorr",
            key.prefix,
        )
        assert found.org.id == org.id
        assert isinstance(found.user, User) and found.user.id == ana.id
        assert found.has_scope("costs:read") and not found.has_scope("keys:write")

    def test_a_key_without_a_user_sees_the_whole_org(self, db_session: Session) -> None:
        _, secret = create_key(db_session, "acme", "ci", ["*"])
        found = authenticate(db_session, secret)
        assert found is not None
        assert found.user is None
        assert found.has_scope("anything")

    def test_records_use_at_most_once_a_minute(
        self, db_session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        start = pin_clock(monkeypatch, datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
        key, secret = create_key(db_session, "acme", "ci", ["costs:read"])
        assert key.last_used_at is None
        authenticate(db_session, secret)
        assert key.last_used_at == start
        pin_clock(monkeypatch, start + timedelta(seconds=59))
        authenticate(db_session, secret)
        assert key.last_used_at == start
        later = pin_clock(monkeypatch, start + timedelta(seconds=60))
        authenticate(db_session, secret)
        assert key.last_used_at == later

    def test_last_use_is_kept_when_the_caller_commits(self, db_engine: Engine) -> None:
        sessions = session_factory(db_engine)
        with sessions() as session:
            key, secret = create_key(session, "acme", "ci", ["costs:read"])
            session.commit()
        with sessions() as session:
            assert authenticate(session, secret) is not None
            session.commit()
        with sessions() as session:
            stored = session.scalars(select(ApiKey).where(ApiKey.id == key.id)).one()
            assert stored.last_used_at is not None
            assert stored.last_used_at.tzinfo == UTC


class TestListKeys:
    def test_an_unknown_org_is_not_found(self, db_session: Session) -> None:
        with pytest.raises(NotFound):
            list_keys(db_session, "nobody")

    def test_lists_the_orgs_keys_by_prefix_never_by_secret(self, db_session: Session) -> None:
        first, first_secret = create_key(db_session, "acme", "ci", ["costs:read"])
        second, second_secret = create_key(db_session, "acme", "laptop", ["costs:read"])
        create_key(db_session, "globex", "theirs", ["costs:read"])
        keys = list_keys(db_session, "acme")
        assert [(k.id, k.name) for k in keys] == [(first.id, "ci"), (second.id, "laptop")]
        assert [k.prefix for k in keys] == [first_secret[:11], second_secret[:11]]
        listed = repr([(k.__dict__) for k in keys])
        assert first_secret not in listed and second_secret not in listed

    def test_can_leave_out_revoked_keys(self, db_session: Session) -> None:
        revoked, _ = create_key(db_session, "acme", "old", ["costs:read"])
        current, _ = create_key(db_session, "acme", "new", ["costs:read"])
        revoke_key(db_session, "acme", revoked.id)
        assert [k.id for k in list_keys(db_session, "acme")] == [revoked.id, current.id]
        assert [k.id for k in list_keys(db_session, "acme", include_revoked=False)] == [current.id]


class TestRevokeKey:
    def test_an_unknown_org_is_not_found(self, db_session: Session) -> None:
        with pytest.raises(NotFound, match="no org"):
            revoke_key(db_session, "nobody", 1)

    def test_an_unknown_key_is_not_found(self, db_session: Session) -> None:
        create_key(db_session, "acme", "ci", ["costs:read"])
        with pytest.raises(NotFound, match="no key 999999"):
            revoke_key(db_session, "acme", 999_999)
        with pytest.raises(NotFound, match="no key with prefix"):
            revoke_key(db_session, "acme", "cl_zzzzzzzz")

    def test_another_orgs_key_is_not_found_and_stays_valid(self, db_session: Session) -> None:
        get_or_create_org(db_session, "acme")
        theirs, secret = create_key(db_session, "globex", "ci", ["costs:read"])
        with pytest.raises(NotFound):
            revoke_key(db_session, "acme", theirs.id)
        with pytest.raises(NotFound):
            revoke_key(db_session, "acme", theirs.prefix)
        assert authenticate(db_session, secret) is not None

    def test_refuses_a_prefix_shared_by_two_keys(self, db_session: Session) -> None:
        first, _ = create_key(db_session, "acme", "one", ["costs:read"])
        second, _ = create_key(db_session, "acme", "two", ["costs:read"])
        second.prefix = first.prefix
        db_session.flush()
        with pytest.raises(InvalidInput, match="several keys"):
            revoke_key(db_session, "acme", first.prefix)

    def test_revokes_by_id_or_by_prefix(self, db_session: Session) -> None:
        by_id, _ = create_key(db_session, "acme", "one", ["costs:read"])
        by_prefix, _ = create_key(db_session, "acme", "two", ["costs:read"])
        assert revoke_key(db_session, "acme", str(by_id.id)).revoked_at is not None
        assert revoke_key(db_session, "acme", by_prefix.prefix).revoked_at is not None

    def test_revoking_twice_keeps_the_first_revocation_time(
        self, db_session: Session, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        first = pin_clock(monkeypatch, datetime(2026, 3, 1, tzinfo=UTC))
        key, _ = create_key(db_session, "acme", "ci", ["costs:read"])
        revoke_key(db_session, "acme", key.id)
        pin_clock(monkeypatch, first + timedelta(days=1))
        assert revoke_key(db_session, "acme", key.id).revoked_at == first
