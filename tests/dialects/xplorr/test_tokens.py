"""Xplorr API tokens over HTTP: create (shown once), list, revoke, exchange for a JWT."""

from __future__ import annotations

from tests.dialects.xplorr.conftest import World
from tests.dialects.xplorr.test_auth import error


class TestTokens:
    def test_create_list_use_exchange_and_revoke(self, world: World) -> None:
        world.user("max@acme.io")
        auth = world.bearer("max@acme.io")
        with world.client() as c:
            r = c.post(
                "/api/v1/tokens", headers=auth, json={"name": "mcp", "scopes": ["costs:read"]}
            )
            assert r.status_code == 201, r.text
            created = r.json()
            secret = created["token"]
            assert secret.startswith("xplorr_") and len(secret) == 47
            assert created["user_email"] == "max@acme.io"
            listed = c.get("/api/v1/tokens?page=1&limit=100", headers=auth).json()
            assert set(listed) == {"data", "total", "page", "limit"}
            mine = [t for t in listed["data"] if t["id"] == created["id"]]
            assert mine and "token" not in mine[0]

            r = c.post("/api/v1/tokens/exchange", headers={"Authorization": f"Bearer {secret}"})
            assert r.status_code == 200, r.text
            jwt = r.json()["access_token"]
            # the exchanged JWT carries the token's scopes only
            error(
                c.get("/api/v1/tokens", headers={"Authorization": f"Bearer {jwt}"}),
                403,
                "FORBIDDEN",
            )

            assert c.delete(f"/api/v1/tokens/{created['id']}", headers=auth).status_code == 204
            r = c.post("/api/v1/tokens/exchange", headers={"Authorization": f"Bearer {secret}"})
            error(r, 401, "UNAUTHORIZED")
            error(
                c.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {jwt}"}),
                401,
                "UNAUTHORIZED",
            )

    def test_a_token_never_grants_more_than_its_maker_holds(self, world: World) -> None:
        world.user("ned@acme.io")
        auth = world.bearer("ned@acme.io")
        with world.client() as c:
            r = c.post("/api/v1/tokens", headers=auth, json={"name": "a", "scopes": ["keys:write"]})
            small = {"Authorization": f"Bearer {r.json()['token']}"}
            r = c.post("/api/v1/tokens", headers=small, json={"name": "b", "scopes": ["*"]})
            assert "cannot grant" in error(r, 403, "FORBIDDEN")
            r = c.post("/api/v1/tokens", headers=auth, json={"name": "c", "scopes": ["bogus:read"]})
            assert "unknown scope" in error(r, 400, "INVALID_REQUEST")

    def test_a_member_sees_and_revokes_only_its_own_tokens(self, world: World) -> None:
        world.user("ola@acme.io", role="admin")
        world.user("pat@acme.io", role="member")
        admin, member = world.bearer("ola@acme.io"), world.bearer("pat@acme.io")
        with world.client() as c:
            theirs = c.post("/api/v1/tokens", headers=admin, json={"name": "admin's"}).json()
            mine = c.post("/api/v1/tokens", headers=member, json={"name": "member's"}).json()
            seen = {
                t["id"] for t in c.get("/api/v1/tokens?limit=100", headers=member).json()["data"]
            }
            assert seen == {mine["id"]}
            error(c.delete(f"/api/v1/tokens/{theirs['id']}", headers=member), 404, "NOT_FOUND")
            all_ids = {
                t["id"] for t in c.get("/api/v1/tokens?limit=100", headers=admin).json()["data"]
            }
            assert {theirs["id"], mine["id"]} <= all_ids

    def test_exchange_without_a_token_and_with_an_org_token(self, world: World) -> None:
        from costlake.dialects.xplorr.keys import XPLORR
        from costlake.keys.service import create_key

        with world.platform.session() as s:
            org_wide = create_key(s, "acme", "org", ["*"], XPLORR)[1]
        with world.client() as c:
            error(c.post("/api/v1/tokens/exchange"), 401, "UNAUTHORIZED")
            r = c.post("/api/v1/tokens/exchange", headers={"Authorization": f"Bearer {org_wide}"})
            assert "belongs to a user" in error(r, 400, "INVALID_REQUEST")

    def test_a_deactivated_users_token_stops_at_once(self, world: World) -> None:
        from costlake.users.service import deactivate, find_user

        world.user("quin@acme.io")
        auth = world.bearer("quin@acme.io")
        with world.client() as c:
            token = c.post("/api/v1/tokens", headers=auth, json={"name": "t"}).json()["token"]
            key = {"Authorization": f"Bearer {token}"}
            assert c.get("/api/v1/tokens", headers=key).status_code == 200
            with world.platform.session() as s:
                deactivate(s, find_user(s, "acme", "quin@acme.io"))
            error(c.get("/api/v1/tokens", headers=key), 401, "UNAUTHORIZED")
