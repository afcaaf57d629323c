"""CloudExpat over a live server: every endpoint, parameter and documented error."""

from __future__ import annotations

import shutil
import subprocess
from datetime import datetime
from decimal import Decimal

import duckdb
import pytest

from costlake.focus.scan import scan
from tests.dialects.cloudexpat import seed
from tests.dialects.cloudexpat.conftest import World

AUTH_ERROR_KEYS = {"error", "message", "code"}


def lake_sum(world: World, org: str, start: str, end: str, where: str = "true") -> Decimal:
    files = world.server.platform.lake.snapshot(org).files()
    con = duckdb.connect()
    got = con.execute(
        f"SELECT coalesce(sum(BilledCost), 0) FROM {scan(files)} WHERE "
        f"ChargePeriodStart >= '{start}' AND ChargePeriodStart < '{end}' AND {where}"
    ).fetchone()[0]
    con.close()
    return got


def money(d: Decimal) -> float:
    return float(d.quantize(Decimal("0.01")))


class TestAuthentication:
    def test_missing_key(self, world: World) -> None:
        r = world.server.client().get("/v1/costs/summary")
        assert r.status_code == 401
        assert r.json()["code"] == "INVALID_API_KEY" and set(r.json()) == AUTH_ERROR_KEYS

    @pytest.mark.parametrize(
        "header",
        [
            "Bearer nope",
            "Bearer ce_live_short",
            "Basic abc",
            "ce_live_" + "a" * 32,
            "Bearer ce_test_" + "a" * 32,
        ],
    )
    def test_wrong_shape(self, world: World, header: str) -> None:
        r = world.server.client(Authorization=header).get("/v1/costs/summary")
        assert r.status_code == 401
        assert r.json() == {
            "error": "INVALID_API_KEY_FORMAT",
            "code": "INVALID_API_KEY_FORMAT",
            "message": r.json()["message"],
        }

    def test_unknown_key_of_right_shape(self, world: World) -> None:
        r = world.server.client(Authorization="Bearer ce_live_" + "Z" * 32).get("/v1/costs/summary")
        assert r.status_code == 401
        assert r.json() == {
            "error": "INVALID_API_KEY",
            "code": "INVALID_API_KEY",
            "message": "The provided API key is invalid or expired",
        }

    def test_revoked_key(self, world: World) -> None:
        from costlake.keys.service import authenticate, revoke_key

        key = world.new_key()
        client = world.server.client(Authorization=f"Bearer {key}")
        assert client.get("/v1/costs/summary").status_code == 200
        with world.server.platform.session() as s:
            auth = authenticate(s, key)
            assert auth is not None
            revoke_key(s, "acme", auth.key_id)
        r = client.get("/v1/costs/summary")
        assert r.status_code == 401 and r.json()["code"] == "INVALID_API_KEY"

    def test_key_of_another_style_is_the_wrong_format(self, world: World) -> None:
        key = world.new_key(style="plain")
        r = world.server.client(Authorization=f"Bearer {key}").get("/v1/costs/summary")
        assert r.json()["code"] == "INVALID_API_KEY_FORMAT"


class TestRateLimit:
    def test_exactly_100_requests_per_hour(self, world: World) -> None:
        client = world.server.client(Authorization=f"Bearer {world.new_key()}")
        remaining = []
        for _ in range(100):
            r = client.get("/v1/costs/summary", params={"period": "day"})
            assert r.status_code == 200
            assert r.headers["X-RateLimit-Limit"] == "100"
            remaining.append(int(r.headers["X-RateLimit-Remaining"]))
        assert remaining == list(range(99, -1, -1))
        r = client.get("/v1/costs/summary")
        assert r.status_code == 429
        assert r.json()["code"] == "RATE_LIMIT_EXCEEDED" and set(r.json()) == AUTH_ERROR_KEYS
        assert r.headers["X-RateLimit-Remaining"] == "0"
        reset = int(r.headers["X-RateLimit-Reset"])
        assert reset % 3600 == 0 and reset > datetime.now().timestamp()

    def test_limits_are_per_key(self, world: World) -> None:
        a = world.server.client(Authorization=f"Bearer {world.new_key()}")
        b = world.server.client(Authorization=f"Bearer {world.new_key()}")
        a.get("/v1/costs/summary")
        assert b.get("/v1/costs/summary").headers["X-RateLimit-Remaining"] == "99"


