"""The CUR 2.0 adapter on exports generated here: Parquet (DOUBLE costs, MAP columns) and CSV.gz.

AWS delivers CUR 2.0 Parquet with costs as doubles: they must arrive in the lake as the exact
decimal the double prints as (0.1 stays 0.1). The CSV.gz delivery of the same line items must
give the same FOCUS rows. Legacy CUR's Athena flavour (snake_case names, one column per tag) is
read by this adapter too.
"""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.aws_cur import AwsCurAdapter
from costlake.ingest.formats.aws_cur2 import AwsCur2Adapter
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.reading import describe
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import focus_sample, lake_rows_by_description, provider_export

SP_ARN = "arn:aws:savingsplans::111122223333:savingsplan/sp-1"
RI_ARN = "arn:aws:ec2:eu-west-1:111122223333:reserved-instances/ri-1"

STRING, DOUBLE, TS = pa.string(), pa.float64(), pa.timestamp("ms")
MAP = pa.map_(pa.string(), pa.string())
SCHEMA = pa.schema([
    ("bill_bill_type", STRING), ("bill_billing_entity", STRING),
    ("bill_billing_period_start_date", TS), ("bill_billing_period_end_date", TS),
    ("bill_invoice_id", STRING), ("bill_invoicing_entity", STRING),
    ("bill_payer_account_id", STRING), ("bill_payer_account_name", STRING),
    ("identity_line_item_id", STRING), ("line_item_availability_zone", STRING),
    ("line_item_currency_code", STRING), ("line_item_legal_entity", STRING),
    ("line_item_line_item_description", STRING), ("line_item_line_item_type", STRING),
    ("line_item_product_code", STRING), ("line_item_resource_id", STRING),
    ("line_item_unblended_cost", DOUBLE), ("line_item_unblended_rate", DOUBLE),
    ("line_item_usage_account_id", STRING), ("line_item_usage_account_name", STRING),
    ("line_item_usage_amount", DOUBLE), ("line_item_usage_end_date", TS),
    ("line_item_usage_start_date", TS), ("line_item_usage_type", STRING),
    ("pricing_public_on_demand_cost", DOUBLE), ("pricing_public_on_demand_rate", DOUBLE),
    ("pricing_rate_code", STRING), ("pricing_term", STRING), ("pricing_unit", STRING),
    ("product", MAP), ("product_instance_type", STRING), ("product_location", STRING),
    ("product_product_family", STRING), ("product_region_code", STRING), ("product_sku", STRING),
    ("reservation_effective_cost", DOUBLE), ("reservation_reservation_a_r_n", STRING),
    ("reservation_unused_amortized_upfront_fee_for_billing_period", DOUBLE),
    ("reservation_unused_recurring_fee", DOUBLE),
    ("savings_plan_savings_plan_a_r_n", STRING),
    ("savings_plan_savings_plan_effective_cost", DOUBLE),
    ("savings_plan_total_commitment_to_date", DOUBLE),
    ("savings_plan_used_commitment", DOUBLE),
    ("resource_tags", MAP),
])  # fmt: skip

BASE: dict[str, Any] = {
    "bill_bill_type": "Anniversary", "bill_billing_entity": "AWS",
    "bill_billing_period_start_date": datetime(2024, 3, 1),
    "bill_billing_period_end_date": datetime(2024, 4, 1),
    "bill_invoice_id": "INV-7", "bill_invoicing_entity": "Amazon Web Services EMEA SARL",
    "bill_payer_account_id": "111122223333", "bill_payer_account_name": "Payer",
    "line_item_currency_code": "EUR", "line_item_legal_entity": "Amazon Web Services EMEA SARL",
    "line_item_product_code": "AmazonEC2", "line_item_usage_account_id": "444455556666",
    "line_item_usage_account_name": "prod", "line_item_usage_start_date": datetime(2024, 3, 5, 7),
    "line_item_usage_end_date": datetime(2024, 3, 5, 8),
    "product": {"product_name": "Amazon Elastic Compute Cloud", "region": "eu-west-1"},
}  # fmt: skip

