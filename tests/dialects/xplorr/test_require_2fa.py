"""PATCH /organizations/require-2fa, enforced at sign-in: a person without 2FA gets a
session that may only set it up."""

from __future__ import annotations

import pyotp

from tests.dialects.xplorr.conftest import World
from tests.dialects.xplorr.test_auth import error


class TestRequire2fa:
    def test_only_an_admin_sets_it_and_a_person_without_2fa_can_only_set_it_up(
        self, world: World
    ) -> None:
        world.user("ari@umbra.io", role="admin", org="umbra")
        world.user("bea@umbra.io", role="member", org="umbra")
        admin_tokens = world.login("ari@umbra.io")
        admin = {"Authorization": f"Bearer {admin_tokens['access_token']}"}
        member = world.bearer("bea@umbra.io")
        with world.client() as c:
            r = c.patch("/api/v1/organizations/require-2fa", headers=member, json={"enabled": True})
            assert "only an admin" in error(r, 403, "FORBIDDEN")
            r = c.patch("/api/v1/organizations/require-2fa", headers=admin, json={"enabled": True})
            assert r.json() == {"require_2fa": True}

            signed = world.login("bea@umbra.io")
            assert signed["two_factor_setup_required"] is True
            limited = {"Authorization": f"Bearer {signed['access_token']}"}
            error(c.get("/api/v1/tokens", headers=limited), 403, "FORBIDDEN")
            assert c.get("/api/v1/auth/me", headers=limited).status_code == 200
            secret = c.post("/api/v1/auth/2fa/setup", headers=limited).json()["secret"]
            code = pyotp.TOTP(secret).now()
            r = c.post("/api/v1/auth/2fa/confirm", headers=limited, json={"code": code})
            assert r.status_code == 200, r.text
            # the next sign-in is a 2FA challenge, and its tokens are full ones
            r = c.post(
                "/api/v1/auth/login",
                json={"email": "bea@umbra.io", "password": "correct horse battery"},
            )
            assert r.json()["requires_2fa"] is True
            # a session from before the rule is limited at its next refresh (the admin has no 2FA)
            r = c.post(
                "/api/v1/auth/refresh", json={"refresh_token": admin_tokens["refresh_token"]}
            )
            assert r.json()["two_factor_setup_required"] is True
            renewed = {"Authorization": f"Bearer {r.json()['access_token']}"}
            error(c.get("/api/v1/tokens", headers=renewed), 403, "FORBIDDEN")