class TestCostSummary:
    def test_shape_matches_the_seed_example(self, world: World) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").get(
            "/v1/costs/summary", params={"period": "month"}
        )
        assert r.status_code == 200
        assert seed.keys_of(r.json()) == seed.keys_of(seed.example("GET /v1/costs/summary"))

    @pytest.mark.parametrize(
        ("period", "cur", "prev", "labels"),
        [
            (
                "month",
                ("2024-09-16", "2024-10-16"),
                ("2024-08-16", "2024-09-16"),
                ("This Month", "Last Month"),
            ),
            (
                "week",
                ("2024-10-09", "2024-10-16"),
                ("2024-10-02", "2024-10-09"),
                ("Last 7 Days", "Previous 7 Days"),
            ),
            (
                "day",
                ("2024-10-15", "2024-10-16"),
                ("2024-10-14", "2024-10-15"),
                ("Yesterday", "Previous Day"),
            ),
        ],
    )
    def test_windows_and_totals(
        self,
        world: World,
        period: str,
        cur: tuple[str, str],
        prev: tuple[str, str],
        labels: tuple[str, str],
    ) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/costs/summary", params={"period": period})
            .json()
        )
        assert body["period"] == {"start": cur[0], "end": cur[1], "label": labels[0]}
        assert body["comparison"] == {"start": prev[0], "end": prev[1], "label": labels[1]}
        current, previous = lake_sum(world, "acme", *cur), lake_sum(world, "acme", *prev)
        assert body["totals"]["current"] == money(current)
        assert body["totals"]["previous"] == money(previous)
        assert body["totals"]["delta"]["absolute"] == money(current - previous)
        assert body["totals"]["delta"]["percentage"] == float(
            ((current - previous) / previous * 100).quantize(Decimal("0.01"))
        )
        assert body["generatedAt"] == "2024-10-16T10:30:00.000Z"

    def test_accounts_add_up_and_carry_their_services(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/costs/summary")
            .json()
        )
        slug = (
            "CASE ProviderName WHEN 'AWS' THEN 'aws' WHEN 'Microsoft' THEN 'azure' "
            "WHEN 'Google Cloud' THEN 'gcp' END"
        )
        assert body["accounts"]
        for a in body["accounts"]:
            want = lake_sum(
                world,
                "acme",
                "2024-09-16",
                "2024-10-16",
                f"coalesce(SubAccountId, BillingAccountId) = '{a['externalId']}' "
                f"AND {slug} = '{a['provider']}'",
            )
            assert a["costs"]["current"] == money(want)
            assert a["accountId"] == f"{a['provider']}-{a['externalId']}"
            # The window reaches into October 2024, a billing month not closed on 2024-10-16.
            assert a["costs"]["currency"] == "USD" and a["costs"]["isEstimate"] is True
            assert a["byService"] == sorted(a["byService"], key=lambda s: -s["cost"])
            assert sum(s["percentage"] for s in a["byService"]) == pytest.approx(100, abs=0.05)
        assert {a["provider"] for a in body["accounts"]} == {"aws", "azure", "gcp"}

    def test_compare_none(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/costs/summary", params={"compare": "none"})
            .json()
        )
        assert body["comparison"] is None and body["totals"]["previous"] is None
        assert all(a["costs"]["delta"] is None for a in body["accounts"])

    def test_account_filter_by_id_or_external_id(self, world: World) -> None:
        client = world.server.client(Authorization=f"Bearer {world.acme_key}")
        first = client.get("/v1/costs/summary").json()["accounts"][0]
        body = client.get("/v1/costs/summary", params={"accountId": first["accountId"]}).json()
        assert [a["accountId"] for a in body["accounts"]] == [first["accountId"]]
        assert body["totals"]["current"] == first["costs"]["current"]
        # An external id names the account in every provider that uses it.
        body = client.get("/v1/costs/summary", params={"accountId": first["externalId"]}).json()
        assert first["accountId"] in [a["accountId"] for a in body["accounts"]]
        assert {a["externalId"] for a in body["accounts"]} == {first["externalId"]}

    def test_unknown_account_gives_no_accounts(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/costs/summary", params={"accountId": "aws-000"})
            .json()
        )
        assert body["accounts"] == [] and body["totals"]["current"] == 0

    @pytest.mark.parametrize(
        "params",
        [{"period": "year"}, {"compare": "last"}, {"period": ""}, {"accountId": "x" * 300}],
    )
    def test_invalid_parameters(self, world: World, params: dict[str, str]) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").get(
            "/v1/costs/summary", params=params
        )
        assert r.status_code == 400
        assert r.json()["code"] == "INVALID_PARAMETER" and set(r.json()) == AUTH_ERROR_KEYS
        assert "X-RateLimit-Remaining" in r.headers


class TestUnknownPaths:
    def test_unknown_path_under_the_dialect_gets_its_error_body(self, world: World) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").get("/v1/costs/nothing")
        assert r.status_code == 404 and set(r.json()) == AUTH_ERROR_KEYS

    def test_wrong_method(self, world: World) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").post("/v1/costs/summary")
        assert r.status_code == 405 and set(r.json()) == AUTH_ERROR_KEYS

    def test_openapi_document_is_served(self, world: World) -> None:
        doc = world.server.client().get("/openapi/cloudexpat.json").json()
        assert set(doc["paths"]) == {"/v1/costs/summary", "/v1/carbon/summary", "/v1/report"}


