"""Invitations over HTTP: an admin invites, the person accepts by the mailed token and is
signed in to the inviting org with the invited role."""

from __future__ import annotations

import pytest

from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.test_auth import error
from tests.users.conftest import Inbox


class TestInvitations:
    def test_a_member_cannot_invite(self, world: World) -> None:
        world.user("tom@acme.io", role="member")
        with world.client() as c:
            r = c.post(
                "/api/v1/auth/invite", headers=world.bearer("tom@acme.io"),
                json={"email": "new@acme.io"},
            )  # fmt: skip
        assert "only an admin" in error(r, 403, "FORBIDDEN")

    def test_invite_check_accept_and_sign_in(self, world: World, inbox: Inbox) -> None:
        world.user("uma@acme.io", role="admin")
        admin = world.bearer("uma@acme.io")
        with world.client() as c:
            r = c.post(
                "/api/v1/auth/invite",
                headers=admin,
                json={"email": "Vic@Initech.io", "role": "member"},
            )
            assert r.status_code == 201, r.text
            to, token = inbox.token()
            assert to == "vic@initech.io"
            error(c.get("/api/v1/auth/invitation/not-a-token"), 404, "NOT_FOUND")
            status = c.get(f"/api/v1/auth/invitation/{token}").json()
            assert (status["status"], status["organization"], status["role"]) == (
                "pending",
                "acme",
                "member",
            )
            # invited but not accepted: no sign-in yet
            r = c.post("/api/v1/auth/login", json={"email": "vic@initech.io", "password": PASSWORD})
            error(r, 401, "UNAUTHORIZED")
            r = c.post("/api/v1/auth/accept-invitation", json={"token": token, "password": "x"})
            assert "10 to 256" in error(r, 400, "INVALID_REQUEST")
            r = c.post(
                "/api/v1/auth/accept-invitation",
                json={"token": token, "password": PASSWORD, "name": "Vic"},
            )
            assert r.status_code == 201, r.text
            user = r.json()["user"]
            assert (user["email"], user["role"], user["organization"]["slug"]) == (
                "vic@initech.io",
                "member",
                "acme",
            )
            assert user["email_verified"] is True
            assert c.get(f"/api/v1/auth/invitation/{token}").json()["status"] == "accepted"
            r = c.post(
                "/api/v1/auth/accept-invitation", json={"token": token, "password": PASSWORD}
            )
            assert "invalid or has expired" in error(r, 400, "INVALID_REQUEST")
            r = c.post("/api/v1/auth/invite", headers=admin, json={"email": "vic@initech.io"})
            assert "already a member" in error(r, 400, "INVALID_REQUEST")
        assert world.login("vic@initech.io")["user"]["role"] == "member"

    def test_invite_only_signup_points_at_invitations(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(world.platform.signin, "signup_mode", "invite-only")
        with world.client() as c:
            r = c.post(
                "/api/v1/auth/signup", json={"email": "wes@vandelay.io", "password": PASSWORD}
            )
        assert "by invitation" in error(r, 403, "FORBIDDEN")
