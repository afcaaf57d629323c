"""``POST /v2/billing/costs`` and ``GET /v2/billing/dimensions`` against real billing data:
every figure equals a direct DuckDB sum over the same lake rows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from costlake.dialects.cloudzero.translate import COST_TYPES
from tests.dialects.cloudzero.conftest import FOCUS_SAMPLE, World

EVERYTHING = {"start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}


def costs(c: httpx.Client, body: dict[str, Any], **params: Any) -> httpx.Response:
    return c.post("/v2/billing/costs", json=body, params=params)


def exclusion(cost_type: str) -> str:
    excluded = COST_TYPES[cost_type].excluded_categories
    if not excluded:
        return "TRUE"
    return "ChargeCategory NOT IN (" + ", ".join(f"'{c}'" for c in excluded) + ")"


def column(cost_type: str) -> str:
    return COST_TYPES[cost_type].metric.value


def one_value(body: dict[str, Any]) -> float:
    (item,) = body["data"]
    (point,) = item["cost"]
    return point["value"]


class TestRefusals:
    @pytest.mark.parametrize(
        "body, field",
        [
            ({"end": "2024-10-01"}, "start"),
            ({"start": "2024-10-01"}, "end"),
            ({"start": "yesterday", "end": "2024-10-01"}, "start"),
            ({"start": "2024-10-01", "end": "2024-09-01"}, "end"),
            ({**EVERYTHING, "group_by": ["Planet"]}, "group_by[0]"),
            ({**EVERYTHING, "group_by": ["Service", "service"]}, "group_by[1]"),
            ({**EVERYTHING, "group_by": "Service"}, "group_by"),
            ({**EVERYTHING, "filter": {"Service": "Amazon S3"}}, "filter.Service"),
            ({**EVERYTHING, "filter": {"Service": {"not": ["x"]}}}, "filter.Service"),
            ({**EVERYTHING, "filter": {"Service": []}}, "filter.Service"),
            ({**EVERYTHING, "filter": {"Moon": ["x"]}}, "filter.Moon"),
            ({**EVERYTHING, "granularity": "hourly"}, "granularity"),
            ({**EVERYTHING, "cost_type": "real_cost"}, "cost_type"),
        ],
    )
    def test_a_bad_body_is_400_naming_the_field(
        self, cz: World, body: dict[str, Any], field: str
    ) -> None:
        with cz.client() as c:
            r = costs(c, body)
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "BadRequest"
        assert field in r.json()["message"]

    @pytest.mark.parametrize(
        "content, message",
        [(b"", "body: Field required"), (b"{bad", "body: not valid JSON"),
         (b"[]", "body: Input should be a valid dictionary")],
    )  # fmt: skip
    def test_no_body_or_not_an_object_is_400_naming_the_body(
        self, cz: World, content: bytes, message: str
    ) -> None:
        """Before, the message named "request" or a character position ("1: JSON ...")."""
        with cz.client() as c:
            r = c.post(
                "/v2/billing/costs", content=content, headers={"Content-Type": "application/json"}
            )
        assert r.status_code == 400 and r.json()["code"] == "BadRequest"
        assert message in r.json()["message"]

    def test_a_forged_cursor_and_a_bad_limit_are_400(self, cz: World) -> None:
        with cz.client() as c:
            assert costs(c, EVERYTHING, cursor="nope!").status_code == 400
            assert "limit" in costs(c, EVERYTHING, limit=0).json()["message"]
            assert costs(c, EVERYTHING, limit=10_001).status_code == 400

    def test_no_key_is_401_and_a_key_without_costs_read_is_403(self, cz: World) -> None:
        with cz.server.client() as c:
            r = costs(c, EVERYTHING)
        assert r.status_code == 401 and r.json()["code"] == "Unauthorized"
        key = cz.key("acme", ["keys:write"])
        with cz.server.client(Authorization=key) as c:
            r = costs(c, EVERYTHING)
        assert r.status_code == 403 and r.json()["code"] == "Forbidden"


class TestCostTypes:
    @pytest.mark.parametrize("org", ["acme", "legacy"])
    @pytest.mark.parametrize("cost_type", sorted(COST_TYPES))
    def test_the_total_equals_the_lake_sum(self, cz: World, org: str, cost_type: str) -> None:
        body = {**EVERYTHING, "granularity": "cumulative", "cost_type": cost_type}
        with cz.client(org) as c:
            r = costs(c, body)
        assert r.status_code == 200, r.text
        [(expected,)] = cz.sql(
            org, f'SELECT sum("{column(cost_type)}") FROM costs WHERE {exclusion(cost_type)}'
        )
        assert one_value(r.json()) == float(expected)

    def test_the_default_is_real_cost(self, cz: World) -> None:
        with cz.client() as c:
            default = costs(c, {**EVERYTHING, "granularity": "cumulative"}).json()
            real = costs(c, {**EVERYTHING, "granularity": "cumulative", "cost_type": "real"})
        assert default == real.json()

    def test_real_cost_leaves_the_focus_samples_credit_out(self, cz: World) -> None:
        [(credits,)] = cz.sql("acme", "SELECT count(*) FROM costs WHERE ChargeCategory = 'Credit'")
        assert credits > 0
        with cz.client() as c:
            real = one_value(costs(c, {**EVERYTHING, "granularity": "cumulative"}).json())
            inv = costs(c, {**EVERYTHING, "granularity": "cumulative", "cost_type": "amortized"})
        assert real != one_value(inv.json())

    def test_billed_equals_the_sample_file_itself(self, cz: World) -> None:
        import duckdb

        [(expected,)] = duckdb.sql(
            "SELECT sum(CAST(BilledCost AS VARCHAR)::DECIMAL(38, 18)) FROM read_csv("
            f"'{FOCUS_SAMPLE}', all_varchar = true)"
        ).fetchall()
        with cz.client() as c:
            body = {**EVERYTHING, "granularity": "cumulative", "cost_type": "billed"}
            assert one_value(costs(c, body).json()) == float(expected)


GROUPS = [
    ("Account", "SubAccountId"),
    ("Service", "ServiceName"),
    ("Region", "RegionId"),
    ("Provider", "ProviderName"),
    ("ServiceCategory", "ServiceCategory"),
    ("ResourceId", "ResourceId"),
    ("ChargeCategory", "ChargeCategory"),
    ("UsageFamily", "ServiceSubcategory"),
    ("Tag:CostCenter", "Tags->>'CostCenter'"),
]


class TestGroupsAndFilters:
    @pytest.mark.parametrize("org", ["acme", "legacy"])
    @pytest.mark.parametrize("dimension, expr", GROUPS, ids=[g for g, _ in GROUPS])
    def test_each_group_equals_the_lake_sum(
        self, cz: World, org: str, dimension: str, expr: str
    ) -> None:
        body = {**EVERYTHING, "granularity": "cumulative", "group_by": [dimension]}
        with cz.client(org) as c:
            r = costs(c, body)
        assert r.status_code == 200, r.text
        got = {item["group"][dimension]: item["cost"][0]["value"] for item in r.json()["data"]}
        rows = cz.sql(
            org,
            f"SELECT coalesce({expr}, ''), sum(EffectiveCost) FROM costs "
            f"WHERE {exclusion('real')} GROUP BY 1",
        )
        assert got == {k: float(v) for k, v in rows}
        assert r.json()["pagination"]["total"] == len(rows)

    def test_groups_come_largest_first(self, cz: World) -> None:
        with cz.client() as c:
            body = {**EVERYTHING, "granularity": "cumulative", "group_by": ["Service"]}
            values = [i["cost"][0]["value"] for i in costs(c, body).json()["data"]]
        assert values == sorted(values, reverse=True)

    def test_two_dimensions_and_a_filter_with_an_exclusion(self, cz: World) -> None:
        body = {
            **EVERYTHING,
            "granularity": "cumulative",
            "cost_type": "billed",
            "group_by": ["Provider", "Tag:env"],
            "filter": {"Provider": ["AWS", "Microsoft"], "Tag:team": {"exclude": ["core"]}},
        }
        with cz.client("globex") as c:
            r = costs(c, body)
        got = {
            (i["group"]["Provider"], i["group"]["Tag:env"]): i["cost"][0]["value"]
            for i in r.json()["data"]
        }
        rows = cz.sql(
            "globex",
            "SELECT ProviderName, coalesce(Tags->>'env', ''), sum(BilledCost) FROM costs "
            "WHERE ProviderName IN ('AWS', 'Microsoft') "
            "AND (Tags->>'team' IS NULL OR Tags->>'team' <> 'core') GROUP BY 1, 2",
        )
        assert got == {(p, e): float(v) for p, e, v in rows}

    def test_dimension_ids_are_case_insensitive_and_cloudprovider_is_provider(
        self, cz: World
    ) -> None:
        base = {**EVERYTHING, "granularity": "cumulative"}
        with cz.client() as c:
            a = costs(c, {**base, "filter": {"CloudProvider": ["AWS"]}}).json()
            b = costs(c, {**base, "filter": {"provider": ["AWS"]}}).json()
        assert a == b and one_value(a) > 0


class TestTime:
    def test_daily_points_equal_the_lake_sums_per_day(self, cz: World) -> None:
        body = {"start": "2024-09-01", "end": "2024-09-08", "cost_type": "billed"}
        with cz.client() as c:
            r = costs(c, body)
        (item,) = r.json()["data"]
        assert item["group"] == {}
        rows = cz.sql(
            "acme",
            "SELECT strftime(date_trunc('day', ChargePeriodStart), '%Y-%m-%dT%H:%M:%SZ'), "
            "sum(BilledCost) FROM costs WHERE ChargePeriodStart >= '2024-09-01' "
            "AND ChargePeriodStart < '2024-09-08' GROUP BY 1 ORDER BY 1",
        )
        assert [(p["timestamp"], p["value"]) for p in item["cost"]] == [
            (t, float(v)) for t, v in rows
        ]

    def test_monthly_points_start_on_the_first(self, cz: World) -> None:
        body = {**EVERYTHING, "granularity": "monthly", "group_by": ["Provider"]}
        with cz.client("globex") as c:
            data = costs(c, body).json()["data"]
        stamps = {p["timestamp"] for i in data for p in i["cost"]}
        assert stamps == {"2024-08-01T00:00:00Z", "2024-09-01T00:00:00Z", "2024-10-01T00:00:00Z"}

    def test_a_date_alone_is_its_midnight_utc_and_end_is_exclusive(self, cz: World) -> None:
        with cz.client() as c:
            dates = costs(c, {"start": "2024-09-01", "end": "2024-09-02"}).json()
            times = costs(
                c, {"start": "2024-09-01T02:00:00+02:00", "end": "2024-09-02T00:00:00Z"}
            ).json()
        assert dates == times
        assert [p["timestamp"] for p in dates["data"][0]["cost"]] == ["2024-09-01T00:00:00Z"]

    def test_a_range_without_charges_is_empty(self, cz: World) -> None:
        with cz.client() as c:
            body = costs(c, {"start": "2001-01-01", "end": "2001-02-01"}).json()
        assert body == {"data": [], "pagination": {"total": 0}}


class TestPagination:
    def test_next_and_previous_links_walk_every_group_once(self, cz: World) -> None:
        body = {**EVERYTHING, "granularity": "monthly", "group_by": ["ResourceId"]}
        with cz.client("globex") as c:
            whole = costs(c, body).json()
            seen: list[dict[str, Any]] = []
            r = costs(c, body, limit=7)
            pages = [r.json()]
            while "next" in pages[-1]["pagination"]:
                pages.append(c.post(pages[-1]["pagination"]["next"], json=body).json())
            back = c.post(pages[-1]["pagination"]["previous"], json=body).json()
        for page in pages:
            seen += page["data"]
            assert page["pagination"]["total"] == len(whole["data"])
        assert seen == whole["data"] and len(pages) == -(-len(seen) // 7)
        assert "previous" not in pages[0]["pagination"]
        assert back == pages[-2]

    def test_a_cursor_from_before_a_reingest_is_refused(self, cz: World, tmp_path) -> None:  # noqa: ANN001
        import pyarrow.parquet as pq

        from costlake.ingest.pipeline import Ingestor
        from tests.query.conftest import focus_rows

        path = tmp_path / "t.parquet"
        pq.write_table(focus_rows(9, 50), path)
        Ingestor(cz.platform.lake).ingest([path], org="tmp", source="fixture")
        key = cz.key("tmp", ["costs:read"])
        body = {**EVERYTHING, "group_by": ["ResourceId"]}
        with cz.server.client(Authorization=key) as c:
            link = costs(c, body, limit=2).json()["pagination"]["next"]
            Ingestor(cz.platform.lake).ingest([path], org="tmp", source="fixture")
            r = c.post(link, json=body)
        assert r.status_code == 400 and "start again" in r.json()["message"]


class TestIsolation:
    def test_each_org_sees_only_its_own_charges(self, cz: World) -> None:
        body = {**EVERYTHING, "granularity": "cumulative", "group_by": ["Provider"]}
        with cz.client("legacy") as c:
            providers = {i["group"]["Provider"] for i in costs(c, body).json()["data"]}
        assert providers == {"AWS"}

    def test_a_user_key_sees_only_granted_accounts(self, cz: World) -> None:
        from costlake.accounts.service import grant_accounts, list_accounts
        from costlake.orgs.service import get_or_create_user, get_org

        with cz.platform.session() as s:
            org = get_org(s, "globex")
            user = get_or_create_user(s, org, "dev@globex.test")
            grant_accounts(
                s, user, [a for a in list_accounts(s, org) if a.account_id == "222222222222"]
            )
        key = cz.key("globex", ["*"], user=user)
        body = {**EVERYTHING, "granularity": "cumulative", "group_by": ["Account"]}
        with cz.server.client(Authorization=key) as c:
            data = costs(c, body).json()["data"]
        [(expected,)] = cz.sql(
            "globex",
            "SELECT sum(EffectiveCost) FROM costs WHERE SubAccountId = '222222222222' "
            "OR BillingAccountId = '222222222222'",
        )
        assert [(i["group"]["Account"], i["cost"][0]["value"]) for i in data] == [
            ("222222222222", float(expected))
        ]


class TestDimensions:
    def test_the_standard_dimensions_then_every_tag_key_of_the_org(self, cz: World) -> None:
        with cz.client() as c:
            r = c.get("/v2/billing/dimensions")
        assert r.status_code == 200
        ids = [d["id"] for d in r.json()["data"]]
        for needed in (
            "Account", "Service", "Region", "Provider", "ServiceCategory", "ResourceId",
            "ChargeCategory", "UsageFamily",
        ):  # fmt: skip
            assert needed in ids
        keys = cz.sql("acme", "SELECT DISTINCT unnest(json_keys(Tags)) AS k FROM costs ORDER BY k")
        tags = [d for d in r.json()["data"] if d["type"] == "Tag"]
        assert [d["id"] for d in tags] == [f"Tag:{k}" for (k,) in keys if k]
        assert all(d["name"] == d["id"].removeprefix("Tag:") for d in tags)

    def test_every_listed_dimension_is_accepted_by_group_by_and_filter(self, cz: World) -> None:
        with cz.client("globex") as c:
            ids = [d["id"] for d in c.get("/v2/billing/dimensions").json()["data"]]
            for dim in ids:
                body = {**EVERYTHING, "granularity": "cumulative", "group_by": [dim]}
                assert costs(c, body).status_code == 200, dim
                body = {**EVERYTHING, "filter": {dim: ["x"]}}
                assert costs(c, body).status_code == 200, dim

    def test_another_orgs_tag_keys_are_not_listed(self, cz: World) -> None:
        with cz.client("legacy") as c:
            ids = {d["id"] for d in c.get("/v2/billing/dimensions").json()["data"]}
        assert "Tag:team" not in ids and "Tag:env" not in ids

    def test_raw_and_bearer_keys_both_work(self, cz: World) -> None:
        with cz.client(bearer=True) as bearer, cz.client() as raw:
            assert (
                bearer.get("/v2/billing/dimensions").json()
                == raw.get("/v2/billing/dimensions").json()
            )


def test_totals_are_exact_decimals_of_the_engine(cz: World) -> None:
    """A point's value is the engine's exact decimal as a float: no rounding to cents."""
    with cz.client() as c:
        value = one_value(costs(c, {**EVERYTHING, "granularity": "cumulative"}).json())
    assert Decimal(repr(value)) != Decimal(repr(value)).quantize(Decimal("0.01"))


def test_a_user_key_with_no_grant_sees_nothing(cz: World) -> None:
    """An empty grant is no account, not every account (``if q.account_ids:`` let it see
    the whole org)."""
    from costlake.orgs.service import get_or_create_user, get_org

    with cz.platform.session() as s:
        user = get_or_create_user(s, get_org(s, "globex"), "nobody@globex.test")
    key = cz.key("globex", ["*"], user=user)
    body = {**EVERYTHING, "granularity": "cumulative", "group_by": ["Account"]}
    with cz.server.client(Authorization=key) as c:
        assert costs(c, body).json() == {"data": [], "pagination": {"total": 0}}
        tags = [d for d in c.get("/v2/billing/dimensions").json()["data"] if d["type"] == "Tag"]
    assert tags == []
