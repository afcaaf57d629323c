"""Line items over HTTP: the seed's shape, a walk over 10,000+ rows that returns each row
once, a re-ingest in the middle answered with the documented cursor expiry, and figures
equal to plain DuckDB sums."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx

from tests.dialects.stackspend.conftest import World
from tests.query.conftest import focus_rows

PATH = "/api/v1/public/line-items"
WHOLE = {"start_date": "2024-08-01", "end_date": "2024-10-31"}
SEED_ITEM = {
    "id", "usage_date", "provider_type", "provider_service", "net_amount_usd",
    "currency_original", "project_id", "user_email",
}  # fmt: skip


def walk(c: httpx.Client, headers: dict[str, str], params: dict[str, Any]) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        r = c.get(
            PATH, params={**params, **({"cursor": cursor} if cursor else {})}, headers=headers
        )
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["data"]
        if not body["meta"]["has_more"]:
            assert body["meta"]["next_cursor"] is None
            return items
        cursor = body["meta"]["next_cursor"]


class TestShape:
    def test_items_and_meta_are_the_seeds(self, world: World) -> None:
        with world.client() as c:
            r = c.get(PATH, params={**WHOLE, "limit": 3}, headers=world.headers())
        body = r.json()
        assert set(body) == {"data", "error", "meta"} and body["error"] is None
        assert [set(i) for i in body["data"]] == [SEED_ITEM] * 3
        assert set(body["meta"]) == {"next_cursor", "has_more"} and body["meta"]["has_more"]
        assert all(i["id"].startswith("li_") for i in body["data"])

    def test_ai_spend_carries_project_and_user(self, world: World) -> None:
        params = {"start_date": "2025-01-01", "end_date": "2025-01-02", "limit": 1000}
        with world.client() as c:
            items = walk(c, world.headers(), params)
        assert len(items) == 200
        assert {i["provider_type"] for i in items} == {"openai"}
        assert {i["provider_service"] for i in items} == {"gpt-4o"}
        assert {i["project_id"] for i in items} == {"proj_tagged", "proj_0", "proj_1", "proj_2"}
        assert {i["user_email"] for i in items} == {None, "u0@example.com", "u1@example.com"}

    def test_the_default_page_is_50(self, world: World) -> None:
        with world.client() as c:
            r = c.get(PATH, params=WHOLE, headers=world.headers())
        assert len(r.json()["data"]) == 50

    def test_another_orgs_rows_are_not_seen(self, world: World) -> None:
        with world.client() as c:
            items = walk(c, world.headers(org="globex"), {**WHOLE, "limit": 1000})
        assert len(items) == 300


class TestWalk:
    def test_a_reingest_mid_walk_expires_the_cursor_and_a_new_walk_sees_every_row_once(
        self, world: World
    ) -> None:
        world.ingest("walk", focus_rows(41, 10_500), "v1")
        headers = world.headers(org="walk")
        with world.client() as c:
            cursor = None
            for _ in range(4):
                params = {**WHOLE, "limit": 1000, **({"cursor": cursor} if cursor else {})}
                cursor = c.get(PATH, params=params, headers=headers).json()["meta"]["next_cursor"]
            world.ingest("walk", focus_rows(42, 10_800), "v2")  # restates every period
            r = c.get(PATH, params={**WHOLE, "limit": 1000, "cursor": cursor}, headers=headers)
            assert r.status_code == 422, r.text
            assert r.json()["error"]["code"] == "VALIDATION_ERROR"
            assert "cursor has expired" in r.json()["error"]["message"]
            assert "start again from the first page" in r.json()["error"]["message"]
            items = walk(c, headers, {**WHOLE, "limit": 1000})
        ids = [i["id"] for i in items]
        assert len(ids) == len(set(ids)) == 10_800
        ((count, total),) = world.sql(
            "walk",
            "SELECT count(*), sum(BilledCost) FROM costs WHERE ChargePeriodStart >= "
            "'2024-08-01' AND ChargePeriodStart < '2024-11-01'",
        )
        assert count == len(items)
        got = sum(Decimal(str(i["net_amount_usd"])) for i in items)
        assert abs(got - total) < Decimal("0.000001") * len(items)

    def test_a_cursor_still_works_when_nothing_changed(self, world: World) -> None:
        headers = world.headers()
        with world.client() as c:
            first = c.get(PATH, params={**WHOLE, "limit": 10}, headers=headers).json()
            cursor = first["meta"]["next_cursor"]
            again = c.get(PATH, params={**WHOLE, "limit": 10, "cursor": cursor}, headers=headers)
            twice = c.get(PATH, params={**WHOLE, "limit": 10, "cursor": cursor}, headers=headers)
        assert again.json()["data"] == twice.json()["data"]
        assert not {i["id"] for i in first["data"]} & {i["id"] for i in again.json()["data"]}
