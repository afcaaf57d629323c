"""The audit log over HTTP: Xplorr's writes land in it, admins read, filter and export it
(streamed CSV); members and other orgs are refused."""

from __future__ import annotations

import csv
import io

from costlake.audit.schemas import Actor, Event
from costlake.audit.service import record
from tests.dialects.xplorr.conftest import PASSWORD, World
from tests.dialects.xplorr.test_auth import error


class TestAuditLog:
    def test_a_member_is_refused_everywhere(self, world: World) -> None:
        world.user("mo@audit-a.io", role="member", org="audit-a")
        member = world.bearer("mo@audit-a.io")
        with world.client() as c:
            for path in ("/api/v1/audit", "/api/v1/audit/actions", "/api/v1/audit/export"):
                assert "only an admin" in error(c.get(path, headers=member), 403, "FORBIDDEN")

    def test_a_write_is_recorded_with_who_what_target_and_address(self, world: World) -> None:
        world.user("ad@audit-b.io", role="admin", org="audit-b")
        member_id = world.user("me@audit-b.io", role="member", org="audit-b")
        outsider = world.user("ot@audit-c.io", role="admin", org="audit-c")
        admin = world.bearer("ad@audit-b.io")
        with world.client("10.9.8.7") as c:
            assert c.patch(
                f"/api/v1/users/{member_id}", headers=admin, json={"name": "M"}
            ).is_success
            assert c.get(f"/api/v1/users/{member_id}", headers=admin).is_success  # a read
            r = c.patch(f"/api/v1/users/{outsider}", headers=admin, json={"name": "X"})
            error(r, 404, "NOT_FOUND")  # a refused write is not recorded
            created = c.post("/api/v1/tokens", headers=admin, json={"name": "ci"}).json()
            page = c.get("/api/v1/audit", headers=admin).json()
        assert (page["total"], page["page"], page["limit"]) == (3, 1, 25)
        token, update, sign_in = page["data"]
        assert (sign_in["action"], sign_in["user_email"]) == ("auth.sign_in", "ad@audit-b.io")
        assert sign_in["target"] == "user ad@audit-b.io (password)"
        assert token["action"] == "xplorr.tokens.create"
        assert token["target"] == f"/api/v1/tokens -> {created['id']}"
        assert update["action"] == "xplorr.users.update"
        assert update["target"] == f"/api/v1/users/{member_id}"
        assert (update["user_email"], update["actor_type"], update["method"]) == (
            "ad@audit-b.io", "user", "PATCH",
        )  # fmt: skip
        assert (update["ip_address"], update["status"]) == ("10.9.8.7", 200)
        with world.client() as c:
            other = c.get("/api/v1/audit", headers=world.bearer("ot@audit-c.io")).json()
        # another org's admin sees none of it: only its own sign-in
        assert [e["user_email"] for e in other["data"]] == ["ot@audit-c.io"]

    def test_sign_ins_are_recorded_with_how_and_from_where(self, world: World) -> None:
        world.user("ad@audit-s.io", role="admin", org="audit-s")
        with world.client("10.20.30.40") as c:
            r = c.post("/api/v1/auth/login", json={"email": "ad@audit-s.io", "password": PASSWORD})
            assert r.status_code == 200, r.text
            c.post("/api/v1/auth/login", json={"email": "ad@audit-s.io", "password": "wrong!"})
            admin = {"Authorization": f"Bearer {r.json()['access_token']}"}
            page = c.get("/api/v1/audit", headers=admin, params={"action": "auth.sign_in"})
        [entry] = page.json()["data"]  # the failed attempt signed nobody in
        assert (entry["user_email"], entry["ip_address"]) == ("ad@audit-s.io", "10.20.30.40")
        assert entry["target"] == "user ad@audit-s.io (password)"

    def test_filters_and_actions(self, world: World) -> None:
        world.user("ad@audit-d.io", role="admin", org="audit-d")
        admin = world.bearer("ad@audit-d.io")
        with world.client() as c:
            c.post("/api/v1/tokens", headers=admin, json={"name": "one"})
            c.patch("/api/v1/users/notification-preferences", headers=admin,
                    json={"email_monthly_report": True})  # fmt: skip
            actions = c.get("/api/v1/audit/actions", headers=admin).json()["data"]
            assert actions == [
                "auth.sign_in",
                "xplorr.tokens.create",
                "xplorr.users.notification-preferences.update",
            ]
            params = {"action": "xplorr.tokens.create", "user_email": "AD@audit-d.io"}
            assert c.get("/api/v1/audit", headers=admin, params=params).json()["total"] == 1
            params = {"user_email": "nobody@audit-d.io"}
            assert c.get("/api/v1/audit", headers=admin, params=params).json()["total"] == 0
            today = c.get("/api/v1/audit", headers=admin, params={"from": "2000-01-01"}).json()
            assert today["total"] == 3
            future = {"from": "2999-01-01T00:00:00Z"}
            assert c.get("/api/v1/audit", headers=admin, params=future).json()["total"] == 0
            assert (
                c.get("/api/v1/audit", headers=admin, params={"to": "2000-01-01"}).json()["total"]
                == 0
            )
            r = c.get("/api/v1/audit", headers=admin, params={"from": "yesterday"})
            assert "from: use a date" in error(r, 400, "INVALID_REQUEST")
            r = c.get(
                "/api/v1/audit", headers=admin, params={"from": "2026-02-02", "to": "2026-01-01"}
            )
            assert "'to' must be after 'from'" in error(r, 400, "INVALID_REQUEST")
            error(
                c.get("/api/v1/audit", headers=admin, params={"limit": 101}), 400, "INVALID_REQUEST"
            )

    def test_export_streams_csv_newest_first_up_to_the_limit(self, world: World) -> None:
        world.user("ad@audit-e.io", role="admin", org="audit-e")
        with world.platform.session() as s:
            for i in range(1_203):
                who = Actor("user", "ad@audit-e.io", None, "ad@audit-e.io")
                record(s, "audit-e", who, Event(f"bulk.{i % 3}", f"=cmd|{i}", "POST"))
        admin = world.bearer("ad@audit-e.io")
        with world.client() as c, c.stream("GET", "/api/v1/audit/export", headers=admin) as r:
            assert r.status_code == 200
            assert r.headers["content-type"] == "text/csv; charset=utf-8"
            assert "attachment" in r.headers["content-disposition"]
            assert r.headers.get("transfer-encoding") == "chunked"  # streamed, no length
            assert "content-length" not in r.headers
            text = b"".join(r.iter_bytes()).decode()
        rows = list(csv.DictReader(io.StringIO(text)))
        assert len(rows) == 1_204  # and the admin's sign-in, the newest
        assert [int(r["id"]) for r in rows] == sorted((int(r["id"]) for r in rows), reverse=True)
        assert rows[0]["action"] == "auth.sign_in"
        assert rows[1]["target"] == "'=cmd|1202"  # never a spreadsheet formula
        with world.client() as c:
            params = {"action": "bulk.1", "limit": 10}
            r = c.get("/api/v1/audit/export", headers=admin, params=params)
            assert len(list(csv.DictReader(io.StringIO(r.text)))) == 10
            params = {"limit": 10_001}
            error(
                c.get("/api/v1/audit/export", headers=admin, params=params), 400, "INVALID_REQUEST"
            )
