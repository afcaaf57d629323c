"""/users administration over HTTP: per-person grants of cloud accounts, the accounts to
choose from, pending invitations and notification settings."""

from __future__ import annotations

from costlake.accounts.service import AccountSeen, upsert_accounts
from costlake.auth.service import principal_for_session
from costlake.orgs import get_or_create_org
from tests.dialects.xplorr.conftest import World
from tests.dialects.xplorr.test_auth import error


def accounts(world: World, org: str, *ids: str) -> dict[str, int]:
    """Cloud accounts seen in ``org``'s data: provider id -> the id grants use."""
    with world.platform.session() as s:
        found = get_or_create_org(s, org)
        upsert_accounts(s, found, [AccountSeen("aws", i, "sub") for i in ids])
    with world.platform.session() as s:
        from costlake.accounts.service import list_accounts

        return {a.account_id: a.id for a in list_accounts(s, get_or_create_org(s, org))}


class TestAccountGrants:
    def test_grant_list_and_revoke_change_what_the_person_sees(self, world: World) -> None:
        world.user("ad@acc-a.io", role="admin", org="acc-a")
        member_id = world.user("me@acc-a.io", role="member", org="acc-a")
        ids = accounts(world, "acc-a", "111111111111", "222222222222")
        admin = world.bearer("ad@acc-a.io")
        member_token = world.login("me@acc-a.io")["access_token"]
        path = f"/api/v1/users/{member_id}/accounts"
        with world.client() as c:
            available = c.get("/api/v1/users/available-accounts", headers=admin).json()
            assert [a["account_id"] for a in available["data"]] == ["111111111111", "222222222222"]
            assert c.get(path, headers=admin).json()["total"] == 0
            r = c.post(path, headers=admin, json={"account_ids": [ids["111111111111"]]})
            assert r.status_code == 201, r.text
            assert [a["account_id"] for a in r.json()["data"]] == ["111111111111"]
            r = c.post(path, headers=admin, json={"account_id": ids["111111111111"]})
            assert r.json()["total"] == 1  # granting twice is harmless
        with world.platform.session() as s:
            who = principal_for_session(s, world.platform.session_tokens, str(member_token))
            assert who.account_ids == ("111111111111",)
        with world.client() as c:
            r = c.delete(f"{path}/{ids['111111111111']}", headers=admin)
            assert r.status_code == 204
            assert c.get(path, headers=admin).json()["data"] == []
            r = c.delete(f"{path}/{ids['111111111111']}", headers=admin)
            assert "no grant" in error(r, 404, "NOT_FOUND")
        with world.platform.session() as s:
            who = principal_for_session(s, world.platform.session_tokens, str(member_token))
            assert who.account_ids == ()

    def test_refusals(self, world: World) -> None:
        admin_id = world.user("ad@acc-b.io", role="admin", org="acc-b")
        member_id = world.user("me@acc-b.io", role="member", org="acc-b")
        outsider = world.user("ad@acc-c.io", role="admin", org="acc-c")
        mine = accounts(world, "acc-b", "333333333333")["333333333333"]
        theirs = accounts(world, "acc-c", "444444444444")["444444444444"]
        admin, member = world.bearer("ad@acc-b.io"), world.bearer("me@acc-b.io")
        path = f"/api/v1/users/{member_id}/accounts"
        with world.client() as c:
            for r in (
                c.get("/api/v1/users/available-accounts", headers=member),
                c.get(path, headers=member),
                c.post(f"/api/v1/users/{member_id}/accounts", headers=member,
                       json={"account_id": mine}),
                c.delete(f"{path}/{mine}", headers=member),
            ):  # fmt: skip
                assert "only an admin" in error(r, 403, "FORBIDDEN")
            r = c.post(path, headers=admin, json={"account_ids": [theirs]})
            assert f"no cloud account {theirs}" in error(r, 404, "NOT_FOUND")
            r = c.post(
                f"/api/v1/users/{outsider}/accounts", headers=admin, json={"account_id": mine}
            )
            error(r, 404, "NOT_FOUND")
            error(c.get(f"/api/v1/users/{outsider}/accounts", headers=admin), 404, "NOT_FOUND")
            r = c.post(path, headers=admin, json={})
            assert "account_ids" in error(r, 400, "INVALID_REQUEST")
            error(c.post(path, headers=admin, json={"account_ids": ["x"]}), 400, "INVALID_REQUEST")
            error(c.post(path, headers=admin, json={"accounts": [mine]}), 400, "INVALID_REQUEST")
            error(c.get("/api/v1/users/abc/accounts", headers=admin), 400, "INVALID_REQUEST")
            huge = 2**70  # more than the database's ids hold: refused, never a 500
            error(c.post(path, headers=admin, json={"account_ids": [huge]}), 400, "INVALID_REQUEST")
            error(c.delete(f"{path}/{huge}", headers=admin), 400, "INVALID_REQUEST")
            assert c.get(f"/api/v1/users/{admin_id}/accounts", headers=admin).is_success


class TestPendingInvitations:
    def test_lists_the_invited_not_yet_accepted(self, world: World) -> None:
        world.user("ad@inv-a.io", role="admin", org="inv-a")
        world.user("me@inv-a.io", role="member", org="inv-a")
        admin, member = world.bearer("ad@inv-a.io"), world.bearer("me@inv-a.io")
        with world.client() as c:
            error(c.get("/api/v1/users/invitations/list", headers=member), 403, "FORBIDDEN")
            for email in ("one@inv-a.io", "two@inv-a.io", "one@inv-a.io"):
                c.post("/api/v1/auth/invite", headers=admin, json={"email": email, "role": "admin"})
            page = c.get("/api/v1/users/invitations/list", headers=admin).json()
            assert sorted(i["email"] for i in page["data"]) == ["one@inv-a.io", "two@inv-a.io"]
            assert page["total"] == 2 and page["data"][0]["role"] == "admin"
            assert all(i["status"] == "pending" for i in page["data"])


class TestNotificationPreferences:
    def test_defaults_then_partial_updates_per_person(self, world: World) -> None:
        world.user("ad@pref-a.io", role="admin", org="pref-a")
        world.user("me@pref-a.io", role="member", org="pref-a")
        admin, member = world.bearer("ad@pref-a.io"), world.bearer("me@pref-a.io")
        path = "/api/v1/users/notification-preferences"
        with world.client() as c:
            before = c.get(path, headers=member).json()
            assert before["email_anomalies"] is True and before["slack_anomalies"] is False
            r = c.patch(path, headers=member, json={"email_anomalies": False})
            assert r.json() == {**before, "email_anomalies": False}
            assert c.get(path, headers=member).json()["email_anomalies"] is False
            assert c.get(path, headers=admin).json()["email_anomalies"] is True  # its own
            error(c.patch(path, headers=member, json={"sms": True}), 400, "INVALID_REQUEST")
            r = c.patch(path, headers=member, json={"email_anomalies": "no"})
            error(r, 400, "INVALID_REQUEST")
            assert "name at least one" in error(c.patch(path, headers=member, json={}), 400,
                                                "INVALID_REQUEST")  # fmt: skip
