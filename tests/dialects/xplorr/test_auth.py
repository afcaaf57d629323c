"""Xplorr's sign-in endpoints over real HTTP: every endpoint and its refusals."""

from __future__ import annotations

import httpx
import pytest

from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.users.conftest import Inbox


def error(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "status"}
    assert (body["error"]["code"], body["error"]["status"]) == (code, status)
    return str(body["error"]["message"])


class TestSignup:
    def test_refuses_a_free_mail_address(self, world: World) -> None:
        with world.client() as c:
            r = c.post("/api/v1/auth/signup", json={"email": "bo@gmail.com", "password": PASSWORD})
        assert "business e-mail" in error(r, 400, "INVALID_REQUEST")

    def test_refuses_a_weak_password_and_a_missing_field(self, world: World) -> None:
        with world.client() as c:
            r = c.post("/api/v1/auth/signup", json={"email": "bo@initech.io", "password": "x"})
            assert "10 to 256" in error(r, 400, "INVALID_REQUEST")
            r = c.post("/api/v1/auth/signup", json={"email": "bo@initech.io"})
            assert "password" in error(r, 400, "INVALID_REQUEST")

    def test_creates_an_org_and_its_admin_and_mails_a_verification(
        self, world: World, inbox: Inbox
    ) -> None:
        with world.client() as c:
            r = c.post(
                "/api/v1/auth/signup",
                json={"email": "Cy@Umbrella.io", "password": PASSWORD,
                      "organization_name": "Umbrella Corp"},
            )  # fmt: skip
            assert r.status_code == 201, r.text
            body = r.json()
            assert body["user"]["role"] == "admin"
            assert body["user"]["organization"] == {
                "slug": "umbrella-corp",
                "name": "Umbrella Corp",
            }
            assert body["user"]["email_verified"] is False
            to, token = inbox.token()
            assert to == "cy@umbrella.io"
            auth = {"Authorization": f"Bearer {body['access_token']}"}
            r = c.post("/api/v1/auth/verify-email", json={"token": token})
            assert r.status_code == 200, r.text
            assert c.get("/api/v1/auth/me", headers=auth).json()["email_verified"] is True
            r = c.post("/api/v1/auth/verify-email", json={"token": token})
            assert "invalid or has expired" in error(r, 400, "INVALID_REQUEST")
            again = c.post(
                "/api/v1/auth/signup", json={"email": "cy@umbrella.io", "password": PASSWORD}
            )
            assert "exists" in error(again, 400, "INVALID_REQUEST")

    def test_resend_verification_answers_the_same_for_any_address(
        self, world: World, inbox: Inbox
    ) -> None:
        with world.client() as c:
            r = c.post("/api/v1/auth/signup", json={"email": "di@hooli.io", "password": PASSWORD})
            assert r.status_code == 201
            inbox.token()
            known = c.post("/api/v1/auth/resend-verification", json={"email": "di@hooli.io"})
            unknown = c.post("/api/v1/auth/resend-verification", json={"email": "no@hooli.io"})
        assert known.status_code == unknown.status_code == 200
        assert known.json() == unknown.json()
        assert inbox.token()[0] == "di@hooli.io"

    def test_signup_mode_off_refuses(self, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(world.platform.signin, "signup_mode", "off")
        with world.client() as c:
            r = c.post("/api/v1/auth/signup", json={"email": "ed@pied.io", "password": PASSWORD})
        assert "switched off" in error(r, 403, "FORBIDDEN")


class TestLogin:
    def test_a_wrong_password_and_an_unknown_email_are_the_same_401(self, world: World) -> None:
        world.user("fay@acme.io")
        with world.client() as c:
            wrong = c.post(
                "/api/v1/auth/login", json={"email": "fay@acme.io", "password": "nope nope nope"}
            )
            unknown = c.post(
                "/api/v1/auth/login", json={"email": "zed@acme.io", "password": PASSWORD}
            )
        assert error(wrong, 401, "UNAUTHORIZED") == error(unknown, 401, "UNAUTHORIZED")

    def test_login_me_refresh_and_logout(self, world: World) -> None:
        world.user("gus@acme.io", role="member")
        tokens = world.login("gus@acme.io")
        assert tokens["token_type"] == "Bearer" and tokens["expires_in"] == 900
        with world.client() as c:
            auth = {"Authorization": f"Bearer {tokens['access_token']}"}
            me = c.get("/api/v1/auth/me", headers=auth).json()
            assert (me["email"], me["role"], me["organization"]["slug"]) == (
                "gus@acme.io",
                "member",
                "acme",
            )
            r = c.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            assert r.status_code == 200, r.text
            renewed = r.json()
            auth = {"Authorization": f"Bearer {renewed['access_token']}"}
            assert c.get("/api/v1/auth/me", headers=auth).status_code == 200
            r = c.post("/api/v1/auth/logout", json={"refresh_token": renewed["refresh_token"]})
            assert r.status_code == 200
            error(c.get("/api/v1/auth/me", headers=auth), 401, "UNAUTHORIZED")
            r = c.post("/api/v1/auth/refresh", json={"refresh_token": renewed["refresh_token"]})
            error(r, 401, "UNAUTHORIZED")

    def test_a_reused_refresh_token_revokes_its_whole_family(self, world: World) -> None:
        world.user("hal@acme.io")
        tokens = world.login("hal@acme.io")
        with world.client() as c:
            new = c.post(
                "/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]}
            ).json()
            stolen = c.post("/api/v1/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
            assert "already used" in error(stolen, 401, "UNAUTHORIZED")
            r = c.post("/api/v1/auth/refresh", json={"refresh_token": new["refresh_token"]})
            error(r, 401, "UNAUTHORIZED")
            auth = {"Authorization": f"Bearer {new['access_token']}"}
            error(c.get("/api/v1/auth/me", headers=auth), 401, "UNAUTHORIZED")

    def test_me_without_a_credential_is_401(self, world: World) -> None:
        with world.client() as c:
            error(c.get("/api/v1/auth/me"), 401, "UNAUTHORIZED")

    def test_a_deactivated_user_is_refused_at_once(self, world: World) -> None:
        from costlake.users.service import deactivate, find_user

        world.user("ida@acme.io")
        auth = world.bearer("ida@acme.io")
        with world.platform.session() as s:
            deactivate(s, find_user(s, "acme", "ida@acme.io"))
        with world.client() as c:
            error(c.get("/api/v1/auth/me", headers=auth), 401, "UNAUTHORIZED")
            r = c.post("/api/v1/auth/login", json={"email": "ida@acme.io", "password": PASSWORD})
            error(r, 401, "UNAUTHORIZED")


class TestPasswords:
    def test_forgot_answers_the_same_and_mails_only_a_known_address(
        self, world: World, inbox: Inbox
    ) -> None:
        world.user("jo@acme.io")
        with world.client() as c:
            unknown = c.post("/api/v1/auth/forgot-password", json={"email": "nobody@acme.io"})
            known = c.post("/api/v1/auth/forgot-password", json={"email": "jo@acme.io"})
            assert unknown.status_code == known.status_code == 200
            assert unknown.json() == known.json()
            to, token = inbox.token()
            assert to == "jo@acme.io"
            r = c.post("/api/v1/auth/reset-password", json={"token": token, "password": "x"})
            assert "10 to 256" in error(r, 400, "INVALID_REQUEST")
            r = c.post(
                "/api/v1/auth/reset-password", json={"token": token, "password": "a fresh password"}
            )
            assert r.status_code == 200, r.text
            r = c.post(
                "/api/v1/auth/reset-password", json={"token": token, "password": "another password"}
            )
            assert "invalid or has expired" in error(r, 400, "INVALID_REQUEST")
        assert world.login("jo@acme.io", "a fresh password")["access_token"]

    def test_reset_password_is_limited_to_5_per_30_minutes(self, world: World) -> None:
        with world.client() as c:
            for _ in range(5):
                r = c.post(
                    "/api/v1/auth/reset-password", json={"token": "guess", "password": PASSWORD}
                )
                error(r, 400, "INVALID_REQUEST")
            r = c.post("/api/v1/auth/reset-password", json={"token": "guess", "password": PASSWORD})
            error(r, 429, "RATE_LIMITED")
            assert int(r.headers["Retry-After"]) > 0

    def test_change_password_signs_out_the_other_sessions(self, world: World) -> None:
        world.user("kim@acme.io")
        here, there = world.bearer("kim@acme.io"), world.bearer("kim@acme.io")
        with world.client() as c:
            r = c.post(
                "/api/v1/auth/change-password", headers=here,
                json={"current_password": "wrong password", "new_password": "a new password"},
            )  # fmt: skip
            error(r, 403, "FORBIDDEN")
            r = c.post(
                "/api/v1/auth/change-password", headers=here,
                json={"current_password": PASSWORD, "new_password": "a new password"},
            )  # fmt: skip
            assert r.status_code == 200, r.text
            assert c.get("/api/v1/auth/me", headers=here).status_code == 200
            error(c.get("/api/v1/auth/me", headers=there), 401, "UNAUTHORIZED")
