"""A forged key that shares a used key's beginning is refused over HTTP too, whatever the
server memoises about keys it has already verified."""

from __future__ import annotations

import pytest

from tests.dialects.cloudexpat.conftest import World


@pytest.mark.parametrize("keep", [16, 24, 39])
def test_a_forged_key_sharing_a_used_keys_prefix_is_401(world: World, keep: int) -> None:
    key = world.new_key()
    assert world.server.client(Authorization=f"Bearer {key}").get("/v1/costs/summary").is_success
    forged = key[:keep] + "".join("b" if c == "a" else "a" for c in key[keep:])
    assert len(forged) == len(key) and forged != key
    r = world.server.client(Authorization=f"Bearer {forged}").get("/v1/costs/summary")
    assert r.status_code == 401 and r.json()["code"] == "INVALID_API_KEY"
