"""/organizations over HTTP: the current org, renaming, figures and closing it (which
deletes its metadata and its lake, and nothing of another org)."""

from __future__ import annotations

from pathlib import Path

from costlake.db.models import Org, User
from costlake.orgs import get_org
from costlake.sources.service import ingest_files
from tests.dialects.xplorr.conftest import World
from tests.dialects.xplorr.test_auth import error
from tests.lake.helpers import focus_file

CONFIRM = {"x-confirm-close": "DELETE_MY_ORGANIZATION"}


class TestCurrentOrg:
    def test_anyone_reads_it_only_an_admin_renames_it(self, world: World) -> None:
        world.user("ad@org-a.io", role="admin", org="org-a")
        world.user("me@org-a.io", role="member", org="org-a")
        admin, member = world.bearer("ad@org-a.io"), world.bearer("me@org-a.io")
        with world.client() as c:
            org = c.get("/api/v1/organizations/current", headers=member).json()
            assert (org["slug"], org["name"], org["require_2fa"]) == ("org-a", "org-a", False)
            r = c.patch("/api/v1/organizations/current", headers=member, json={"name": "Mine"})
            assert "only an admin" in error(r, 403, "FORBIDDEN")
            r = c.patch("/api/v1/organizations/current", headers=admin, json={"name": "  "})
            assert "1-200 characters" in error(r, 400, "INVALID_REQUEST")
            r = c.patch("/api/v1/organizations/current", headers=admin, json={"name": "x" * 201})
            error(r, 400, "INVALID_REQUEST")
            r = c.patch("/api/v1/organizations/current", headers=admin, json={"name": " Org A "})
            assert (r.json()["name"], r.json()["slug"]) == ("Org A", "org-a")
            assert c.get("/api/v1/organizations/current", headers=member).json()["name"] == "Org A"


class TestStats:
    def test_counts_people_tokens_accounts_and_the_lake(self, world: World, tmp_path: Path) -> None:
        world.user("ad@org-b.io", role="admin", org="org-b")
        world.user("me@org-b.io", role="member", org="org-b")
        admin, member = world.bearer("ad@org-b.io"), world.bearer("me@org-b.io")
        bill = focus_file(tmp_path / "sep.parquet", month=9, rows=12, cost="1")
        ingest_files(world.platform, [bill], org="org-b", source="aws")
        with world.client() as c:
            error(c.get("/api/v1/organizations/stats", headers=member), 403, "FORBIDDEN")
            c.post("/api/v1/auth/invite", headers=admin, json={"email": "new@org-b.io"})
            c.post("/api/v1/tokens", headers=admin, json={"name": "ci"})
            stats = c.get("/api/v1/organizations/stats", headers=admin).json()
        assert (stats["users"], stats["active_users"], stats["admins"]) == (2, 2, 1)
        assert (stats["pending_invitations"], stats["api_tokens"]) == (1, 1)
        # the invitation, the token and the two sign-ins
        assert stats["cloud_accounts"] == 1 and stats["audit_entries"] == 4
        data = stats["data"]
        assert (data["sources"], data["partitions"], data["rows"]) == (["aws"], 1, 12)
        assert data["first_period"] == data["last_period"] == "2024-09"


class TestClose:
    def test_refusals_change_nothing(self, world: World) -> None:
        world.user("ad@org-c.io", role="admin", org="org-c")
        world.user("me@org-c.io", role="member", org="org-c")
        admin, member = world.bearer("ad@org-c.io"), world.bearer("me@org-c.io")
        with world.client() as c:
            r = c.delete("/api/v1/organizations/close", headers={**member, **CONFIRM})
            assert "only an admin" in error(r, 403, "FORBIDDEN")
            r = c.delete("/api/v1/organizations/close", headers=admin)
            assert "DELETE_MY_ORGANIZATION" in error(r, 400, "INVALID_REQUEST")
            wrong = {**admin, "x-confirm-close": "delete_my_organization"}
            error(c.delete("/api/v1/organizations/close", headers=wrong), 400, "INVALID_REQUEST")
            assert c.get("/api/v1/organizations/current", headers=admin).is_success

    def test_deletes_metadata_and_lake_and_says_what(self, world: World, tmp_path: Path) -> None:
        admin_id = world.user("ad@org-d.io", role="admin", org="org-d")
        world.user("me@org-d.io", role="member", org="org-d")
        world.user("ad@org-e.io", role="admin", org="org-e")
        for org in ("org-d", "org-e"):
            bill = focus_file(tmp_path / f"{org}.parquet", month=9, rows=7, cost="1")
            ingest_files(world.platform, [bill], org=org, source="aws")
        admin = world.bearer("ad@org-d.io")
        with world.client() as c:
            token = c.post("/api/v1/tokens", headers=admin, json={"name": "ci"}).json()["token"]
            r = c.delete("/api/v1/organizations/close", headers={**admin, **CONFIRM})
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["closed"] is True and body["organization"]["slug"] == "org-d"
            deleted = body["deleted"]
            assert deleted["lake"] == {"partitions": 1, "rows": 7, "files": 3, "sources": ["aws"]}
            meta = deleted["metadata"]
            assert (meta["orgs"], meta["users"], meta["api_keys"], meta["cloud_accounts"]) == (
                1, 2, 1, 1,
            )  # fmt: skip
            assert meta["refresh_tokens"] >= 1 and meta["audit_log"] == 2  # sign-in, token
            error(c.get("/api/v1/auth/me", headers=admin), 401, "UNAUTHORIZED")
            r = c.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"})
            error(r, 401, "UNAUTHORIZED")
            assert world.bearer("ad@org-e.io")  # the other org still signs in
        with world.platform.session() as s:
            assert s.query(Org).filter_by(slug="org-d").one_or_none() is None
            assert s.get(User, admin_id) is None
            assert get_org(s, "org-e") is not None
        assert world.platform.lake.snapshot("org-d").is_empty
        assert not world.platform.lake.org_dir("org-d").exists()
        assert world.platform.lake.snapshot("org-e").rows == 7
