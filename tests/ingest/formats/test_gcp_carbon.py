"""Google Cloud Carbon Footprint export: nested JSON lines and flattened CSV become zero-cost
usage lines carrying the location-based kgCO2e (scope 3 as the embodied share)."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.gcp_carbon import GcpCarbonAdapter
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.reading import describe
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import lake_records

EXAMPLE = {  # the example row of Google's schema page
    "usage_month": "2021-10-01",
    "billing_account_id": "007GD7-15C0E6-BDE6B3",
    "project": {"id": "my-project", "number": "802583874831"},
    "service": {"description": "Cloud Run", "id": "F17B-412E-CB64"},
    "location": {"location": "us-central1-a", "region": "us-central1"},
    "carbon_model_version": 1,
    "carbon_footprint_total_kgCO2e": {
        "after_offsets": None,
        "market_based": 588.8,
        "location_based": 1587.3,
    },
    "carbon_footprint_kgCO2e": {
        "scope1": 10.0,
        "scope2": {"location_based": 1500.3, "market_based": 501.8},
        "scope3": 77.0,
    },
}


def ingest(lake: Lake, path: Path) -> list[dict[str, Any]]:
    result = Ingestor(lake).ingest([path], org="acme")
    assert result.formats == ("gcp-carbon",)
    return sorted(lake_records(lake), key=lambda r: str(r["SubAccountId"]))


def check_example(row: dict[str, Any]) -> None:
    assert row["x_CarbonKgCO2e"] == Decimal("1587.3")  # location-based total
    assert row["x_EmbodiedKgCO2e"] == Decimal(77)  # scope 3
    assert row["x_CarbonSource"] == "gcp_carbon_footprint"
    assert row["x_EnergyKwh"] is None
    assert (row["BillingAccountId"], row["SubAccountId"]) == ("007GD7-15C0E6-BDE6B3", "my-project")
    assert (row["ChargePeriodStart"], row["ChargePeriodEnd"]) == (
        datetime(2021, 10, 1),
        datetime(2021, 11, 1),
    )
    assert (row["ProviderName"], row["ServiceName"]) == ("Google Cloud", "Cloud Run")
    assert (row["RegionId"], row["RegionName"]) == ("us-central1", "Iowa")
    assert (row["ChargeCategory"], row["BilledCost"], row["ListCost"]) == ("Usage", 0, 0)


def test_json_lines_with_nested_records(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "carbon.jsonl"
    path.write_text(json.dumps(EXAMPLE) + "\n")
    [row] = ingest(lake, path)
    check_example(row)


def test_flattened_csv_with_dotted_columns(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text(
        "usage_month,billing_account_id,project.id,project.number,service.description,"
        "service.id,location.location,location.region,carbon_model_version,"
        "carbon_footprint_total_kgCO2e.location_based,carbon_footprint_total_kgCO2e.market_based,"
        "carbon_footprint_kgCO2e.scope1,carbon_footprint_kgCO2e.scope2.location_based,"
        "carbon_footprint_kgCO2e.scope2.market_based,carbon_footprint_kgCO2e.scope3\n"
        "2021-10-01,007GD7-15C0E6-BDE6B3,my-project,802583874831,Cloud Run,F17B-412E-CB64,"
        "us-central1-a,us-central1,1,1587.3,588.8,10,1500.3,501.8,77\n"
    )
    [row] = ingest(lake, path)
    check_example(row)


def test_without_the_total_the_location_based_scopes_are_summed(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text(
        "usage_month,billing_account_id,project_id,service_description,location_region,"
        "carbon_footprint_kgCO2e_scope1,carbon_footprint_kgCO2e_scope2_location_based,"
        "carbon_footprint_kgCO2e_scope2_market_based,carbon_footprint_kgCO2e_scope3\n"
        "2024-02-01,B-1,p1,Compute Engine,europe-west1,1.5,20.25,3,0.125\n"
        "2024-02-01,B-1,,Support,,,,,2\n"
    )
    no_project, p1 = ingest(lake, path)
    assert p1["x_CarbonKgCO2e"] == Decimal("21.875")  # 1.5 + 20.25 + 0.125, not market 3
    assert no_project["SubAccountId"] is None  # billing-account-level emissions
    assert no_project["x_CarbonKgCO2e"] == Decimal(2)  # missing scopes count as 0
    assert no_project["RegionId"] is None


def test_detection(tmp_path: Path, duck: Any) -> None:
    path = tmp_path / "carbon.jsonl"
    path.write_text(json.dumps(EXAMPLE) + "\n")
    assert registry.detect(describe(duck, path), path=str(path)).name == "gcp-carbon"
    billing = tmp_path / "billing.csv"
    billing.write_text("billing_account_id,service.description,cost,usage_start_time\n")
    assert GcpCarbonAdapter().detect(describe(duck, billing)) == 0


def test_a_file_without_emissions_is_refused(tmp_path: Path, duck: Any) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text("usage_month,billing_account_id\n2024-01-01,B\n")
    with pytest.raises(MalformedFile, match="carbon_footprint"):
        GcpCarbonAdapter().select(describe(duck, path))
