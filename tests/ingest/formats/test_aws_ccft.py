"""AWS Customer Carbon Footprint Tool data: both layouts become zero-cost usage lines that
carry the reported emissions in kg, and the carbon enricher leaves them alone."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.aws_ccft import AwsCcftAdapter
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.reading import describe
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import lake_records

EXPORT_HEADER = (
    "last_refresh_timestamp,location,model_version,payer_account_id,product_code,region_code,"
    "total_lbm_emissions_unit,total_lbm_emissions_value,total_mbm_emissions_unit,"
    "total_mbm_emissions_value,usage_account_id,usage_period_end,usage_period_start\n"
)


def ingest(lake: Lake, path: Path) -> list[dict[str, Any]]:
    result = Ingestor(lake).ingest([path], org="acme")
    assert result.formats == ("aws-ccft",)
    return sorted(lake_records(lake), key=lambda r: (r["SubAccountId"], r["ChargePeriodStart"]))


def test_the_data_exports_carbon_table(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text(
        EXPORT_HEADER
        + (
            "2025-05-20 10:00:00Z,US East (N. Virginia),v3.0.0,111122223333,AmazonEC2,us-east-1,"
            "MTCO2e,0.0125,MTCO2e,0.002,444455556666,2025-05-01 00:00:00Z,2025-04-01 00:00:00Z\n"
        )
    )
    [row] = ingest(lake, path)
    assert row["x_CarbonKgCO2e"] == Decimal("12.5")  # location-based 0.0125 t x 1000
    assert row["x_CarbonSource"] == "aws_carbon_footprint"
    assert (row["x_EnergyKwh"], row["x_EmbodiedKgCO2e"]) == (None, None)  # not reported
    assert (row["BillingAccountId"], row["SubAccountId"]) == ("111122223333", "444455556666")
    assert (row["ChargePeriodStart"], row["ChargePeriodEnd"]) == (
        datetime(2025, 4, 1),
        datetime(2025, 5, 1),
    )
    assert row["BillingPeriodStart"] == datetime(2025, 4, 1)
    assert [row[c] for c in ("BilledCost", "EffectiveCost", "ListCost", "ContractedCost")] == [
        Decimal(0)
    ] * 4
    assert (row["ChargeCategory"], row["ProviderName"]) == ("Usage", "AWS")
    assert (row["ServiceName"], row["ServiceCategory"]) == (
        "Amazon Elastic Compute Cloud",
        "Compute",
    )
    assert (row["RegionId"], row["RegionName"]) == ("us-east-1", "US East (N. Virginia)")


def test_market_based_is_used_when_the_location_based_value_is_missing(
    tmp_path: Path, lake: Lake
) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text(
        "payer_account_id,usage_account_id,usage_period_start,product_code,region_code,"
        "total_mbm_emissions_unit,total_mbm_emissions_value\n"
        "1,2,2025-04-01,AmazonS3,eu-west-1,MTCO2e,0.25\n"
        "1,3,2025-04-01,AmazonS3,eu-west-1,kgCO2e,7.5\n"
    )
    two, three = ingest(lake, path)
    assert two["x_CarbonKgCO2e"] == Decimal(250)  # 0.25 t
    assert three["x_CarbonKgCO2e"] == Decimal("7.5")  # the unit column says kg
    assert two["ChargePeriodEnd"] == datetime(2025, 5, 1)  # no end column: one month
    assert two["ServiceCategory"] == "Storage"


def test_the_older_ccft_layout(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "ccft.csv"
    path.write_text(
        "accountid,querydate,startdate,mbmcarbon,paceproductcode,regioncode\n"
        "444455556666,2023-06-10,2023-01-01,0.031,EC2,eu-west-1\n"
        "444455556666,2023-06-10,2023-02-01,0.001,Other,\n"
    )
    jan, feb = ingest(lake, path)
    assert jan["x_CarbonKgCO2e"] == Decimal(31)
    assert jan["BillingAccountId"] == jan["SubAccountId"] == "444455556666"  # no payer column
    assert jan["ServiceName"] == "Amazon Elastic Compute Cloud"
    assert (feb["ChargePeriodStart"], feb["ServiceName"]) == (
        datetime(2023, 2, 1),
        "Other AWS services",
    )
    assert feb["RegionId"] is None


def test_parquet_doubles_convert_through_their_shortest_text(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "carbon.parquet"
    pq.write_table(
        pa.table(
            {
                "usage_account_id": ["2"],
                "payer_account_id": ["1"],
                "usage_period_start": [datetime(2025, 3, 1)],
                "product_code": ["AWSLambda"],
                "region_code": ["us-west-2"],
                "total_lbm_emissions_value": pa.array([0.1], pa.float64()),
            }
        ),
        path,
    )
    [row] = ingest(lake, path)
    assert row["x_CarbonKgCO2e"] == Decimal(100)  # 0.1 t, not 100.000000000000005551


def test_detection_prefers_this_adapter_and_leaves_billing_files_alone(
    tmp_path: Path, duck: Any
) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text(EXPORT_HEADER)
    assert registry.detect(describe(duck, path), path=str(path)).name == "aws-ccft"
    cur = tmp_path / "cur.csv"
    cur.write_text("identity/LineItemId,lineItem/UsageAccountId,lineItem/UnblendedCost\n")
    assert AwsCcftAdapter().detect(describe(duck, cur)) == 0


def test_a_file_without_emissions_is_refused(tmp_path: Path, duck: Any) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text("usage_account_id,usage_period_start\n1,2025-01-01\n")
    with pytest.raises(MalformedFile, match="emissions value"):
        AwsCcftAdapter().select(describe(duck, path))


def test_an_unreadable_value_names_its_column(tmp_path: Path, lake: Lake) -> None:
    path = tmp_path / "carbon.csv"
    path.write_text(
        "usage_account_id,usage_period_start,total_lbm_emissions_value\n1,2025-01-01,lots\n"
    )
    with pytest.raises(MalformedFile, match="x_CarbonKgCO2e"):
        Ingestor(lake).ingest([path], org="acme", format="aws-ccft")
