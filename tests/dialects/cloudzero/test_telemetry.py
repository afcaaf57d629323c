"""CloudZero's unit-metric and allocation telemetry over a live server: every endpoint and
every error status, records stored durably in the metadata database, and billing questions
grouped and filtered by an allocation stream whose totals equal the plain answer."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from costlake.allocation import service as allocation
from costlake.config import Settings
from costlake.keys.service import create_key
from costlake.platform import Platform
from costlake.telemetry import streams
from tests.dialects.cloudzero.conftest import World
from tests.dialects.live import live_server

EVERYTHING = {"start": "2000-01-01T00:00:00Z", "end": "2100-01-01T00:00:00Z"}


@pytest.fixture(autouse=True)
def no_streams_left(cz: World) -> Iterator[None]:
    """Each test starts and leaves the orgs without streams (the server is shared)."""
    yield
    with cz.platform.session() as s:
        for org in ("acme", "globex"):
            for name in streams.stream_names(s, org):
                streams.delete_stream(s, org, name)
            for name in allocation.stream_names(s, org):
                allocation.delete_stream(s, org, name)


def metric(ts: str, value: Any, granularity: str = "DAILY", **labels: str) -> dict[str, Any]:
    return {"timestamp": ts, "value": value, "granularity": granularity, "filter": labels}


def element(ts: str, value: Any, name: str, granularity: str = "DAILY") -> dict[str, Any]:
    return {
        "timestamp": ts,
        "value": value,
        "granularity": granularity,
        "element": {"customer": name},
    }


def stored(cz: World, name: str, org: str = "acme") -> list[tuple[str, str, Decimal]]:
    with cz.platform.session() as s:
        found = streams.records_between(
            s, org, name, datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)
        )
    return [(r.period_start.isoformat(), r.granularity.value, r.value) for r in found]


def delete(c: httpx.Client, path: str, body: dict[str, Any]) -> httpx.Response:
    return c.request("DELETE", path, json=body)


class TestMetricRecords:
    @pytest.mark.parametrize(
        "body, field",
        [
            ({}, "records"),
            ({"records": "x"}, "records"),
            ({"records": [metric("2024-10-01", "5")]}, "records.0.value"),
            ({"records": [metric("2024-10-01", 5, "WEEKLY")]}, "records.0.granularity"),
            ({"records": [metric("soon", 5)]}, "records[0].timestamp"),
            ({"records": [{"timestamp": "2024-10-01", "value": 1}]}, "records.0.granularity"),
            ({"records": [{**metric("2024-10-01", 1), "filter": {"a": 1}}]}, "records.0.filter"),
        ],
    )
    def test_a_bad_body_is_400_naming_the_field(
        self, cz: World, body: dict[str, Any], field: str
    ) -> None:
        with cz.client() as c:
            r = c.post("/v1/telemetry/requests/records", json=body)
        assert r.status_code == 400, r.text
        assert r.json()["code"] == "BadRequest" and field in r.json()["message"], r.json()

    def test_no_key_is_401_and_a_key_without_telemetry_write_is_403(self, cz: World) -> None:
        body = {"records": [metric("2024-10-01", 1)]}
        with cz.server.client() as c:
            assert c.post("/v1/telemetry/requests/records", json=body).status_code == 401
        key = cz.key("acme", ["costs:read"])
        with cz.server.client(Authorization=key) as c:
            for r in (
                c.post("/v1/telemetry/requests/records", json=body),
                delete(c, "/v1/telemetry/requests/records", {"timestamp": "2024-10-01"}),
                c.delete("/v1/telemetry/requests"),
                c.post("/v1/telemetry/allocation/split/sum", json=body),
            ):
                assert r.status_code == 403 and r.json()["code"] == "Forbidden"

    def test_records_are_202_and_stored_aligned_in_utc(self, cz: World) -> None:
        body = {
            "records": [
                metric("2024-10-01T10:30:00+02:00", 5, "HOURLY", customer="a"),
                metric("2024-10-01", 2.5, customer="b"),
            ]
        }
        with cz.client() as c:
            r = c.post("/v1/telemetry/requests/records", json=body)
        assert r.status_code == 202, r.text
        assert r.json()["records"] == 2
        assert stored(cz, "requests") == [
            ("2024-10-01T00:00:00+00:00", "DAILY", Decimal("2.5")),
            ("2024-10-01T08:00:00+00:00", "HOURLY", Decimal("5")),
        ]

    def test_a_resent_record_replaces_its_value(self, cz: World) -> None:
        with cz.client() as c:
            for value in (1, 7):
                c.post(
                    "/v1/telemetry/requests/records",
                    json={"records": [metric("2024-10-01", value)]},
                )
        assert stored(cz, "requests") == [("2024-10-01T00:00:00+00:00", "DAILY", Decimal(7))]


class TestMetricDeletes:
    @pytest.fixture
    def filled(self, cz: World) -> World:
        body = {
            "records": [
                metric("2024-10-01", 1, customer="a"),
                metric("2024-10-01", 2, customer="b"),
                metric("2024-10-01", 3, "MONTHLY"),
                metric("2024-10-02", 4),
            ]
        }
        with cz.client() as c:
            assert c.post("/v1/telemetry/requests/records", json=body).status_code == 202
        return cz

    def test_a_delete_without_a_timestamp_is_400(self, filled: World) -> None:
        with filled.client() as c:
            r = delete(c, "/v1/telemetry/requests/records", {"granularity": "DAILY"})
        assert r.status_code == 400 and "timestamp" in r.json()["message"]

    def test_timestamp_and_granularity_delete_that_period(self, filled: World) -> None:
        with filled.client() as c:
            body = {"timestamp": "2024-10-01T12:00:00Z", "granularity": "DAILY"}
            r = delete(c, "/v1/telemetry/requests/records", body)
        assert r.status_code == 200 and r.json()["deleted"] == 2
        assert [v for _, _, v in stored(filled, "requests")] == [3, 4]

    def test_a_timestamp_alone_deletes_every_granularity_starting_then(self, filled: World) -> None:
        with filled.client() as c:
            r = delete(c, "/v1/telemetry/requests/records", {"timestamp": "2024-10-01"})
        assert r.json()["deleted"] == 3
        with filled.client() as c:
            r = delete(c, "/v1/telemetry/nope/records", {"timestamp": "2024-10-01"})
        assert r.status_code == 200 and r.json()["deleted"] == 0

    def test_deleting_a_stream_is_204_then_404_and_other_orgs_cannot(self, filled: World) -> None:
        with filled.client("globex") as c:
            r = c.delete("/v1/telemetry/requests")
        assert r.status_code == 404 and r.json()["code"] == "NotFound"
        with filled.client() as c:
            assert c.delete("/v1/telemetry/requests").status_code == 204
            assert c.delete("/v1/telemetry/requests").status_code == 404

    def test_other_methods_and_paths_answer_in_cloudzeros_body(self, filled: World) -> None:
        with filled.client() as c:
            r = c.get("/v1/telemetry/requests/records")
            assert r.status_code == 405 and "POST" in r.headers["allow"]
            r = c.get("/v1/telemetry/nothing/here/at/all")
            assert r.status_code == 404 and r.json()["code"] == "NotFound"


TARGET = {"Service": ["Amazon EC2"]}


class TestAllocationWrites:
    @pytest.mark.parametrize(
        "records, field",
        [
            (
                [{"timestamp": "2024-10-01", "value": 1, "granularity": "DAILY"}],
                "records[0].element",
            ),
            ([element("2024-10-01", -1, "a")], "records[0].value"),
            ([element("2024-10-01", 1, "Unallocated")], "records[0].element"),
            (
                [{**element("2024-10-01", 1, "a"), "filter": {"Planet": ["x"]}}],
                "records[0].filter.Planet",
            ),
            (
                [
                    {**element("2024-10-01", 1, "a"), "filter": TARGET},
                    {**element("2024-10-01", 1, "b"), "filter": {}},
                ],
                "records[1].filter",
            ),
        ],
    )
    def test_a_bad_record_is_400_naming_the_field(
        self, cz: World, records: list[dict[str, Any]], field: str
    ) -> None:
        with cz.client() as c:
            r = c.post("/v1/telemetry/allocation/split/sum", json={"records": records})
        assert r.status_code == 400, r.text
        assert r.json()["message"].startswith(field), r.json()

    def test_sum_adds_replace_replaces_and_delete_removes(self, cz: World) -> None:
        path = "/v1/telemetry/allocation/split"
        with cz.client() as c:
            r = c.post(f"{path}/sum", json={"records": [element("2024-10-01", 1, "a")]})
            assert r.status_code == 202 and r.json()["records"] == 1
            c.post(
                f"{path}/sum",
                json={"records": [element("2024-10-01", 2, "a"), element("2024-10-01", 1, "b")]},
            )
            assert self.values(cz) == {("2024-10-01", "a"): 3, ("2024-10-01", "b"): 1}
            r = c.post(
                f"{path}/replace",
                json={"records": [element("2024-10-01", 5, "c"), element("2024-10-02", 1, "a")]},
            )
            assert r.status_code == 202
            assert self.values(cz) == {("2024-10-01", "c"): 5, ("2024-10-02", "a"): 1}
            r = c.post(
                f"{path}/delete", json={"timestamp": "2024-10-01T08:00:00Z", "granularity": "DAILY"}
            )
            assert r.status_code == 200 and r.json()["deleted"] == 1
            assert self.values(cz) == {("2024-10-02", "a"): 1}
            r = c.post(f"{path}/delete", json={"timestamp": "2024-10-02"})
            assert r.status_code == 400 and "granularity" in r.json()["message"]

    def values(self, cz: World) -> dict[tuple[str, str], Decimal]:
        with cz.platform.session() as s:
            found = allocation.load(s, "acme", "split", datetime(2024, 1, 1), datetime(2025, 1, 1))
        return {
            (r.period_start.date().isoformat(), r.labels["customer"]): r.value
            for r in found.records
        }


def costs(c: httpx.Client, body: dict[str, Any]) -> httpx.Response:
    return c.post("/v2/billing/costs", json=body)


def totals(data: list[dict[str, Any]], dim: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for item in data:
        key = item["group"][dim]
        out[key] = out.get(key, 0.0) + sum(p["value"] for p in item["cost"])
    return out


class TestAllocationDimension:
    @pytest.fixture
    def split(self, cz: World) -> tuple[World, str, str]:
        """A stream over the FOCUS sample's days, targeting its most expensive service."""
        [(service, first, last)] = cz.sql(
            "acme",
            "SELECT ServiceName, min(ChargePeriodStart), max(ChargePeriodStart) FROM costs "
            "GROUP BY 1 ORDER BY sum(EffectiveCost) DESC LIMIT 1",
        )
        [(busiest,)] = cz.sql(
            "acme",
            "SELECT date_trunc('day', ChargePeriodStart) AS d FROM costs WHERE ServiceName = "
            f"'{service}' AND ChargeCategory <> 'Credit' GROUP BY d "
            "ORDER BY abs(sum(EffectiveCost)) DESC LIMIT 1",
        )
        days = {first.date().isoformat(), last.date().isoformat(), busiest.date().isoformat()}
        records = [
            {**element(d, v, e), "filter": {"Service": [service]}}
            for d in sorted(days)
            for v, e in ((1, "a"), (3, "b"))
        ]
        with cz.client() as c:
            r = c.post("/v1/telemetry/allocation/customers/replace", json={"records": records})
        assert r.status_code == 202, r.text
        return cz, service, busiest.date().isoformat()

    def test_the_stream_is_a_listed_dimension(self, split: tuple[World, str, str]) -> None:
        cz, _, _ = split
        with cz.client() as c:
            data = c.get("/v2/billing/dimensions").json()["data"]
        assert {"id": "Allocation:customers", "name": "customers", "type": "Allocation"} in data
        with cz.client("globex") as c:
            ids = [d["id"] for d in c.get("/v2/billing/dimensions").json()["data"]]
        assert "Allocation:customers" not in ids

    @pytest.mark.parametrize("granularity", ["daily", "monthly", "cumulative"])
    def test_grouped_totals_equal_the_plain_ones(
        self, split: tuple[World, str, str], granularity: str
    ) -> None:
        cz, service, _ = split
        body = {**EVERYTHING, "granularity": granularity, "group_by": ["Service"]}
        with cz.client() as c:
            plain = costs(c, body).json()["data"]
            r = costs(c, {**body, "group_by": ["Service", "Allocation:customers"]})
        assert r.status_code == 200, r.text
        split_data = r.json()["data"]
        assert {tuple(d["group"]) for d in split_data} == {("Service", "Allocation:customers")}
        by_service, plain_by_service = totals(split_data, "Service"), totals(plain, "Service")
        assert by_service.keys() == plain_by_service.keys()
        for key, value in plain_by_service.items():
            assert by_service[key] == pytest.approx(value, rel=1e-12, abs=1e-9)
        elements = {
            d["group"]["Allocation:customers"]
            for d in split_data
            if d["group"]["Service"] == service
        }
        assert elements >= {"a", "b"}
        others = {
            d["group"]["Allocation:customers"]
            for d in split_data
            if d["group"]["Service"] != service
        }
        assert others <= {"Unallocated"}

    def test_elements_split_in_proportion_to_their_values(
        self, split: tuple[World, str, str]
    ) -> None:
        cz, service, day = split
        body = {
            "start": day,
            "end": f"{day}T23:59:59Z",
            "granularity": "cumulative",
            "group_by": ["Allocation:customers"],
            "filter": {"Service": [service]},
        }
        with cz.client() as c:
            got = totals(costs(c, body).json()["data"], "Allocation:customers")
        [(total,)] = cz.sql(
            "acme",
            f"SELECT sum(EffectiveCost) FROM costs WHERE ServiceName = '{service}' AND "
            f"ChargeCategory <> 'Credit' AND ChargePeriodStart >= '{day}' AND "
            f"ChargePeriodStart < TIMESTAMP '{day}' + INTERVAL 86399 SECOND",
        )
        assert got.keys() == {"a", "b"}, got
        assert got["a"] + got["b"] == pytest.approx(float(total))
        assert got["b"] == pytest.approx(3 * got["a"])

    def test_a_filter_on_elements_keeps_their_share(self, split: tuple[World, str, str]) -> None:
        cz, _, _ = split
        body = {**EVERYTHING, "granularity": "cumulative", "group_by": ["Allocation:customers"]}
        with cz.client() as c:
            everything = totals(costs(c, body).json()["data"], "Allocation:customers")
            r = costs(
                c,
                {
                    **EVERYTHING,
                    "granularity": "cumulative",
                    "filter": {"Allocation:customers": {"exclude": ["Unallocated"]}},
                },
            )
        [item] = r.json()["data"]
        assert item["cost"][0]["value"] == pytest.approx(everything["a"] + everything["b"])

    @pytest.mark.parametrize(
        "extra, field",
        [
            ({"group_by": ["Allocation:nope"]}, "nope"),
            (
                {"group_by": ["Allocation:customers"], "filter": {"Allocation:other": ["a"]}},
                "group_by",
            ),
            ({"group_by": ["Allocation:"]}, "group_by[0]"),
        ],
    )
    def test_unknown_or_two_streams_are_400(
        self, split: tuple[World, str, str], extra: dict[str, Any], field: str
    ) -> None:
        cz, _, _ = split
        with cz.client() as c:
            r = costs(c, {**EVERYTHING, **extra})
        assert r.status_code == 400 and field in r.json()["message"], r.text


