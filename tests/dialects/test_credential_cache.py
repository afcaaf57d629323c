"""A revoked key, a deactivated user or a withdrawn grant is refused on the very next
request, however long the credential cache keeps entries (the credentials epoch)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, update

from costlake.auth.cache import PrincipalCache
from costlake.auth.principals import Principal, PrincipalKind
from costlake.config import Settings
from costlake.db import epoch
from costlake.db.models import ApiKey, RefreshToken, User
from costlake.keys.service import create_key, revoke_key
from costlake.kit.clock import now
from costlake.platform import Platform
from costlake.serving import serve_in_thread


@pytest.mark.parametrize("ttl", [0.0, 600.0])
def test_a_revoked_key_is_refused_on_the_next_request(tmp_path: Path, ttl: float) -> None:
    platform = Platform.start(Settings(home=tmp_path, credential_cache_seconds=ttl))
    try:
        with platform.session() as s:
            key, secret = create_key(s, "acme", "t", ["*"], "cloudexpat")
            key_id = key.id
        with serve_in_thread(platform) as url, httpx.Client(base_url=url) as c:
            headers = {"Authorization": f"Bearer {secret}"}
            assert c.get("/v1/costs/summary", headers=headers).status_code == 200
            assert c.get("/v1/costs/summary", headers=headers).status_code == 200
            with platform.session() as s:
                revoke_key(s, "acme", key_id)
            assert c.get("/v1/costs/summary", headers=headers).status_code == 401
    finally:
        platform.close()


def test_a_deactivated_users_key_is_refused_on_the_next_request(tmp_path: Path) -> None:
    from costlake.users.service import create_user

    platform = Platform.start(Settings(home=tmp_path, credential_cache_seconds=600))
    try:
        with platform.session() as s:
            user = create_user(s, "acme", "ada@acme.test", password="correct horse battery")
            key, secret = create_key(s, "acme", "t", ["*"], "cloudexpat", user=user)
            user_id = user.id
        with serve_in_thread(platform) as url, httpx.Client(base_url=url) as c:
            headers = {"Authorization": f"Bearer {secret}"}
            assert c.get("/v1/costs/summary", headers=headers).status_code == 200
            with platform.session() as s:  # another process would do the same through the DB
                s.execute(update(User).where(User.id == user_id).values(is_active=False))
            assert c.get("/v1/costs/summary", headers=headers).status_code == 401
    finally:
        platform.close()


class TestTheEpoch:
    def test_moves_on_revocation_but_not_on_a_keys_last_use(self, tmp_path: Path) -> None:
        platform = Platform.start(Settings(home=tmp_path))
        try:
            with platform.session() as s:
                key, _ = create_key(s, "acme", "t", ["*"], "cloudexpat")
                key_id = key.id
            before = platform.credentials_epoch()
            with platform.session() as s:
                row = s.get(ApiKey, key_id)
                assert row is not None
                row.last_used_at = now()
            assert platform.credentials_epoch() == before
            with platform.session() as s:
                revoke_key(s, "acme", key_id)
            assert platform.credentials_epoch() == before + 1
        finally:
            platform.close()

    def test_moves_on_a_bulk_revocation_of_sign_ins_and_not_on_their_use(
        self, tmp_path: Path
    ) -> None:
        platform = Platform.start(Settings(home=tmp_path))
        try:
            before = platform.credentials_epoch()
            with platform.session() as s:
                s.execute(update(RefreshToken).values(used_at=now()))
            assert platform.credentials_epoch() == before
            with platform.session() as s:
                s.execute(update(RefreshToken).values(revoked_at=now()))
            assert platform.credentials_epoch() == before + 1
        finally:
            platform.close()

    def test_a_rolled_back_change_leaves_it_alone(self, tmp_path: Path) -> None:
        platform = Platform.start(Settings(home=tmp_path))
        try:
            before = platform.credentials_epoch()
            with pytest.raises(RuntimeError), platform.session() as s:
                s.execute(update(User).values(is_active=False))
                raise RuntimeError("boom")
            assert platform.credentials_epoch() == before
            with platform.session() as s:
                assert epoch.current(s) == before
                assert s.scalars(select(User.id)).all() == []
        finally:
            platform.close()


class TestPrincipalCache:
    who = Principal(PrincipalKind.API_KEY, "acme", "k", frozenset(), None, key_id=1)

    def test_an_entry_is_used_only_under_its_epoch(self) -> None:
        cache = PrincipalCache(600)
        cache.put("api_key", "secret", 7, self.who)
        assert cache.get("api_key", "secret", 7) == self.who
        assert cache.get("api_key", "secret", 8) is None
        assert cache.get("api_key", "other", 7) is None

    def test_an_entry_ends_with_its_time(self) -> None:
        cache = PrincipalCache(0.2)
        cache.put("api_key", "secret", 0, self.who)
        time.sleep(0.25)
        assert cache.get("api_key", "secret", 0) is None

    def test_an_entry_ends_when_its_credential_expires(self) -> None:
        from dataclasses import replace

        cache = PrincipalCache(600)
        cache.put("api_key", "s", 0, replace(self.who, expires_at=now() - timedelta(seconds=1)))
        assert cache.get("api_key", "s", 0) is None
