"""Brute force: the log-in limit holds for a flood of wrong passwords, and the victim still
signs in from another address with the right one."""

from __future__ import annotations

import pytest

from tests.dialects.windows import within_one_window
from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.test_auth import error


def test_a_flood_of_wrong_passwords_is_stopped_but_the_victim_signs_in_elsewhere(
    world: World,
) -> None:
    world.user("victim@acme.io")
    within_one_window()
    refused = 0
    with world.client("203.0.113.66") as attacker:
        for i in range(30):
            r = attacker.post(
                "/api/v1/auth/login", json={"email": "victim@acme.io", "password": f"guess {i:04}!"}
            )
            if r.status_code == 429:
                refused += 1
                assert int(r.headers["Retry-After"]) > 0
                error(r, 429, "RATE_LIMITED")
            else:
                error(r, 401, "UNAUTHORIZED")
        # even the right password is refused from the flooding address now
        r = attacker.post(
            "/api/v1/auth/login", json={"email": "victim@acme.io", "password": PASSWORD}
        )
        error(r, 429, "RATE_LIMITED")
    assert refused == 10  # 20 tries per 15 minutes, then nothing
    with world.client("198.51.100.7") as victim:
        r = victim.post(
            "/api/v1/auth/login", json={"email": "victim@acme.io", "password": PASSWORD}
        )
    assert r.status_code == 200, r.text
    assert r.json()["user"]["email"] == "victim@acme.io"


def test_one_address_trying_many_emails_is_capped_per_address(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from costlake.dialects.framework.ratelimit import RateLimitClass
    from costlake.dialects.xplorr.dialect import Xplorr

    # the cap is 100 per 15 minutes; a smaller one shows the same rule in fewer requests
    limits = {**Xplorr.rate_limits, "login_address": RateLimitClass(5, 900)}
    monkeypatch.setattr(Xplorr, "rate_limits", limits)
    within_one_window()
    with world.client("203.0.113.99") as sprayer:
        answers = [
            sprayer.post(
                "/api/v1/auth/login", json={"email": f"u{i}@acme.io", "password": "guess guess"}
            )
            for i in range(7)
        ]
    assert [a.status_code for a in answers] == [401] * 5 + [429] * 2
    with world.client("198.51.100.99") as elsewhere:
        r = elsewhere.post(
            "/api/v1/auth/login", json={"email": "u1@acme.io", "password": "guess guess"}
        )
    error(r, 401, "UNAUTHORIZED")