def test_a_split_for_a_user_key_shows_only_its_granted_accounts(cz: World) -> None:
    """The split's two engine questions carry the key's account grant like any other."""
    from costlake.accounts.service import grant_accounts, list_accounts
    from costlake.orgs.service import get_or_create_user, get_org

    with cz.platform.session() as s:
        org = get_org(s, "globex")
        user = get_or_create_user(s, org, "split@globex.test")
        grant_accounts(
            s, user, [a for a in list_accounts(s, org) if a.account_id == "111111111111"]
        )
    days = [f"2024-{m:02d}-01" for m in (8, 9, 10)]
    with cz.client("globex") as c:
        r = c.post(
            "/v1/telemetry/allocation/teams/sum",
            json={
                "records": [
                    element(d, v, e, "MONTHLY") for d in days for v, e in ((1, "x"), (1, "y"))
                ]
            },
        )
        assert r.status_code == 202
    body = {**EVERYTHING, "granularity": "cumulative", "group_by": ["Allocation:teams"]}
    with cz.server.client(Authorization=cz.key("globex", ["*"], user=user)) as c:
        got = totals(costs(c, body).json()["data"], "Allocation:teams")
    [(expected,)] = cz.sql(
        "globex",
        "SELECT sum(EffectiveCost) FROM costs WHERE (SubAccountId = '111111111111' OR "
        "BillingAccountId = '111111111111') AND ChargeCategory <> 'Credit'",
    )
    assert sum(got.values()) == pytest.approx(float(expected))
    assert got["x"] == pytest.approx(got["y"], abs=1e-9)