class TestIsolation:
    def test_a_key_never_sees_another_orgs_data(self, world: World) -> None:
        acme = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/costs/summary")
            .json()
        )
        globex = (
            world.server.client(Authorization=f"Bearer {world.globex_key}")
            .get("/v1/costs/summary")
            .json()
        )
        assert acme["totals"]["current"] == money(
            lake_sum(world, "acme", "2024-09-16", "2024-10-16")
        )
        assert globex["totals"]["current"] == money(
            lake_sum(world, "globex", "2024-09-16", "2024-10-16")
        )
        assert acme["totals"]["current"] != globex["totals"]["current"]

    def test_a_user_key_sees_only_granted_accounts(self, world: World) -> None:
        from costlake.accounts.service import grant_accounts, list_accounts
        from costlake.keys.service import create_key
        from costlake.orgs.service import get_or_create_user, get_org

        with world.server.platform.session() as s:
            org = get_org(s, "acme")
            user = get_or_create_user(s, org, "dev@acme.test")
            granted = [a for a in list_accounts(s, org) if a.account_id == "222222222222"]
            grant_accounts(s, user, granted)
            key = create_key(s, "acme", "dev", ["*"], "cloudexpat", user=user)[1]
        body = world.server.client(Authorization=f"Bearer {key}").get("/v1/costs/summary").json()
        assert {a["externalId"] for a in body["accounts"]} == {"222222222222"}
        assert body["totals"]["current"] == money(
            lake_sum(
                world,
                "acme",
                "2024-09-16",
                "2024-10-16",
                "(SubAccountId = '222222222222' OR BillingAccountId = '222222222222') AND "
                "ProviderName IN ('AWS', 'Microsoft', 'Google Cloud')",
            )
        )


class TestReport:
    def test_json_shape(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/report", params={"format": "json"})
            .json()
        )
        assert set(body) == {"costs", "carbon", "dataQuality", "metadata"}
        assert seed.keys_of(body["costs"]) == seed.keys_of(seed.example("GET /v1/costs/summary"))
        assert seed.keys_of(body["metadata"]) == {"generatedAt", "apiVersion", "dashboardUrl"}
        assert body["dataQuality"]["status"] == "actual"
        assert body["metadata"]["apiVersion"] == "v1"

    def test_limits_and_clamping(self, world: World) -> None:
        client = world.server.client(Authorization=f"Bearer {world.acme_key}")
        body = client.get(
            "/v1/report", params={"max_accounts": 1, "max_services": 2, "include_carbon": "false"}
        ).json()
        assert "carbon" not in body
        assert len(body["costs"]["accounts"]) == 1
        assert len(body["costs"]["accounts"][0]["byService"]) <= 2
        clamped = client.get("/v1/report", params={"max_services": 50}).json()
        assert max(len(a["byService"]) for a in clamped["costs"]["accounts"]) <= 10

    @pytest.mark.parametrize(
        "params",
        [
            {"max_accounts": "0"},
            {"max_accounts": "ten"},
            {"format": "html"},
            {"include_carbon": "maybe"},
        ],
    )
    def test_invalid_parameters(self, world: World, params: dict[str, str]) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").get(
            "/v1/report", params=params
        )
        assert r.status_code == 400 and r.json()["code"] == "INVALID_PARAMETER"

    def test_no_data_gives_resources_and_no_data_status(self, world: World) -> None:
        key = world.new_key(org="empty-org")
        body = world.server.client(Authorization=f"Bearer {key}").get("/v1/report").json()
        assert body["dataQuality"]["status"] == "no_data"
        assert body["resources"]["totalResources"] == 0

    def test_markdown(self, world: World) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").get(
            "/v1/report", params={"format": "markdown", "period": "week"}
        )
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/markdown")
        text = r.text
        assert text.startswith("## ")
        assert "| **Total cost** |" in text and "Data quality: actual" in text
        totals = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/costs/summary", params={"period": "week"})
            .json()["totals"]
        )
        assert f"${totals['current']:,.2f}" in text


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_every_curl_example_in_the_seed_works(world: World) -> None:
    commands = seed.curl_commands()
    assert len(commands) == 6
    for command in commands:
        cmd = (
            command.replace("https://data.cloudexpat.com", world.url)
            .replace("YOUR_API_KEY", world.acme_key)
            .replace("ce_live_xxxxx", world.acme_key)
        )
        out = subprocess.run(
            cmd + " -s -o /dev/null -w '%{http_code}'",
            shell=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.stdout == "200", (command, out.stdout, out.stderr)
