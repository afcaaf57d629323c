"""What a key bound to a user sees through the CloudExpat API: only the accounts granted to
that user, on every endpoint, including the report's no-data fallback; none at all with no
grant (an empty grant is never "no restriction")."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import count

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from costlake.accounts.discovery import sync_accounts
from costlake.accounts.service import grant_accounts, list_accounts
from costlake.focus.scan import scan
from costlake.keys.service import create_key
from costlake.orgs.service import get_or_create_user, get_org
from tests.dialects.cloudexpat.conftest import World
from tests.query.conftest import focus_rows

GRANTED = "222222222222"
AFTER_THE_DATA = "2025-06-01T00:00:00Z"  # the report's window then has no cost rows
_users = count()


def user_key(world: World, org: str, accounts: Iterable[str]) -> str:
    """A new key of a new user of ``org`` granted exactly ``accounts`` (maybe none)."""
    wanted = set(accounts)
    with world.server.platform.session() as s:
        o = get_org(s, org)
        user = get_or_create_user(s, o, f"user{next(_users)}@{org}.test")
        granted = [a for a in list_accounts(s, o) if a.account_id in wanted]
        assert {a.account_id for a in granted} == wanted  # one id may be on several clouds
        if granted:
            grant_accounts(s, user, granted)
        return create_key(s, org, "grants", ["*"], "cloudexpat", user=user)[1]


def get(world: World, key: str, path: str, **params: str) -> dict[str, object]:
    r = world.server.client(Authorization=f"Bearer {key}").get(path, params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


class TestNoGrant:
    @pytest.mark.parametrize("period", ["week", "month"])
    def test_sees_no_cost_anywhere(self, world: World, period: str) -> None:
        key = user_key(world, "acme", [])
        full = get(world, world.acme_key, "/v1/costs/summary", period=period)
        assert full["totals"]["current"] > 0  # type: ignore[index]
        summary = get(world, key, "/v1/costs/summary", period=period)
        assert summary["accounts"] == []
        assert summary["totals"]["current"] == summary["totals"]["previous"] == 0  # type: ignore[index]
        carbon = get(world, key, "/v1/carbon/summary", period=period)
        assert carbon["accounts"] == []
        assert carbon["totals"]["current"] == carbon["totals"]["previous"] == 0  # type: ignore[index]
        report = get(world, key, "/v1/report", period=period)
        assert report["costs"]["accounts"] == []  # type: ignore[index]
        assert report["costs"]["totals"]["current"] == 0  # type: ignore[index]
        assert report["resources"]["totalResources"] == 0  # type: ignore[index]

    def test_naming_an_account_does_not_widen_it(self, world: World) -> None:
        key = user_key(world, "acme", [])
        summary = get(world, key, "/v1/costs/summary", accountId=GRANTED)
        assert summary["accounts"] == []
        assert summary["totals"]["current"] == 0  # type: ignore[index]

    def test_the_report_fallback_shows_no_resource(
        self, world: World, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_NOW", AFTER_THE_DATA)
        key = user_key(world, "acme", [])
        assert get(world, world.acme_key, "/v1/report")["resources"]["totalResources"] > 0  # type: ignore[index]
        report = get(world, key, "/v1/report")
        assert report["dataQuality"]["status"] == "no_data"  # type: ignore[index]
        assert report["resources"] == {**report["resources"], "totalResources": 0}  # type: ignore[dict-item]
        assert report["resources"]["byProvider"] == []  # type: ignore[index]


@pytest.fixture(scope="module")
def own_resources(world: World) -> str:
    """An org whose accounts have resources of their own (the shared fixture's accounts all
    share the same 40), so a resource count tells which accounts were read."""
    org = "grants"
    if org not in world.server.platform.lake.orgs():
        table = focus_rows(9, 900)
        ids = pc.binary_join_element_wise(
            table["SubAccountId"], table["ResourceId"], pa.scalar("/")
        )
        table = table.set_column(table.schema.get_field_index("ResourceId"), "ResourceId", ids)
        path = world.home / "grants.parquet"
        pq.write_table(table, path)
        world.server.platform.ingestor().ingest([path], org=org, source="fixture")
        with world.server.platform.session() as s:
            create_key(s, org, "owner", ["*"], "cloudexpat")
            sync_accounts(s, world.server.platform.lake, org)
    return org


def distinct_resources(world: World, org: str, where: str) -> int:
    """What the report's ``totalResources`` counts: distinct resources per provider and
    resource type, summed."""
    files = world.server.platform.lake.snapshot(org).files()
    con = duckdb.connect()
    try:
        return con.execute(
            "SELECT sum(n) FROM (SELECT count(DISTINCT ResourceId) AS n "
            f"FROM {scan(files)} WHERE ResourceId IS NOT NULL AND ({where}) "
            "GROUP BY ProviderName, COALESCE(ResourceType, ServiceName))"
        ).fetchone()[0]  # type: ignore[index]
    finally:
        con.close()


class TestOneGrant:
    def test_the_report_fallback_counts_only_granted_resources(
        self, world: World, own_resources: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("COSTLAKE_NOW", AFTER_THE_DATA)
        granted = distinct_resources(
            world, own_resources, f"SubAccountId = '{GRANTED}' OR BillingAccountId = '{GRANTED}'"
        )
        everything = distinct_resources(world, own_resources, "true")
        assert 0 < granted < everything
        key = user_key(world, own_resources, [GRANTED])
        report = get(world, key, "/v1/report")
        assert report["dataQuality"]["status"] == "no_data"  # type: ignore[index]
        assert report["resources"]["totalResources"] == granted  # type: ignore[index]
