"""A revoked key is refused within the credential cache's time, and at once without it."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from costlake.config import Settings
from costlake.keys.service import create_key, revoke_key
from costlake.platform import Platform
from costlake.serving import serve_in_thread


@pytest.mark.parametrize("ttl", [0.0, 0.5])
def test_a_revoked_key_is_refused_once_the_cache_time_has_passed(
    tmp_path: Path, ttl: float
) -> None:
    platform = Platform.start(Settings(home=tmp_path, credential_cache_seconds=ttl))
    try:
        with platform.session() as s:
            key, secret = create_key(s, "acme", "t", ["*"], "cloudexpat")
            key_id = key.id
        with serve_in_thread(platform) as url, httpx.Client(base_url=url) as c:
            headers = {"Authorization": f"Bearer {secret}"}
            assert c.get("/v1/costs/summary", headers=headers).status_code == 200
            with platform.session() as s:
                revoke_key(s, "acme", key_id)
            time.sleep(ttl + 0.05)
            assert c.get("/v1/costs/summary", headers=headers).status_code == 401
    finally:
        platform.close()


def test_the_cache_does_not_keep_a_credential_longer_than_its_time() -> None:
    from costlake.auth.cache import PrincipalCache
    from costlake.auth.principals import Principal, PrincipalKind

    who = Principal(PrincipalKind.API_KEY, "acme", "k", frozenset(), None, key_id=1)
    cache = PrincipalCache(0.2)
    cache.put("api_key", "secret", who)
    assert cache.get("api_key", "secret") == who and cache.get("api_key", "other") is None
    time.sleep(0.25)
    assert cache.get("api_key", "secret") is None