EC2 = {
    "line_item_usage_type": "EUW1-BoxUsage:c6g.xlarge", "line_item_resource_id": "i-0def",
    "line_item_availability_zone": "eu-west-1c", "line_item_usage_amount": 1.0,
    "product_instance_type": "c6g.xlarge", "product_product_family": "Compute Instance",
    "product_region_code": "eu-west-1", "product_location": "EU (Ireland)",
    "product_sku": "SKU9", "pricing_rate_code": "SKU9.RATE", "pricing_unit": "Hrs",
}  # fmt: skip

ROWS: dict[str, dict[str, Any]] = {
    "tenth": {**EC2, "line_item_line_item_type": "Usage", "line_item_unblended_cost": 0.1,
              "line_item_unblended_rate": 0.1, "pricing_public_on_demand_cost": 0.1,
              "pricing_term": "OnDemand",
              "resource_tags": {"user_team": "data", "user_cost_center": "42",
                                "aws_created_by": "role/ci", "user_empty": ""}},
    "fifth": {**EC2, "line_item_line_item_type": "Usage", "line_item_unblended_cost": 0.2,
              "pricing_public_on_demand_cost": 0.3, "resource_tags": {}},
    "tiny": {**EC2, "line_item_line_item_type": "Usage", "line_item_unblended_cost": 1.23e-07},
    "sp-covered": {**EC2, "line_item_line_item_type": "SavingsPlanCoveredUsage",
                   "line_item_unblended_cost": 0.2, "pricing_public_on_demand_cost": 0.2,
                   "savings_plan_savings_plan_a_r_n": SP_ARN,
                   "savings_plan_savings_plan_effective_cost": 0.13},
    "sp-negation": {**EC2, "line_item_line_item_type": "SavingsPlanNegation",
                    "line_item_unblended_cost": -0.2, "savings_plan_savings_plan_a_r_n": SP_ARN},
    "sp-recurring": {"line_item_line_item_type": "SavingsPlanRecurringFee",
                     "line_item_product_code": "ComputeSavingsPlans",
                     "line_item_unblended_cost": 5.0, "savings_plan_savings_plan_a_r_n": SP_ARN,
                     "savings_plan_total_commitment_to_date": 5.0,
                     "savings_plan_used_commitment": 3.25},
    "ri-covered": {**EC2, "line_item_line_item_type": "DiscountedUsage",
                   "line_item_unblended_cost": 0.0, "pricing_public_on_demand_cost": 0.96,
                   "reservation_reservation_a_r_n": RI_ARN, "reservation_effective_cost": 0.61},
    "ri-fee": {"line_item_line_item_type": "RIFee", "line_item_unblended_cost": 7.0,
               "reservation_reservation_a_r_n": RI_ARN,
               "reservation_unused_amortized_upfront_fee_for_billing_period": 0.4,
               "reservation_unused_recurring_fee": 0.35},
    "tax": {"line_item_line_item_type": "Tax", "line_item_unblended_cost": 1.9},
}  # fmt: skip


def records(rows: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**BASE, "identity_line_item_id": f"li-{i}",
             "line_item_line_item_description": name, **row}
            for i, (name, row) in enumerate(rows.items())]  # fmt: skip


def write_parquet(path: Path, rows: dict[str, dict[str, Any]]) -> Path:
    def cell(field: pa.Field, value: Any) -> Any:
        return list(value.items()) if field.type == MAP and value is not None else value

    recs = records(rows)
    arrays = [pa.array([cell(f, r.get(f.name)) for r in recs], type=f.type) for f in SCHEMA]
    pq.write_table(pa.Table.from_arrays(arrays, schema=SCHEMA), path)
    return path