def test_past_the_limit_telemetry_is_429_and_nothing_is_stored(tmp_path: Path) -> None:
    """Telemetry counts in the ``default`` class (1,000 an hour per key); the operator's
    ``COSTLAKE_RATE_LIMITS={"cloudzero.default": 2}`` stands in for it."""
    platform = Platform.start(Settings(home=tmp_path, rate_limits={"cloudzero.default": 2}))
    try:
        with platform.session() as s:
            key = create_key(s, "acme", "t", ["*"], "cloudzero")[1]
        sent = [{"records": [metric(f"2024-10-0{d}", d)]} for d in (1, 2, 3)]
        allocated = {"records": [element("2024-10-01", 1, "a")]}
        with live_server(platform) as server, server.client(Authorization=key) as c:
            answers = [c.post("/v1/telemetry/requests/records", json=b) for b in sent]
            answers.append(c.post("/v1/telemetry/allocation/split/sum", json=allocated))
        assert [a.status_code for a in answers] == [202, 202, 429, 429]
        assert answers[2].json()["code"] == "TooManyRequests"
        assert int(answers[2].headers["Retry-After"]) > 0
        with platform.session() as s:
            found = streams.records_between(
                s,
                "acme",
                "requests",
                datetime(2024, 1, 1, tzinfo=UTC),
                datetime(2025, 1, 1, tzinfo=UTC),
            )
            assert [r.value for r in found] == [1, 2]
            assert allocation.stream_names(s, "acme") == []
    finally:
        platform.close()
