"""GET /v1/carbon/summary over a live server: shape, estimates, provider data first."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from costlake.focus.scan import scan
from tests.dialects.cloudexpat import seed
from tests.dialects.cloudexpat.conftest import CCFT_ACCOUNT, CCFT_KG_OCTOBER, World


def estimated_kg(world: World, account: str, start: str, end: str) -> Decimal:
    files = world.server.platform.lake.snapshot("acme").files()
    con = duckdb.connect()
    got = con.execute(
        f"SELECT coalesce(sum(x_CarbonKgCO2e), 0) FROM {scan(files)} WHERE "
        f"ChargePeriodStart >= '{start}' AND ChargePeriodStart < '{end}' AND "
        f"x_CarbonSource = 'costlake_ccf_estimate' AND ProviderName = 'AWS' AND "
        f"SubAccountId = '{account}'"
    ).fetchall()[0][0]
    con.close()
    return got


def grams(d: Decimal) -> float:
    return float(d.quantize(Decimal("0.001")))


class TestCarbonSummary:
    def test_refuses_a_missing_key(self, world: World) -> None:
        r = world.server.client().get("/v1/carbon/summary")
        assert r.status_code == 401 and r.json()["code"] == "INVALID_API_KEY"

    def test_shape_matches_the_seed_example(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/carbon/summary")
            .json()
        )
        assert seed.keys_of(body) == seed.keys_of(seed.example("GET /v1/carbon/summary"))

    def test_estimates_are_the_stored_ccf_figures(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/carbon/summary", params={"period": "week"})
            .json()
        )
        rows = {
            a["accountId"].removeprefix("aws-"): a["emissions"]
            for a in body["accounts"]
            if a["provider"] == "aws"
        }
        want = estimated_kg(world, "222222222222", "2024-10-09", "2024-10-16")
        assert want > 0
        assert rows["222222222222"]["current"] == grams(want)
        assert rows["222222222222"]["previous"] == grams(
            estimated_kg(world, "222222222222", "2024-10-02", "2024-10-09")
        )
        assert rows["222222222222"]["isEstimate"] is True
        assert rows["222222222222"]["dataSource"] == "costlake_ccf_estimate"
        assert rows["222222222222"]["unit"] == "kgCO2e"

    def test_provider_data_wins_for_its_account_and_month(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/carbon/summary", params={"period": "week"})
            .json()
        )
        ccft = next(a for a in body["accounts"] if a["accountId"] == f"aws-{CCFT_ACCOUNT}")
        # The week [Oct 9, Oct 16) is 7 of October's 31 days of the reported 31,000 kg.
        assert ccft["emissions"]["current"] == grams(Decimal(CCFT_KG_OCTOBER) * 7 / 31)
        assert ccft["emissions"]["isEstimate"] is False
        assert ccft["emissions"]["dataSource"] == "aws_carbon_footprint"

    def test_totals_add_up(self, world: World) -> None:
        body = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/carbon/summary", params={"period": "week"})
            .json()
        )
        assert body["totals"]["current"] == pytest.approx(
            sum(a["emissions"]["current"] for a in body["accounts"]), abs=0.01
        )

    def test_invalid_period(self, world: World) -> None:
        r = world.server.client(Authorization=f"Bearer {world.acme_key}").get(
            "/v1/carbon/summary", params={"period": "decade"}
        )
        assert r.status_code == 400 and r.json()["code"] == "INVALID_PARAMETER"

    def test_report_includes_carbon_in_markdown(self, world: World) -> None:
        text = (
            world.server.client(Authorization=f"Bearer {world.acme_key}")
            .get("/v1/report", params={"format": "markdown", "period": "week"})
            .text
        )
        assert "### Carbon" in text and "aws_carbon_footprint" in text
