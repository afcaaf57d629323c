"""The Kubecost External Costs API on a live server: figures equal DuckDB sums over the
ingested file's non-cloud rows, for every cost type, aggregate, accumulate and filter."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest

from tests.dialects.kubecost.conftest import World

TOTAL = "/model/customCost/total"
SERIES = "/model/customCost/timeseries"
CUSTOM = "ProviderName NOT IN ('AWS', 'Amazon Web Services')"
PROPS = (
    "RegionId, BillingAccountName, ChargeCategory, ChargeDescription, ResourceName, "
    "ResourceType, ResourceId, ConsumedUnit, ProviderName, ServiceCategory"
)
LASTWEEK = "ChargePeriodStart >= '2024-03-31' AND ChargePeriodStart < '2024-04-07'"


def get(world: World, path: str, key: str | None = None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or world.acme_key}"}
    with httpx.Client(base_url=world.url, headers=headers, timeout=60) as c:
        return c.get(path, params=params)


def data(r: httpx.Response) -> dict[str, Any]:
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["code"] == 200
    return body["data"]


def close(got: float, want: object) -> bool:
    return abs(Decimal(str(got)) - Decimal(str(want or 0))) <= Decimal("0.000001")


def blended(world: World, where: str, by: str = "", org: str = "acme") -> dict[object, Any]:
    """OpenCost's blended cost: per line (every property, per day), billed where above
    zero, list otherwise; summed per ``by``."""
    sql = (
        f"WITH g AS (SELECT {by or 'NULL'} AS k, sum(BilledCost) b, sum(ListCost) l "
        f"FROM costs WHERE {CUSTOM} AND {where} "
        f"GROUP BY k, date_trunc('day', ChargePeriodStart), {PROPS}) "
        "SELECT k, sum(CASE WHEN b > 0 THEN b ELSE l END) FROM g GROUP BY k"
    )
    return dict(world.sql(org, sql))


class TestErrors:
    @pytest.mark.parametrize(
        "params, why",
        [
            ({"window": "7x"}, "illegal window: '7x'"),
            ({"window": "2024-04-09T00:00:00Z,2024-04-01T00:00:00Z"}, "ends before it starts"),
            ({"window": "7d", "filter": 'domain:"datadog"+'}, "invalid filter at position 17"),
            ({"window": "7d", "filter": "domain"}, "invalid filter at position 6"),
            ({"window": "7d", "aggregate": "namespace"}, "invalid custom cost property"),
            ({"window": "7d", "costType": "amortized"}, "unsupported costType"),
            ({"window": "7d", "accumulate": "maybe"}, "illegal accumulate"),
            ({"window": "7d", "sortBy": "name"}, "unsupported sortBy"),
            ({"window": "7d", "sortDirection": "up"}, "unrecognized sortDirection"),
        ],
    )
    def test_a_bad_parameter_is_a_400_in_the_code_data_envelope(
        self, world: World, params: dict[str, str], why: str
    ) -> None:
        for path in (TOTAL, SERIES):
            r = get(world, path, **params)
            assert r.status_code == 400, r.text
            body = r.json()
            assert body["code"] == 400 and body["data"] is None
            assert why in body["message"]

    def test_no_credential_is_a_401_in_the_envelope(self, world: World) -> None:
        r = httpx.get(f"{world.url}{TOTAL}?window=7d")
        assert r.status_code == 401
        assert r.json()["code"] == 401 and r.json()["data"] is None


class TestTotal:
    @pytest.mark.parametrize("cost_type", ["blended", "billed", "list"])
    def test_totals_per_domain_equal_duckdb_sums(self, world: World, cost_type: str) -> None:
        got = data(get(world, TOTAL, window="lastweek", aggregate="domain", costType=cost_type))
        assert got["window"] == {"start": "2024-03-31T00:00:00Z", "end": "2024-04-07T00:00:00Z"}
        if cost_type == "blended":
            want = blended(world, LASTWEEK, "lower(ProviderName)")
        else:
            column = "BilledCost" if cost_type == "billed" else "ListCost"
            want = dict(
                world.sql(
                    "acme",
                    f"SELECT lower(ProviderName), sum({column}) FROM costs "
                    f"WHERE {CUSTOM} AND {LASTWEEK} GROUP BY 1",
                )
            )
        assert {c["aggregate"] for c in got["customCosts"]} == set(want)
        for c in got["customCosts"]:
            assert close(c["cost"], want[c["domain"]]), c
        assert close(got["totalCost"], sum(want.values()))
        assert got["totalCostType"] == cost_type
        costs = [c["cost"] for c in got["customCosts"]]
        assert costs == sorted(costs, reverse=True)

    def test_billed_and_list_are_both_reported(self, world: World) -> None:
        got = data(get(world, TOTAL, window="lastweek", aggregate="costSource"))
        (billed, listed) = world.sql(
            "acme",
            f"SELECT sum(BilledCost), sum(ListCost) FROM costs WHERE {CUSTOM} AND {LASTWEEK}",
        )[0]
        assert close(got["totalBilledCost"], billed) and close(got["totalListCost"], listed)
        by_source = {c["cost_source"]: c for c in got["customCosts"]}
        assert set(by_source) == {"observability", "ai", "database"}
        assert by_source["ai"]["domain"] == "openai" and by_source["ai"]["usage_unit"] == "tokens"

    def test_cloud_provider_rows_are_not_custom_costs(self, world: World) -> None:
        got = data(get(world, TOTAL, window="30d", aggregate="domain"))
        assert {c["domain"] for c in got["customCosts"]} == {"datadog", "openai", "snowflake"}

    def test_several_aggregates_are_joined_by_slash_with_empty_as_unallocated(
        self, world: World
    ) -> None:
        got = data(get(world, TOTAL, window="lastweek", aggregate="zone,domain"))
        want = blended(
            world, LASTWEEK, "coalesce(RegionId, '__unallocated__') || '/' || lower(ProviderName)"
        )
        assert {c["aggregate"] for c in got["customCosts"]} == set(want)
        assert "__unallocated__/openai" in want
        for c in got["customCosts"]:
            assert close(c["cost"], want[c["aggregate"]])

    def test_without_aggregate_every_property_is_a_key(self, world: World) -> None:
        got = data(get(world, TOTAL, window="lastweek"))
        keys = [c["aggregate"].split("/") for c in got["customCosts"]]
        assert all(len(k) == 10 for k in keys)
        assert any(k[4] == "__unallocated__" for k in keys)  # no resource name
        (n,) = world.sql(
            "acme",
            f"SELECT count(*) FROM (SELECT 1 FROM costs WHERE {CUSTOM} AND {LASTWEEK} "
            f"GROUP BY {PROPS} HAVING sum(BilledCost) > 0 OR sum(ListCost) <> 0)",
        )[0]
        assert len(keys) == n
        assert close(got["totalCost"], sum(blended(world, LASTWEEK).values()))

    def test_accumulate_true_keeps_the_window_as_parsed(self, world: World) -> None:
        got = data(get(world, TOTAL, window="week", accumulate="true"))
        assert got["window"] == {"start": "2024-04-07T00:00:00Z", "end": "2024-04-09T10:30:15Z"}
        where = "ChargePeriodStart >= '2024-04-07' AND ChargePeriodStart < '2024-04-09 10:30:15'"
        assert close(got["totalCost"], sum(blended(world, where).values()))

    def test_by_default_the_window_is_rounded_to_days(self, world: World) -> None:
        got = data(get(world, TOTAL, window="week"))
        assert got["window"] == {"start": "2024-04-07T00:00:00Z", "end": "2024-04-10T00:00:00Z"}

    def test_a_window_with_no_data_answers_zero(self, world: World) -> None:
        got = data(get(world, TOTAL, window="2023-01-01T00:00:00Z,2023-01-02T00:00:00Z"))
        assert got["customCosts"] == [] and got["totalCost"] == 0

    def test_sort_by_aggregate_ascending(self, world: World) -> None:
        got = data(
            get(world, TOTAL, window="30d", aggregate="domain", sortBy="aggregate",
                sortDirection="asc")
        )  # fmt: skip
        assert [c["aggregate"] for c in got["customCosts"]] == ["datadog", "openai", "snowflake"]


class TestTimeseries:
    def test_daily_steps_equal_per_day_sums(self, world: World) -> None:
        got = data(
            get(world, SERIES, window="2024-04-01T00:00:00Z,2024-04-04T00:00:00Z",
                aggregate="domain")
        )  # fmt: skip
        assert got["window"] == {"start": "2024-04-01T00:00:00Z", "end": "2024-04-04T00:00:00Z"}
        steps = got["timeseries"]
        assert [s["window"]["start"] for s in steps] == [
            "2024-04-01T00:00:00Z", "2024-04-02T00:00:00Z", "2024-04-03T00:00:00Z"
        ]  # fmt: skip
        where = "ChargePeriodStart >= '2024-04-01' AND ChargePeriodStart < '2024-04-04'"
        rows = world.sql(
            "acme",
            f"WITH g AS (SELECT date_trunc('day', ChargePeriodStart)::DATE::VARCHAR d, "
            f"lower(ProviderName) p, sum(BilledCost) b, sum(ListCost) l FROM costs "
            f"WHERE {CUSTOM} AND {where} GROUP BY d, {PROPS}) "
            "SELECT d, p, sum(CASE WHEN b > 0 THEN b ELSE l END) FROM g GROUP BY d, p",
        )
        want = {(d, p): v for d, p, v in rows}
        for step in steps:
            day = step["window"]["start"][:10]
            for c in step["customCosts"]:
                assert close(c["cost"], want.pop((day, c["domain"])))
        assert want == {}

    def test_accumulate_false_steps_hourly_over_two_recent_days(self, world: World) -> None:
        got = data(get(world, SERIES, window="2d", accumulate="false"))
        steps = got["timeseries"]
        assert len(steps) == 48
        assert steps[0]["window"] == {
            "start": "2024-04-08T00:00:00Z", "end": "2024-04-08T01:00:00Z"
        }  # fmt: skip
        where = "ChargePeriodStart >= '2024-04-08' AND ChargePeriodStart < '2024-04-10'"
        hourly = blended(world, where, "date_trunc('hour', ChargePeriodStart)")
        assert close(sum(s["totalCost"] for s in steps), sum(hourly.values()))

    def test_accumulate_week_steps_from_sunday(self, world: World) -> None:
        got = data(get(world, SERIES, window="2024-03-27T00:00:00Z,2024-04-09T00:00:00Z",
                       accumulate="week"))  # fmt: skip
        assert [s["window"]["start"] for s in got["timeseries"]] == [
            "2024-03-24T00:00:00Z", "2024-03-31T00:00:00Z", "2024-04-07T00:00:00Z"
        ]  # fmt: skip
        assert got["window"]["end"] == "2024-04-14T00:00:00Z"
        by_week = blended(
            world,
            "ChargePeriodStart >= '2024-03-24' AND ChargePeriodStart < '2024-04-14'",
            "date_trunc('week', ChargePeriodStart + INTERVAL 1 DAY) - INTERVAL 1 DAY",
        )
        assert sorted(round(v, 6) for v in by_week.values()) == sorted(
            Decimal(str(s["totalCost"])) for s in got["timeseries"]
        )

    def test_accumulate_true_is_one_step(self, world: World) -> None:
        got = data(get(world, SERIES, window="lastweek", accumulate="true"))
        assert len(got["timeseries"]) == 1
        assert close(got["timeseries"][0]["totalCost"], sum(blended(world, LASTWEEK).values()))


class TestFilter:
    @pytest.mark.parametrize(
        "text, sql",
        [
            ('domain:"datadog"', "ProviderName = 'Datadog'"),
            ('domain!:"datadog","openai"', "ProviderName NOT IN ('Datadog', 'OpenAI')"),
            ('costSource:"ai"', "ServiceCategory = 'AI and Machine Learning'"),
            ('(domain:"openai"|costSource:"database")+chargeCategory:"usage"',
             "ProviderName IN ('OpenAI', 'Snowflake') AND ChargeCategory = 'Usage'"),
            ('zone:"__unallocated__"', "RegionId IS NULL"),
            ('zone!:"__unallocated__"', "RegionId IS NOT NULL"),
            ('resourceName<~:"prod"', "starts_with(ResourceName, 'prod')"),
            ('resourceName!<~:"prod"', "NOT starts_with(coalesce(ResourceName, ''), 'prod')"),
            ('description~>:"tokens"', "ends_with(ChargeDescription, 'tokens')"),
            ('description~:"log"', "contains(ChargeDescription, 'log')"),
            ('description~:"Log"', "false"),
            ('description!~:"o"', "NOT contains(ChargeDescription, 'o')"),
            ('accountName:"snowflake-org"+usageUnit:"credits"', "ProviderName = 'Snowflake'"),
            ("chargeCategory:usage,purchase", "true"),
        ],
    )  # fmt: skip
    def test_a_filter_selects_the_rows_it_says(self, world: World, text: str, sql: str) -> None:
        got = data(get(world, TOTAL, window="lastweek", filter=text))
        want = sum(blended(world, f"{LASTWEEK} AND ({sql})").values(), Decimal(0))
        assert close(got["totalCost"], want), (text, got["totalCost"], want)


class TestIsolation:
    def test_each_org_sees_its_own_rows(self, world: World) -> None:
        acme = data(get(world, TOTAL, window="30d"))["totalCost"]
        globex = data(get(world, TOTAL, window="30d", key=world.globex_key))["totalCost"]
        where = "ChargePeriodStart >= '2024-03-11' AND ChargePeriodStart < '2024-04-10'"
        assert close(acme, sum(blended(world, where).values()))
        assert close(globex, sum(blended(world, where, org="globex").values()))
        assert acme != globex
