"""Emissions per account: provider-reported data wins for its account-month, estimates fill
the rest. Every number below is set by hand in the files, so the sums can be checked by eye."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from costlake.carbon.enricher import ESTIMATE
from costlake.carbon.service import AccountEmissions, emissions_by_account
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.platform import default_enrichers
from costlake.query.service import QueryService
from tests.carbon.conftest import line, write_focus

D = Decimal
APRIL, MAY, JUNE = datetime(2025, 4, 1), datetime(2025, 5, 1), datetime(2025, 6, 1)


def used(
    month: datetime, account: str | None, kg: str, *, provider: str = "AWS", billing: str = "P"
) -> dict[str, object]:
    """A usage line already carrying a CCF estimate of ``kg``."""
    return line(
        ProviderName=provider,
        BillingAccountId=billing,
        SubAccountId=account,
        BillingPeriodStart=month,
        BillingPeriodEnd=month.replace(month=month.month + 1),
        ChargePeriodStart=month.replace(day=3),
        ChargePeriodEnd=month.replace(day=4),
        x_CarbonKgCO2e=D(kg),
        x_EnergyKwh=D(1),
        x_CarbonSource=ESTIMATE,
    )


@pytest.fixture
def queries(tmp_path: Path) -> QueryService:
    lake = Lake(tmp_path / "lake")
    ingest = Ingestor(lake, enrichers=default_enrichers())
    estimates = write_focus(
        tmp_path / "usage.parquet",
        [
            used(APRIL, "A", "2.0"),
            used(APRIL, "A", "3.0"),
            used(MAY, "A", "4.0"),
            used(APRIL, "B", "1.5"),
            used(MAY, "B", "2.5"),
            used(APRIL, "S", "7", provider="Microsoft", billing="EA"),
            used(APRIL, "proj", "100", provider="Google Cloud", billing="GB-1"),
            used(APRIL, None, "0.5", billing="P2"),  # no sub account: the billing account counts
            used(JUNE, "A", "1000"),  # outside the window
            line(
                ChargeCategory="Tax",
                BillingAccountId="P",
                SubAccountId="A",
                BillingPeriodStart=APRIL,
                ChargePeriodStart=APRIL,
            ),  # no carbon at all
        ],
    )
    ingest.ingest([estimates], org="acme", source="usage")
    ccft = tmp_path / "ccft.csv"
    ccft.write_text(
        "usage_account_id,payer_account_id,usage_period_start,usage_period_end,product_code,"
        "region_code,total_lbm_emissions_value,total_lbm_emissions_unit\n"
        # A in April: 0.010 MTCO2e = 10 kg. B in April and May: 1 kg and 2 kg.
        "A,P,2025-04-01 00:00:00Z,2025-05-01 00:00:00Z,AmazonEC2,us-east-1,0.010,MTCO2e\n"
        "B,P,2025-04-01 00:00:00Z,2025-05-01 00:00:00Z,AmazonS3,us-east-1,0.001,MTCO2e\n"
        "B,P,2025-05-01 00:00:00Z,2025-06-01 00:00:00Z,AmazonS3,us-east-1,0.002,MTCO2e\n"
    )
    ingest.ingest([ccft], org="acme")
    gcp = tmp_path / "gcp-carbon.jsonl"
    gcp.write_text(
        json.dumps(
            {
                "usage_month": "2025-04-01",
                "billing_account_id": "GB-1",
                "project": {"id": "proj"},
                "service": {"description": "Compute Engine"},
                "location": {"region": "us-central1"},
                "carbon_footprint_total_kgCO2e": {"location_based": 50.5, "market_based": 12.0},
            }
        )
        + "\n"
    )
    ingest.ingest([gcp], org="acme")
    return QueryService(lake)


def by_account(rows: list[AccountEmissions]) -> dict[str, AccountEmissions]:
    return {r.account_id: r for r in rows}


def test_provider_data_wins_for_its_account_month_and_estimates_fill_the_rest(
    queries: QueryService,
) -> None:
    got = by_account(emissions_by_account(queries, "acme", APRIL, JUNE))
    assert set(got) == {"A", "B", "S", "proj", "P2"}
    # A: April reported 10 kg (the 2 + 3 kg estimate is ignored), May estimated 4 kg.
    assert got["A"] == AccountEmissions("AWS", "A", D(14), True, ESTIMATE)
    # B: both months reported (1 + 2 kg); the 1.5 + 2.5 kg of estimates are ignored.
    assert got["B"] == AccountEmissions("AWS", "B", D(3), False, "aws_carbon_footprint")
    assert got["S"] == AccountEmissions("Microsoft", "S", D(7), True, ESTIMATE)
    assert got["proj"] == AccountEmissions(
        "Google Cloud", "proj", D("50.5"), False, "gcp_carbon_footprint"
    )
    assert got["P2"] == AccountEmissions("AWS", "P2", D("0.5"), True, ESTIMATE)


def test_a_window_fully_covered_by_provider_data_is_not_an_estimate(queries: QueryService) -> None:
    got = by_account(emissions_by_account(queries, "acme", APRIL, MAY))
    assert got["A"] == AccountEmissions("AWS", "A", D(10), False, "aws_carbon_footprint")
    assert got["B"].kg_co2e == D(1)


def test_accounts_can_be_restricted(queries: QueryService) -> None:
    got = emissions_by_account(queries, "acme", APRIL, JUNE, account_ids=("B", "proj"))
    assert [(r.provider_name, r.account_id) for r in got] == [
        ("AWS", "B"),
        ("Google Cloud", "proj"),
    ]


def test_an_empty_window_has_no_accounts(queries: QueryService) -> None:
    assert emissions_by_account(queries, "acme", datetime(2020, 1, 1), datetime(2020, 2, 1)) == []


@pytest.mark.parametrize(
    "windows",
    [
        [(APRIL, JUNE), (datetime(2025, 2, 1), APRIL)],
        [
            (datetime(2025, 4, 2), datetime(2025, 5, 17)),
            (datetime(2025, 3, 18), datetime(2025, 4, 2)),
        ],
        [(MAY, datetime(2025, 5, 8)), (datetime(2025, 4, 24), MAY)],
    ],
)
def test_one_scan_for_several_windows_answers_as_each_window_alone(
    queries: QueryService, windows: list[tuple[datetime, datetime]]
) -> None:
    from costlake.carbon.service import emissions_for_windows

    together = emissions_for_windows(queries, "acme", windows)
    alone = [emissions_by_account(queries, "acme", s, e) for s, e in windows]
    assert together == alone
    assert any(together)
