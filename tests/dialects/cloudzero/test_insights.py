"""Insights over HTTP: create 201, list with pages and links, get, replace, delete 204,
404 for unknown ids and other orgs' ids, 400 naming the bad field, 401/403."""

from __future__ import annotations

from typing import Any

import pytest

from tests.dialects.cloudzero.conftest import World

EC2 = {
    "name": "EC2 by team",
    "description": "compute per team",
    "filters": {"Service": ["Amazon EC2"], "Region": {"exclude": ["eu-west-1"]}},
    "group_by": ["Tag:team", "Account"],
}


def create(cz: World, org: str = "globex", **body: Any) -> dict[str, Any]:
    with cz.client(org) as c:
        r = c.post("/v2/insights", json={**EC2, **body})
    assert r.status_code == 201, r.text
    return r.json()["data"]


class TestRefusals:
    @pytest.mark.parametrize(
        "body, field",
        [
            ({"description": "no name"}, "name"),
            ({"name": " "}, "name"),
            ({"name": 5}, "name"),
            ({"name": "x", "group_by": ["Planet"]}, "group_by[0]"),
            ({"name": "x", "group_by": "Service"}, "group_by"),
            ({"name": "x", "filters": {"Moon": ["x"]}}, "filters.Moon"),
            ({"name": "x", "filters": {"Service": "EC2"}}, "filters.Service"),
            ({"name": "x", "filters": []}, "filters"),
        ],
    )
    def test_a_bad_body_is_400_naming_the_field(
        self, cz: World, body: dict[str, Any], field: str
    ) -> None:
        made = create(cz)
        with cz.client("globex") as c:
            for r in (
                c.post("/v2/insights", json=body),
                c.put(f"/v2/insights/{made['id']}", json=body),
            ):
                assert r.status_code == 400, r.text
                assert r.json()["code"] == "BadRequest" and field in r.json()["message"]

    def test_unknown_ids_are_404(self, cz: World) -> None:
        with cz.client("globex") as c:
            for method in ("GET", "PUT", "DELETE"):
                r = c.request(method, "/v2/insights/no-such-id", json={"name": "x"})
                assert r.status_code == 404 and r.json()["code"] == "NotFound", method

    def test_another_orgs_insight_is_404_and_stays_unchanged(self, cz: World) -> None:
        made = create(cz)
        with cz.client("acme") as c:
            assert c.get(f"/v2/insights/{made['id']}").status_code == 404
            assert c.put(f"/v2/insights/{made['id']}", json={"name": "x"}).status_code == 404
            assert c.delete(f"/v2/insights/{made['id']}").status_code == 404
            assert made["id"] not in {i["id"] for i in c.get("/v2/insights").json()["data"]}
        with cz.client("globex") as c:
            assert c.get(f"/v2/insights/{made['id']}").json()["data"] == made

    def test_without_a_key_401_and_with_read_only_writes_are_403(self, cz: World) -> None:
        with cz.server.client() as c:
            assert c.get("/v2/insights").status_code == 401
        reader = cz.key("globex", ["insights:read"])
        with cz.server.client(Authorization=reader) as c:
            assert c.get("/v2/insights").status_code == 200
            r = c.post("/v2/insights", json=EC2)
            assert r.status_code == 403 and r.json()["code"] == "Forbidden"
        costs_only = cz.key("globex", ["costs:read"])
        with cz.server.client(Authorization=costs_only) as c:
            assert c.get("/v2/insights").status_code == 403


class TestCrud:
    def test_create_stores_what_was_sent_in_cloudzeros_names(self, cz: World) -> None:
        made = create(cz)
        assert made["name"] == EC2["name"] and made["description"] == EC2["description"]
        assert made["group_by"] == ["Tag:team", "Account"]
        assert made["filters"] == {"Service": ["Amazon EC2"], "Region": {"exclude": ["eu-west-1"]}}
        assert made["created_at"] == made["updated_at"] and made["created_at"].endswith("Z")
        with cz.client("globex") as c:
            assert c.get(f"/v2/insights/{made['id']}").json() == {"data": made}

    def test_ids_are_canonicalised(self, cz: World) -> None:
        made = create(cz, group_by=["service", "CloudProvider"], filters={"region": ["x"]})
        assert made["group_by"] == ["Service", "Provider"]
        assert made["filters"] == {"Region": ["x"]}

    def test_put_replaces_every_field(self, cz: World) -> None:
        made = create(cz)
        with cz.client("globex") as c:
            r = c.put(f"/v2/insights/{made['id']}", json={"name": "Everything"})
        new = r.json()["data"]
        assert r.status_code == 200
        assert (new["name"], new["description"], new["filters"], new["group_by"]) == (
            "Everything", "", {}, [],
        )  # fmt: skip
        assert new["created_at"] == made["created_at"] and new["updated_at"] >= made["updated_at"]

    def test_delete_is_204_then_404(self, cz: World) -> None:
        made = create(cz)
        with cz.client("globex") as c:
            r = c.delete(f"/v2/insights/{made['id']}")
            assert r.status_code == 204 and r.content == b""
            assert c.get(f"/v2/insights/{made['id']}").status_code == 404
            assert c.delete(f"/v2/insights/{made['id']}").status_code == 404


class TestList:
    def test_pages_and_links_walk_every_insight_once(self, cz: World) -> None:
        key = cz.key("legacy", ["insights:write"])
        with cz.server.client(Authorization=key) as c:
            ids = [c.post("/v2/insights", json={"name": f"n{i}"}).json()["data"]["id"]
                   for i in range(5)]  # fmt: skip
            first = c.get("/v2/insights", params={"page_size": 2}).json()
            seen, page = [], first
            while True:
                seen += [i["id"] for i in page["data"]]
                if "next" not in page["pagination"]:
                    break
                page = c.get(page["pagination"]["next"]).json()
            back = c.get(page["pagination"]["previous"]).json()
            default = c.get("/v2/insights").json()
        assert first["pagination"]["total"] == 5 and "previous" not in first["pagination"]
        assert seen == ids
        assert [i["id"] for i in back["data"]] == ids[2:4]
        assert [i["id"] for i in default["data"]] == ids and default["pagination"] == {"total": 5}

    @pytest.mark.parametrize("params", [{"page": 0}, {"page": -3}, {"page_size": 0},
                                        {"page_size": 10_000}, {"page": 999}])  # fmt: skip
    def test_out_of_range_pages_are_clamped_not_refused(
        self, cz: World, params: dict[str, int]
    ) -> None:
        with cz.client("globex") as c:
            r = c.get("/v2/insights", params=params)
        assert r.status_code == 200, r.text
        assert isinstance(r.json()["pagination"]["total"], int)

    def test_a_page_that_is_not_a_number_counts_as_not_given(self, cz: World) -> None:
        """The document lists no 400 for the list: a bad page is the first page."""
        with cz.client("globex") as c:
            bad = c.get("/v2/insights", params={"page": "two", "page_size": "null"})
            first = c.get("/v2/insights")
        assert bad.status_code == 200 and bad.json() == first.json()


class TestMethods:
    def test_options_and_405_list_every_method_of_the_path(self, cz: World) -> None:
        """Starlette named only the first route's methods (``Allow: GET`` for a path with
        GET and POST routes)."""
        with cz.client("globex") as c:
            assert c.options("/v2/insights").headers["Allow"] == "GET, POST, OPTIONS"
            r = c.patch("/v2/insights/some-id")
            assert r.status_code == 405 and r.json()["code"] == "MethodNotAllowed"
            assert r.headers["Allow"] == "GET, PUT, DELETE, OPTIONS"
