"""Budgets (and costlake's own views) over HTTP: create 201, list with pages and links, get,
replace, delete 204, 404 for unknown and other orgs' ids, 400 naming the bad field,
401/403, and a budget over a view evaluated against the org's real spend."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from costlake.budgets import service
from costlake.budgets.evaluate import evaluate
from tests.dialects.cloudzero.conftest import World

CLOUD = {
    "name": "Cloud",
    "amount": 1200.5,
    "period": "monthly",
    "notifications": [{"threshold": 80, "recipients": ["ops@globex.io"]}],
}


def create(cz: World, org: str = "globex", **body: Any) -> dict[str, Any]:
    with cz.client(org) as c:
        r = c.post("/v2/budgets", json={**CLOUD, **body})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def view(cz: World, org: str = "globex", **body: Any) -> dict[str, Any]:
    with cz.client(org) as c:
        r = c.post(
            "/v2/views", json={"name": "EC2", "filters": {"Service": ["Amazon EC2"]}, **body}
        )
    assert r.status_code == 201, r.text
    return r.json()["data"]


class TestRefusals:
    @pytest.mark.parametrize(
        "body, field",
        [
            ({"amount": 5, "period": "monthly"}, "name"),
            ({"name": "x", "period": "monthly"}, "amount"),
            ({"name": "x", "amount": 5}, "period"),
            ({**CLOUD, "name": ""}, "name"),
            ({**CLOUD, "amount": "5"}, "amount"),
            ({**CLOUD, "amount": True}, "amount"),
            ({**CLOUD, "amount": 0}, "amount"),
            ({**CLOUD, "amount": -10}, "amount"),
            ({**CLOUD, "period": "weekly"}, "period"),
            ({**CLOUD, "view_id": None}, "view_id"),
            ({**CLOUD, "view_id": "no-such-view"}, "view_id"),
            ({**CLOUD, "notifications": None}, "notifications"),
            ({**CLOUD, "notifications": [{"recipients": ["a@b.io"]}]}, "notifications.0.threshold"),
            ({**CLOUD, "notifications": [{"threshold": 0, "recipients": ["a@b.io"]}]},
             "notifications[0].threshold"),
            ({**CLOUD, "notifications": [{"threshold": 50, "recipients": []}]},
             "notifications[0].recipients"),
            ({**CLOUD, "notifications": [{"threshold": 50, "recipients": ["not mail"]}]},
             "notifications[0].recipients[0]"),
        ],
    )  # fmt: skip
    def test_a_bad_body_is_400_naming_the_field(
        self, cz: World, body: dict[str, Any], field: str
    ) -> None:
        made = create(cz)
        with cz.client("globex") as c:
            for r in (
                c.post("/v2/budgets", json=body),
                c.put(f"/v2/budgets/{made['id']}", json=body),
            ):
                assert r.status_code == 400, r.text
                assert r.json()["code"] == "BadRequest" and field in r.json()["message"]

    def test_unknown_ids_are_404(self, cz: World) -> None:
        with cz.client("globex") as c:
            for method in ("GET", "PUT", "DELETE"):
                r = c.request(method, "/v2/budgets/no-such-id", json=CLOUD)
                assert r.status_code == 404 and r.json()["code"] == "NotFound", method
            assert c.get("/v2/views/no-such-id").status_code == 404

    def test_another_orgs_budget_and_view_are_404_and_unchanged(self, cz: World) -> None:
        made, theirs = create(cz), view(cz)
        with cz.client("acme") as c:
            assert c.get(f"/v2/budgets/{made['id']}").status_code == 404
            assert c.put(f"/v2/budgets/{made['id']}", json=CLOUD).status_code == 404
            assert c.delete(f"/v2/budgets/{made['id']}").status_code == 404
            assert made["id"] not in {b["id"] for b in c.get("/v2/budgets").json()["data"]}
            assert c.get(f"/v2/views/{theirs['id']}").status_code == 404
            r = c.post("/v2/budgets", json={**CLOUD, "view_id": theirs["id"]})
            assert r.status_code == 400 and "view_id" in r.json()["message"]
        with cz.client("globex") as c:
            assert c.get(f"/v2/budgets/{made['id']}").json()["data"] == made

    def test_without_a_key_401_and_without_the_scope_403(self, cz: World) -> None:
        with cz.server.client() as c:
            assert c.get("/v2/budgets").status_code == 401
            assert c.post("/v2/views", json={"name": "x"}).status_code == 401
        reader = cz.key("globex", ["budgets:read"])
        with cz.server.client(Authorization=reader) as c:
            assert c.get("/v2/budgets").status_code == 200
            assert c.get("/v2/views").status_code == 200
            for r in (c.post("/v2/budgets", json=CLOUD), c.post("/v2/views", json={"name": "x"})):
                assert r.status_code == 403 and r.json()["code"] == "Forbidden"
        insights_only = cz.key("globex", ["insights:write"])
        with cz.server.client(Authorization=insights_only) as c:
            assert c.get("/v2/budgets").status_code == 403


class TestCrud:
    def test_create_gives_back_what_was_sent(self, cz: World) -> None:
        ec2 = view(cz)
        made = create(cz, view_id=ec2["id"])
        assert {k: made[k] for k in ("name", "amount", "period", "notifications", "view_id")} == {
            **CLOUD, "view_id": ec2["id"],
        }  # fmt: skip
        assert made["created_at"] == made["updated_at"] and made["created_at"].endswith("Z")
        with cz.client("globex") as c:
            assert c.get(f"/v2/budgets/{made['id']}").json() == {"data": made}

    def test_a_budget_without_a_view_leaves_view_id_out(self, cz: World) -> None:
        assert "view_id" not in create(cz)

    def test_put_replaces_every_field(self, cz: World) -> None:
        made = create(cz)
        with cz.client("globex") as c:
            r = c.put(f"/v2/budgets/{made['id']}",
                      json={"name": "Yearly", "amount": 50000, "period": "annual"})  # fmt: skip
        new = r.json()["data"]
        assert r.status_code == 200
        assert (new["name"], new["amount"], new["period"], new["notifications"]) == (
            "Yearly", 50000, "annual", [],
        )  # fmt: skip
        assert new["created_at"] == made["created_at"] and new["updated_at"] >= made["updated_at"]

    def test_delete_is_204_then_404(self, cz: World) -> None:
        made = create(cz)
        with cz.client("globex") as c:
            r = c.delete(f"/v2/budgets/{made['id']}")
            assert r.status_code == 204 and r.content == b""
            assert c.get(f"/v2/budgets/{made['id']}").status_code == 404
            assert c.delete(f"/v2/budgets/{made['id']}").status_code == 404

    def test_views_use_cloudzero_dimension_ids(self, cz: World) -> None:
        made = view(cz, filters={"service": ["Amazon EC2"], "Tag:team": {"exclude": ["web"]}})
        assert made["filters"] == {"Service": ["Amazon EC2"], "Tag:team": {"exclude": ["web"]}}
        with cz.client("globex") as c:
            assert c.get(f"/v2/views/{made['id']}").json() == {"data": made}
            r = c.post("/v2/views", json={"name": "x", "filters": {"Planet": ["Mars"]}})
            assert r.status_code == 400 and "filters.Planet" in r.json()["message"]


class TestList:
    def test_pages_and_links_walk_every_budget_once(self, cz: World) -> None:
        key = cz.key("legacy", ["budgets:write"])
        with cz.server.client(Authorization=key) as c:
            ids = [c.post("/v2/budgets", json={**CLOUD, "name": f"b{i}"}).json()["data"]["id"]
                   for i in range(5)]  # fmt: skip
            first = c.get("/v2/budgets", params={"page_size": 2}).json()
            seen, page = [], first
            while True:
                seen += [b["id"] for b in page["data"]]
                if "next" not in page["pagination"]:
                    break
                page = c.get(page["pagination"]["next"]).json()
            back = c.get(page["pagination"]["previous"]).json()
            bad = c.get("/v2/budgets", params={"page": "two", "page_size": 0})
        assert first["pagination"]["total"] == 5 and "previous" not in first["pagination"]
        assert seen == ids and [b["id"] for b in back["data"]] == ids[2:4]
        assert bad.status_code == 200 and bad.json()["data"][0]["id"] == ids[0]


class TestEvaluation:
    def test_a_budget_made_over_http_is_evaluated_on_the_orgs_real_spend(self, cz: World) -> None:
        """The key's account grant travels with the budget; its view filters the spend."""
        ec2 = view(cz)
        made = create(cz, view_id=ec2["id"])
        [(expected, last_day)] = cz.sql(
            "globex",
            "SELECT sum(EffectiveCost), max(ChargePeriodStart) FROM costs "
            "WHERE ServiceName = 'Amazon EC2' AND ChargePeriodStart < DATE '2024-09-01' "
            "AND ChargePeriodStart >= DATE '2024-08-01'",
        )
        with cz.platform.session() as s:
            budget = service.get(s, "globex", made["id"])
            v = service.get_view(s, "globex", ec2["id"])
        e = evaluate(cz.platform.queries, budget, v, date(2024, 8, 31))
        assert e.actual == Decimal(expected) and e.days_with_data == last_day.day
        assert budget.account_ids is None

    def test_a_user_keys_budget_sees_only_the_granted_accounts(self, cz: World) -> None:
        from costlake.accounts.service import grant_accounts, list_accounts
        from costlake.orgs.service import get_or_create_user, get_org

        with cz.platform.session() as s:
            org = get_org(s, "globex")
            user = get_or_create_user(s, org, "budgets@globex.test")
            grant_accounts(
                s, user, [a for a in list_accounts(s, org) if a.account_id == "222222222222"]
            )
        key = cz.key("globex", ["budgets:write"], user=user)
        with cz.server.client(Authorization=key) as c:
            made = c.post("/v2/budgets", json=CLOUD).json()["data"]
        [(expected,)] = cz.sql(
            "globex",
            "SELECT sum(EffectiveCost) FROM costs WHERE (SubAccountId = '222222222222' "
            "OR BillingAccountId = '222222222222') AND ChargePeriodStart >= DATE '2024-08-01' "
            "AND ChargePeriodStart < DATE '2024-09-01'",
        )
        with cz.platform.session() as s:
            budget = service.get(s, "globex", made["id"])
        assert budget.account_ids == ("222222222222",)
        e = evaluate(cz.platform.queries, budget, None, date(2024, 8, 31))
        assert e.actual == Decimal(expected) != 0
