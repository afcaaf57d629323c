"""The OCI cost-report adapter on Oracle's real (anonymised) report and on hand-made lines."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.oci import OciAdapter
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.reading import describe
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import (
    CBF_AND_GCP_HEADERS,
    TAGS_MAP,
    focus_sample,
    lake_rows,
    provider_export,
    write_dict_csv,
    write_header_and_ones,
)

TENANCY = "ocid1.tenancy.oc1..aaaatenancy"
HEADER = [
    "lineItem/referenceNo", "lineItem/tenantId", "lineItem/intervalUsageStart",
    "lineItem/intervalUsageEnd", "product/service", "product/compartmentId",
    "product/compartmentName", "product/region", "product/availabilityDomain",
    "product/resourceId", "usage/billedQuantity", "usage/billedQuantityOverage",
    "cost/subscriptionId", "cost/productSku", "product/Description", "cost/unitPrice",
    "cost/unitPriceOverage", "cost/myCost", "cost/myCostOverage", "cost/currencyCode",
    "cost/billingUnitReadable", "cost/skuUnitDescription", "cost/overageFlag",
    "lineItem/isCorrection", "lineItem/backreferenceNo", "tags/Finance.CostCenter",
    "tags/Oracle-Tags.CreatedBy",
]  # fmt: skip
BASE = {
    "lineItem/tenantId": TENANCY, "product/service": "COMPUTE",
    "product/compartmentId": "ocid1.compartment.oc1..shop", "product/compartmentName": "shop",
    "product/region": "eu-frankfurt-1", "product/availabilityDomain": "AD-1",
    "product/resourceId": "ocid1.instance.oc1.eu-frankfurt-1.web1", "cost/productSku": "B93113",
    "product/Description": "Compute - Standard - E4 - OCPU", "cost/unitPrice": "0.025",
    "cost/currencyCode": "EUR", "cost/skuUnitDescription": "OCPU Per Hour",
    "cost/overageFlag": "false", "lineItem/isCorrection": "false",
    "lineItem/intervalUsageStart": "2024-01-31T23:00Z",
    "lineItem/intervalUsageEnd": "2024-02-01T00:00:00Z",
}  # fmt: skip
ROWS = [
    dict(
        BASE,
        **{
            "lineItem/referenceNo": "a1",
            "usage/billedQuantity": "2",
            "cost/myCost": "0.05",
            "tags/Finance.CostCenter": "42",
            "tags/Oracle-Tags.CreatedBy": "alice",
        },
    ),
    dict(
        BASE,
        **{
            "lineItem/referenceNo": "a2",
            "usage/billedQuantity": "1",
            "cost/myCost": "0.025",
            "lineItem/intervalUsageStart": "2024-02-01T00:00Z",
            "lineItem/intervalUsageEnd": "2024-02-01T01:00:00Z",
        },
    ),
    # Restates line a1: a correction of the January hour, reported later.
    dict(
        BASE,
        **{
            "lineItem/referenceNo": "a3",
            "usage/billedQuantity": "-2",
            "cost/myCost": "-5.0E-2",
            "lineItem/isCorrection": "true",
            "lineItem/backreferenceNo": "a1",
            "tags/Finance.CostCenter": "42",
        },
    ),
    dict(
        BASE,
        **{
            "lineItem/referenceNo": "a4",
            "product/service": "OBJECTSTORE",
            "usage/billedQuantity": "0.000001",
            "cost/myCost": "2.32376E-9",
            "product/resourceId": "",
            "product/availabilityDomain": "",
        },
    ),
]


def write(tmp_path: Path, rows: list[dict[str, str]] = ROWS, header: list[str] = HEADER) -> Path:
    return write_dict_csv(tmp_path / "reports_cost-csv_0001.csv", header, rows)


class TestOciDetection:
    def test_focus_file_is_not_oci(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, focus_sample(shared_data))
        assert OciAdapter().detect(cols) == 0

    @pytest.mark.parametrize(
        "name",
        [
            "EA_ActualCost_Small.csv",
            "sample-anonymous-ea-export-dataset.csv",
            "sample-anonymous-aws-export-dataset.csv",
        ],
    )
    def test_other_providers_exports_are_not_oci(
        self, name: str, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        assert OciAdapter().detect(describe(duck, provider_export(shared_data, name))) == 0

    @pytest.mark.parametrize("header", CBF_AND_GCP_HEADERS)
    def test_cbf_and_gcp_files_are_not_oci(
        self, header: str, tmp_path: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        path = write_header_and_ones(tmp_path / "other.csv", header)
        assert OciAdapter().detect(describe(duck, path)) == 0

    def test_oci_wins_for_cost_reports(
        self, shared_data: Path, tmp_path: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        for path in (
            provider_export(shared_data, "reports_cost-csv_0000000030000269.csv"),
            write(tmp_path),
        ):
            cols = describe(duck, path)
            assert 10 <= OciAdapter().detect(cols) <= 90
            assert registry.detect(cols, path=str(path)).name == "oci"


class TestOciSample:
    @pytest.fixture
    def sample(self, shared_data: Path) -> Path:
        return provider_export(shared_data, "reports_cost-csv_0000000030000269.csv")

    def test_no_row_lost_and_totals_exact(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        count, cost = duck.execute(
            'SELECT count(*), sum(CAST("cost/myCost" AS DECIMAL(38, 18))) '
            f"FROM read_csv('{sample}', all_varchar = true)"
        ).fetchone()
        assert (result.rows_written, result.rows_skipped) == (count, 0)
        assert lake_rows(
            lake,
            "count(*), sum(BilledCost), sum(EffectiveCost), sum(ListCost), sum(ContractedCost)",
        ) == [(count, cost, cost, cost, cost)]

    def test_billing_period_is_the_usage_month(
        self, sample: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        assert result.periods == ("2023-11",)
        got = lake_rows(
            lake,
            "min(BillingPeriodStart), max(BillingPeriodEnd), "
            "min(ChargePeriodStart), max(ChargePeriodEnd)",
        )
        assert got == [
            (
                datetime(2023, 11, 1),
                datetime(2023, 12, 1),
                datetime(2023, 11, 13, 5),
                datetime(2023, 11, 13, 12),
            )
        ]

    def test_tag_columns_become_namespaced_tags(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        tagged, valtest = duck.execute(
            "SELECT count(*) FILTER (WHERE coalesce("
            + ", ".join(f'"{c}"' for c in HEADER_TAGS)
            + ") IS NOT NULL), "
            'count("tags/Valtest.Cat") '
            f"FROM read_csv('{sample}', all_varchar = true)"
        ).fetchone()
        assert valtest > 0
        got = lake_rows(lake, "count(Tags), count(Tags->>'Valtest.Cat')")
        assert got == [(tagged, valtest)]

    def test_services_are_categorised(self, sample: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([sample], org="acme")
        got = dict(lake_rows(lake, "ServiceName, any_value(ServiceCategory)", group="1"))
        assert got["COMPUTE"] == "Compute"
        assert got["BLOCK_STORAGE"] == "Storage"
        assert got["MYSQL"] == "Databases"
        assert "Other" not in got.values()


HEADER_TAGS = [
    "tags/Oracle-Tags.CreatedBy",
    "tags/OracleInternalReserved.CostCenter",
    "tags/OracleInternalReserved.OwnerEmail",
    "tags/OracleInternalReserved.Phonebook",
    "tags/OracleInternalReserved.ServiceType",
    "tags/OracleInternalReserved.UsageType",
    "tags/Valtest.Cat",
    "tags/DevRel\\redbull-analytics-hol-4cb4.release",
]


class TestOciLines:
    def test_corrections_are_marked_and_still_counted(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write(tmp_path)], org="acme")
        got = lake_rows(
            lake,
            "ChargeClass, ChargeCategory, BilledCost, ConsumedQuantity",
            "ChargeClass IS NOT NULL",
        )
        assert got == [("Correction", "Usage", Decimal("-0.05"), Decimal(-2))]
        total = sum((Decimal(r["cost/myCost"]) for r in ROWS), Decimal(0))
        assert lake_rows(lake, "sum(BilledCost)") == [(total,)]

    def test_each_line_is_billed_in_its_usage_month(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        result = ingestor.ingest([write(tmp_path)], org="acme")
        assert result.periods == ("2024-01", "2024-02")
        got = lake_rows(
            lake,
            "BillingPeriodStart, ChargePeriodStart, ChargePeriodEnd",
            "SkuId = 'B93113' AND BilledCost = 0.025",
        )
        assert got == [(datetime(2024, 2, 1), datetime(2024, 2, 1), datetime(2024, 2, 1, 1))]

    def test_accounts_resources_and_tags(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write(tmp_path)], org="acme")
        got = lake_rows(
            lake,
            "BillingAccountId, SubAccountId, SubAccountName, RegionId, "
            "AvailabilityZone, ResourceId, BillingCurrency, PricingUnit, "
            f"ContractedUnitPrice, {TAGS_MAP}",
            "BilledCost = 0.05",
        )
        assert got == [
            (
                TENANCY,
                "ocid1.compartment.oc1..shop",
                "shop",
                "eu-frankfurt-1",
                "AD-1",
                "ocid1.instance.oc1.eu-frankfurt-1.web1",
                "EUR",
                "OCPU Per Hour",
                Decimal("0.025"),
                {"Finance.CostCenter": "42", "Oracle-Tags.CreatedBy": "alice"},
            )
        ]
        assert lake_rows(lake, "count(*)", "Tags IS NULL") == [(2,)]


class TestBadOciFiles:
    def test_missing_tenancy_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        header = [c for c in HEADER if c != "lineItem/tenantId"]
        with pytest.raises(MalformedFile, match="tenantId"):
            ingestor.ingest([write(tmp_path, header=header)], org="acme", format="oci")

    def test_bad_cost_names_row_column_and_value(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        rows = [ROWS[0], dict(ROWS[1], **{"cost/myCost": "0.02O"})]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write(tmp_path, rows)], org="acme")
        assert err.value.column in ("BilledCost", "EffectiveCost", "ContractedCost", "ListCost")
        assert err.value.row == 2
        assert "0.02O" in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_bad_interval_start_names_the_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        rows = [dict(ROWS[0], **{"lineItem/intervalUsageStart": "13.11.2023 10:00"})]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write(tmp_path, rows)], org="acme")
        assert err.value.column in ("ChargePeriodStart", "BillingPeriodStart", "BillingPeriodEnd")
        assert "13.11.2023 10:00" in str(err.value)
