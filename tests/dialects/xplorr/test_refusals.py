"""Refusals not covered by the flows: a credential that is not a person, 2FA set up twice,
a second factor before setup, an e-mail in two orgs, a bad page."""

from __future__ import annotations

import pyotp

from costlake.dialects.xplorr.keys import XPLORR
from costlake.keys.service import create_key
from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.test_auth import error


class TestRefusals:
    def test_me_with_an_org_wide_token_is_404(self, world: World) -> None:
        with world.platform.session() as s:
            token = create_key(s, "acme", "org", ["*"], XPLORR)[1]
        with world.client() as c:
            r = c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert "belongs to the org" in error(r, 404, "NOT_FOUND")

    def test_2fa_confirm_before_setup_and_setup_twice_are_refused(self, world: World) -> None:
        world.user("rae@acme.io")
        auth = world.bearer("rae@acme.io")
        with world.client() as c:
            r = c.post("/api/v1/auth/2fa/confirm", headers=auth, json={"code": "123456"})
            assert "start two-factor setup first" in error(r, 400, "INVALID_REQUEST")
            r = c.post("/api/v1/auth/2fa/disable", headers=auth, json={"code": "123456"})
            assert "not on" in error(r, 400, "INVALID_REQUEST")
            secret = c.post("/api/v1/auth/2fa/setup", headers=auth).json()["secret"]
            code = pyotp.TOTP(secret).now()
            assert (
                c.post("/api/v1/auth/2fa/confirm", headers=auth, json={"code": code}).status_code
                == 200
            )
            r = c.post("/api/v1/auth/2fa/setup", headers=auth)
            assert "already on" in error(r, 400, "INVALID_REQUEST")

    def test_an_email_in_two_orgs_with_one_password_must_name_the_org(self, world: World) -> None:
        world.user("sam@acme.io", org="acme")
        world.user("sam@acme.io", org="globex")
        with world.client() as c:
            r = c.post("/api/v1/auth/login", json={"email": "sam@acme.io", "password": PASSWORD})
            assert "send organization" in error(r, 400, "INVALID_REQUEST")
            r = c.post(
                "/api/v1/auth/login",
                json={"email": "sam@acme.io", "password": PASSWORD, "organization": "globex"},
            )
        assert r.status_code == 200, r.text
        assert r.json()["user"]["organization"]["slug"] == "globex"

    def test_a_bad_page_and_a_non_json_body_are_400(self, world: World) -> None:
        with world.platform.session() as s:
            token = create_key(s, "acme", "org", ["*"], XPLORR)[1]
        with world.client() as c:
            headers = {"Authorization": f"Bearer {token}"}
            error(c.get("/api/v1/tokens?page=0", headers=headers), 400, "INVALID_REQUEST")
            r = c.post(
                "/api/v1/auth/login",
                content=b"not json",
                headers={"Content-Type": "application/json"},
            )
            assert "not valid JSON" in error(r, 400, "INVALID_REQUEST")