def csv_text(value: Any) -> str:
    """A value as CUR 2.0's CSV writes it: maps as JSON, timestamps ISO with Z."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return json.dumps(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return str(value)


def write_csv_gz(
    path: Path, rows: dict[str, dict[str, Any]], overrides: dict[str, dict[str, str]] | None = None
) -> Path:
    with gzip.open(path, "wt", newline="") as f:
        w = csv.writer(f)
        w.writerow(SCHEMA.names)
        for rec in records(rows):
            text = {k: csv_text(rec.get(k)) for k in SCHEMA.names}
            text |= (overrides or {}).get(rec["line_item_line_item_description"], {})
            w.writerow([text[k] for k in SCHEMA.names])
    return path


def ingest_into_new_lake(root: Path, path: Path) -> dict[str, dict[str, Any]]:
    lake = Lake(root / "lake")
    result = Ingestor(lake).ingest([path], org="acme")
    assert result.formats == ("aws-cur2",) and result.rows_written == len(ROWS)
    return lake_rows_by_description(lake)


@pytest.fixture(scope="module")
def parquet_lines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("cur2-parquet")
    return ingest_into_new_lake(tmp, write_parquet(tmp / "cur2-00001.snappy.parquet", ROWS))


@pytest.fixture(scope="module")
def csv_lines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("cur2-csv")
    return ingest_into_new_lake(tmp, write_csv_gz(tmp / "cur2-00001.csv.gz", ROWS))


class TestDetection:
    def test_focus_sample_is_not_cur2(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, focus_sample(shared_data))
        assert AwsCur2Adapter().detect(cols) == 0

    def test_legacy_sample_is_not_cur2(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(
            duck, provider_export(shared_data, "sample-anonymous-aws-export-dataset.csv")
        )
        assert AwsCur2Adapter().detect(cols) == 0

    @pytest.mark.parametrize("kind", ["parquet", "csv.gz"])
    def test_cur2_export_is_picked(
        self, tmp_path: Path, duck: duckdb.DuckDBPyConnection, kind: str
    ) -> None:
        path = (
            write_parquet(tmp_path / "x.parquet", ROWS)
            if kind == "parquet"
            else write_csv_gz(tmp_path / "x.csv.gz", ROWS)
        )
        cols = describe(duck, path)
        assert 10 <= AwsCur2Adapter().detect(cols) <= 90
        assert AwsCurAdapter().detect(cols) == 0
        assert registry.detect(cols, path=str(path)).name == "aws-cur2"


class TestBadFiles:
    def test_bad_cost_in_csv_names_row_and_column(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        p = write_csv_gz(
            tmp_path / "bad.csv.gz", ROWS, {"fifth": {"line_item_unblended_cost": "0.2USD"}}
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert (err.value.row, err.value.column) == (2, "BilledCost")
        assert "0.2USD" in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_tags_that_are_not_json_are_refused(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = write_csv_gz(tmp_path / "bad.csv.gz", ROWS, {"tax": {"resource_tags": "team=x"}})
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert (err.value.row, err.value.column) == (len(ROWS), "Tags")
        assert "team=x" in str(err.value)

    def test_missing_payer_column_is_named(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = write_parquet(tmp_path / "x.parquet", ROWS)
        trimmed = tmp_path / "trimmed.parquet"
        pq.write_table(pq.read_table(p).drop(["bill_payer_account_id"]), trimmed)
        with pytest.raises(MalformedFile, match="bill_payer_account_id"):
            ingestor.ingest([trimmed], org="acme", format="aws-cur2")


class TestParquetDelivery:
    def test_doubles_become_the_decimals_they_print_as(
        self, parquet_lines: dict[str, dict[str, Any]]
    ) -> None:
        assert parquet_lines["tenth"]["BilledCost"] == Decimal("0.1")
        assert parquet_lines["tenth"]["BilledCost"] + parquet_lines["fifth"]["BilledCost"] == (
            Decimal("0.3")
        )
        assert parquet_lines["tiny"]["BilledCost"] == Decimal("0.000000123")
        assert parquet_lines["fifth"]["ListCost"] == Decimal("0.3")

    @pytest.mark.parametrize(("line", "effective"), [
        ("tenth", "0.1"), ("sp-covered", "0.13"), ("sp-negation", "0"),
        ("sp-recurring", "1.75"), ("ri-covered", "0.61"), ("ri-fee", "0.75"), ("tax", "1.9"),
    ])  # fmt: skip
    def test_effective_cost_is_amortised(
        self, parquet_lines: dict[str, dict[str, Any]], line: str, effective: str
    ) -> None:
        assert parquet_lines[line]["EffectiveCost"] == Decimal(effective)

    def test_commitment_columns(self, parquet_lines: dict[str, dict[str, Any]]) -> None:
        got = {
            name: (r["CommitmentDiscountId"], r["CommitmentDiscountStatus"], r["PricingCategory"])
            for name, r in parquet_lines.items()
        }
        assert got["sp-covered"] == (SP_ARN, "Used", "Committed")
        assert got["sp-recurring"] == (SP_ARN, "Unused", "Standard")
        assert got["ri-covered"] == (RI_ARN, "Used", "Committed")
        assert got["ri-fee"] == (RI_ARN, "Unused", "Standard")
        assert got["tenth"] == (None, None, "Standard")

    def test_tag_map_loses_user_prefix_and_blank_values(
        self, parquet_lines: dict[str, dict[str, Any]]
    ) -> None:
        assert json.loads(parquet_lines["tenth"]["Tags"]) == {
            "team": "data",
            "cost_center": "42",
            "aws_created_by": "role/ci",
        }
        assert parquet_lines["fifth"]["Tags"] is None  # an empty map
        assert parquet_lines["tax"]["Tags"] is None  # no map at all

    def test_product_map_and_static_columns(self, parquet_lines: dict[str, dict[str, Any]]) -> None:
        row = parquet_lines["tenth"]
        assert (row["ServiceName"], row["ServiceCategory"], row["RegionId"], row["RegionName"]) == (
            "Amazon Elastic Compute Cloud",
            "Compute",
            "eu-west-1",
            "EU (Ireland)",
        )
        assert row["SkuPriceDetails"] == '{"InstanceType":"c6g.xlarge"}'
        assert parquet_lines["tax"]["RegionId"] == "eu-west-1"  # from the product map

    def test_typed_timestamps_and_accounts(self, parquet_lines: dict[str, dict[str, Any]]) -> None:
        row = parquet_lines["tenth"]
        assert (
            row["ChargePeriodStart"],
            row["ChargePeriodEnd"],
            row["BillingPeriodStart"],
            row["BillingPeriodEnd"],
        ) == (
            datetime(2024, 3, 5, 7),
            datetime(2024, 3, 5, 8),
            datetime(2024, 3, 1),
            datetime(2024, 4, 1),
        )
        assert (
            row["BillingAccountId"],
            row["BillingAccountName"],
            row["SubAccountId"],
            row["SubAccountName"],
            row["BillingCurrency"],
        ) == ("111122223333", "Payer", "444455556666", "prod", "EUR")


class TestCsvDelivery:
    COMPARED = (
        "ChargeCategory",
        "ChargeFrequency",
        "BilledCost",
        "EffectiveCost",
        "ListCost",
        "ContractedCost",
        "CommitmentDiscountId",
        "CommitmentDiscountStatus",
        "PricingCategory",
        "ChargePeriodStart",
        "BillingPeriodStart",
        "ServiceName",
        "RegionId",
        "SkuPriceDetails",
        "ConsumedQuantity",
    )

    def test_same_focus_rows_as_parquet(
        self, csv_lines: dict[str, dict[str, Any]], parquet_lines: dict[str, dict[str, Any]]
    ) -> None:
        assert set(csv_lines) == set(parquet_lines) == set(ROWS)
        for name in ROWS:
            for column in self.COMPARED:
                assert csv_lines[name][column] == parquet_lines[name][column], (name, column)

    def test_json_tags_read_like_the_map(
        self, csv_lines: dict[str, dict[str, Any]], parquet_lines: dict[str, dict[str, Any]]
    ) -> None:
        assert json.loads(csv_lines["tenth"]["Tags"]) == json.loads(parquet_lines["tenth"]["Tags"])
        assert csv_lines["fifth"]["Tags"] is None

    def test_decimals_exact_in_text(self, csv_lines: dict[str, dict[str, Any]]) -> None:
        total = sum(r["BilledCost"] for r in csv_lines.values())
        assert total == sum(Decimal(repr(r["line_item_unblended_cost"])) for r in ROWS.values())


class TestAthenaFlavour:
    def test_flattened_tag_columns(self, tmp_path: Path, ingestor: Ingestor, lake: Lake) -> None:
        table = pq.read_table(write_parquet(tmp_path / "x.parquet", ROWS)).drop(["resource_tags"])
        n = table.num_rows
        team = ["data"] + [None] * (n - 1)
        owner = ["ana"] + [""] * (n - 1)
        table = table.append_column(
            "resource_tags_user_team", pa.array(team, STRING)
        ).append_column("resource_tags_user_owner", pa.array(owner, STRING))
        pq.write_table(table, tmp_path / "athena.parquet")
        ingestor.ingest([tmp_path / "athena.parquet"], org="acme")
        rows = lake_rows_by_description(lake)
        assert json.loads(rows["tenth"]["Tags"]) == {"team": "data", "owner": "ana"}
        assert rows["fifth"]["Tags"] is None
