"""/users over HTTP: an admin sees and manages everyone of its org, a member only itself."""

from __future__ import annotations

from tests.dialects.xplorr.conftest import World
from tests.dialects.xplorr.test_auth import error


class TestUsers:
    def test_a_member_sees_only_itself_and_an_admin_everyone_of_its_org(self, world: World) -> None:
        admin_id = world.user("ada@lumen.io", role="admin", org="lumen")
        member_id = world.user("ben@lumen.io", role="member", org="lumen")
        outsider = world.user("cal@other.io", role="admin", org="other")
        admin, member = world.bearer("ada@lumen.io"), world.bearer("ben@lumen.io")
        with world.client() as c:
            page = c.get("/api/v1/users", headers=member).json()
            assert [u["id"] for u in page["data"]] == [member_id]
            assert (page["total"], page["page"]) == (1, 1)
            ids = {u["id"] for u in c.get("/api/v1/users", headers=admin).json()["data"]}
            assert ids == {admin_id, member_id}
            error(c.get(f"/api/v1/users/{admin_id}", headers=member), 404, "NOT_FOUND")
            error(c.get(f"/api/v1/users/{outsider}", headers=admin), 404, "NOT_FOUND")
            assert (
                c.get(f"/api/v1/users/{member_id}", headers=admin).json()["email"] == "ben@lumen.io"
            )

    def test_roles_change_by_admins_only_and_the_last_admin_stays(self, world: World) -> None:
        admin_id = world.user("dee@nova.io", role="admin", org="nova")
        member_id = world.user("eli@nova.io", role="member", org="nova")
        admin, member = world.bearer("dee@nova.io"), world.bearer("eli@nova.io")
        with world.client() as c:
            r = c.patch(f"/api/v1/users/{member_id}", headers=member, json={"role": "admin"})
            assert "only an admin" in error(r, 403, "FORBIDDEN")
            r = c.patch(f"/api/v1/users/{member_id}", headers=member, json={"name": "Eli"})
            assert r.json()["name"] == "Eli"
            r = c.patch(f"/api/v1/users/{admin_id}", headers=admin, json={"role": "member"})
            assert "last admin" in error(r, 400, "INVALID_REQUEST")
            r = c.patch(f"/api/v1/users/{member_id}", headers=admin, json={"role": "owner"})
            assert "admin or member" in error(r, 400, "INVALID_REQUEST")
            error(c.delete(f"/api/v1/users/{admin_id}", headers=member), 403, "FORBIDDEN")
            assert "last admin" in error(
                c.delete(f"/api/v1/users/{admin_id}", headers=admin), 400, "INVALID_REQUEST"
            )
            r = c.delete(f"/api/v1/users/{member_id}", headers=admin)
            assert r.status_code == 200 and r.json()["is_active"] is False
            error(c.get("/api/v1/auth/me", headers=member), 401, "UNAUTHORIZED")
