"""The Azure cost-details adapter on Microsoft's EA samples (actual and amortised), the FinOps
Foundation's anonymised EA export, and a hand-made MCA file with one row per charge type.

Expected totals are direct DuckDB sums over the raw files, so the tests say how each raw row
must land, not what a particular file adds up to.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.azure import AzureAdapter
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

COMMITMENT_USAGE = "ChargeType = 'Usage' AND PricingModel IN ('Reservation', 'SavingsPlan')"


def raw(
    duck: duckdb.DuckDBPyConnection, path: Path, select: str, where: str = "true"
) -> tuple[Any, ...]:
    return duck.execute(
        f"SELECT {select} FROM read_csv('{path}', all_varchar = true) WHERE {where}"
    ).fetchone()


def money(column: str) -> str:
    return f"sum(CAST({column} AS DECIMAL(38, 18)))"


# -- a hand-made MCA export -------------------------------------------------------------------

MCA_HEADER = [
    "invoiceId", "billingAccountId", "billingAccountName", "billingProfileId",
    "billingProfileName", "partnerName", "billingPeriodStartDate", "billingPeriodEndDate",
    "date", "serviceFamily", "consumedService", "meterId", "meterName", "meterCategory",
    "meterSubCategory", "ProductId", "ProductName", "SubscriptionId", "subscriptionName",
    "publisherType", "publisherName", "resourceGroupName", "ResourceId", "resourceLocation",
    "effectivePrice", "quantity", "unitOfMeasure", "chargeType", "billingCurrency",
    "pricingCurrency", "costInBillingCurrency", "costInPricingCurrency",
    "paygCostInBillingCurrency", "exchangeRatePricingToBilling", "tags", "PayGPrice",
    "frequency", "reservationId", "reservationName", "pricingModel", "unitPrice", "benefitId",
    "benefitName",
]  # fmt: skip
RI = "/providers/Microsoft.Capacity/reservationOrders/6ef2/reservations/0b1f-4c2d"
VM = "/subscriptions/5a4b/resourceGroups/shop/providers/Microsoft.Compute/virtualMachines/web-1"
MCA_BASE = {
    "invoiceId": "G012345678", "billingAccountId": "a1b2:c3d4_2019-05-31",
    "billingAccountName": "Contoso", "billingProfileId": "ABCD-EFGH-IJK-LMN",
    "billingProfileName": "Contoso EU", "billingPeriodStartDate": "2024-05-01",
    "billingPeriodEndDate": "2024-05-31", "date": "2024-05-03", "serviceFamily": "Compute",
    "consumedService": "Microsoft.Compute", "meterName": "D2s v5", "meterCategory":
    "Virtual Machines", "ProductName": "Virtual Machines Dsv5 Series - D2s v5 - EU West",
    "SubscriptionId": "5a4b", "subscriptionName": "Shop", "publisherType": "Azure",
    "publisherName": "Microsoft", "resourceGroupName": "shop", "ResourceId": VM,
    "resourceLocation": "West Europe", "unitOfMeasure": "1 Hour", "billingCurrency": "EUR",
    "pricingCurrency": "USD", "exchangeRatePricingToBilling": "0.9", "frequency": "UsageBased",
    "pricingModel": "OnDemand", "tags": '"team": "shop","env": "prod"',
}  # fmt: skip
MCA_ROWS: list[dict[str, str]] = [
    # On demand: 10 h at $0.2 contracted, $0.25 list, EUR/USD 0.9.
    dict(
        MCA_BASE,
        chargeType="Usage",
        quantity="10",
        unitPrice="0.2",
        PayGPrice="0.25",
        effectivePrice="0.2",
        costInBillingCurrency="1.8",
        costInPricingCurrency="2",
        paygCostInBillingCurrency="2.25",
    ),
    # Usage covered by a reservation (amortised share).
    dict(
        MCA_BASE,
        chargeType="Usage",
        pricingModel="Reservation",
        quantity="24",
        unitPrice="0.2",
        PayGPrice="0.25",
        effectivePrice="0.02",
        costInBillingCurrency="0.432",
        paygCostInBillingCurrency="5.4",
        benefitId=RI,
        benefitName="vm-ri",
        reservationId="0b1f-4c2d",
        reservationName="vm-ri",
    ),
    # The reservation's unused share.
    dict(
        MCA_BASE,
        chargeType="UnusedReservation",
        pricingModel="Reservation",
        quantity="6",
        unitPrice="0",
        PayGPrice="0",
        costInBillingCurrency="0.108",
        benefitId=RI,
        benefitName="vm-ri",
        ResourceId="",
        resourceLocation="",
    ),
    # A refunded reservation.
    dict(
        MCA_BASE,
        chargeType="Refund",
        pricingModel="Reservation",
        frequency="OneTime",
        quantity="1",
        unitPrice="100",
        PayGPrice="0",
        costInBillingCurrency="-90",
        consumedService="Microsoft.Capacity",
        benefitId=RI,
        benefitName="vm-ri",
        ResourceId="",
        resourceLocation="",
    ),
    dict(
        MCA_BASE,
        chargeType="RoundingAdjustment",
        pricingModel="",
        frequency="",
        costInBillingCurrency="0.0001",
        meterCategory="",
        consumedService="",
        ProductName="Rounding adjustment",
        ResourceId="",
        resourceLocation="",
        tags="",
    ),
    dict(
        MCA_BASE,
        chargeType="Tax",
        pricingModel="",
        frequency="OneTime",
        costInBillingCurrency="0.42",
        meterCategory="",
        consumedService="",
        ProductName="Tax",
        ResourceId="",
        resourceLocation="",
        tags="",
    ),
    # A Marketplace product: the publisher, not Microsoft, provides the service.
    dict(
        MCA_BASE,
        chargeType="Usage",
        publisherType="Marketplace",
        publisherName="Fabrikam",
        meterCategory="SaaS",
        consumedService="Microsoft.SaaS",
        quantity="1",
        unitPrice="5",
        PayGPrice="5",
        costInBillingCurrency="4.5",
        resourceLocation="global",
    ),
]


def write_mca(
    tmp_path: Path, rows: list[dict[str, str]] = MCA_ROWS, header: list[str] = MCA_HEADER
) -> Path:
    return write_dict_csv(tmp_path / "mca.csv", header, rows, encoding="utf-8-sig")


def mca_sum(*charge_types: str) -> Decimal:
    return sum(
        (
            Decimal(r["costInBillingCurrency"])
            for r in MCA_ROWS
            if not charge_types or r["chargeType"] in charge_types
        ),
        Decimal(0),
    )


# -- tests ------------------------------------------------------------------------------------


class TestAzureDetection:
    def test_focus_file_is_not_azure(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, focus_sample(shared_data))
        assert AzureAdapter().detect(cols) == 0

    @pytest.mark.parametrize(
        "name", ["reports_cost-csv_0000000030000269.csv", "sample-anonymous-aws-export-dataset.csv"]
    )
    def test_other_providers_exports_are_not_azure(
        self, name: str, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        assert AzureAdapter().detect(describe(duck, provider_export(shared_data, name))) == 0

    @pytest.mark.parametrize("header", CBF_AND_GCP_HEADERS)
    def test_cbf_and_gcp_files_are_not_azure(
        self, header: str, tmp_path: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        path = write_header_and_ones(tmp_path / "other.csv", header)
        assert AzureAdapter().detect(describe(duck, path)) == 0

    @pytest.mark.parametrize(
        "name",
        [
            "EA_ActualCost_Small.csv",
            "EA_AmortizedCost_Small.csv",
            "sample-anonymous-ea-export-dataset.csv",
        ],
    )
    def test_azure_wins_for_ea_exports(
        self, name: str, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        path = provider_export(shared_data, name)
        cols = describe(duck, path)
        assert 10 <= AzureAdapter().detect(cols) <= 90
        assert registry.detect(cols, path=str(path)).name == "azure"

    def test_azure_wins_for_mca_lower_camel_names(
        self, tmp_path: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        path = write_mca(tmp_path)
        assert registry.detect(describe(duck, path), path=str(path)).name == "azure"


class TestEaActualCost:
    @pytest.fixture
    def sample(self, shared_data: Path) -> Path:
        return provider_export(shared_data, "EA_ActualCost_Small.csv")

    def test_no_row_lost_and_billed_and_effective_total_the_file(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        count, cost = raw(duck, sample, f"count(*), {money('Cost')}")
        assert (result.rows_written, result.rows_skipped) == (count, 0)
        assert lake_rows(lake, "count(*), sum(BilledCost), sum(EffectiveCost)") == [
            (count, cost, cost)
        ]

    def test_reservation_purchase_is_billed_in_full(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        (purchase,) = raw(duck, sample, money("Cost"), "ChargeType = 'Purchase'")
        got = lake_rows(
            lake,
            "BilledCost, EffectiveCost, CommitmentDiscountType, "
            "CommitmentDiscountCategory, ChargeFrequency",
            "ChargeCategory = 'Purchase'",
        )
        assert got == [(purchase, purchase, "Reservation", "Usage", "Recurring")]

    def test_bom_and_us_dates_are_read(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        (accounts,) = raw(duck, sample, "list(DISTINCT BillingAccountId)")
        got = lake_rows(
            lake,
            "list(DISTINCT BillingAccountId), min(BillingPeriodStart), "
            "max(BillingPeriodEnd), max(ChargePeriodEnd)",
        )
        assert got[0][0] == accounts
        assert [d.isoformat() for d in got[0][1:]] == [
            "2023-09-01T00:00:00",
            "2023-10-01T00:00:00",
            "2023-09-22T00:00:00",
        ]

    def test_tags_without_braces(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        (tagged,) = raw(duck, sample, "count(Tags)")
        assert lake_rows(lake, "count(Tags)") == [(tagged,)]
        assert lake_rows(lake, "count(*)", "Tags->>'application' = 'databricks'") == [(1,)]


class TestEaAmortizedCost:
    @pytest.fixture
    def sample(self, shared_data: Path) -> Path:
        return provider_export(shared_data, "EA_AmortizedCost_Small.csv")

    def test_effective_cost_totals_the_file(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        count, cost = raw(duck, sample, f"count(*), {money('Cost')}")
        assert result.rows_written == count
        assert lake_rows(lake, "count(*), sum(EffectiveCost)") == [(count, cost)]

    def test_commitment_covered_usage_is_not_billed_again(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        (billed,) = raw(duck, sample, money("Cost"), f"NOT ({COMMITMENT_USAGE})")
        (covered,) = raw(duck, sample, money("Cost"), COMMITMENT_USAGE)
        assert covered > 0
        assert lake_rows(lake, "sum(BilledCost)") == [(billed,)]

    def test_commitment_columns(self, sample: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([sample], org="acme")
        got = lake_rows(
            lake,
            "CommitmentDiscountType, CommitmentDiscountCategory, "
            "CommitmentDiscountStatus, PricingCategory, count(*)",
            "CommitmentDiscountId IS NOT NULL",
            group="ALL ORDER BY 1",
        )
        assert got == [
            ("Reservation", "Usage", "Used", "Committed", 1),
            ("Savings Plan", "Spend", "Used", "Committed", 1),
        ]

    def test_services_and_regions(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        (meters, regions) = raw(
            duck,
            sample,
            "list(DISTINCT MeterCategory ORDER BY MeterCategory), "
            "list(DISTINCT lower(ResourceLocation) ORDER BY lower(ResourceLocation))",
        )
        got = lake_rows(
            lake,
            "list(DISTINCT ServiceName ORDER BY ServiceName), "
            "list(DISTINCT RegionId ORDER BY RegionId), "
            "count(*) FILTER (WHERE ServiceCategory = 'Other')",
        )
        assert got == [(meters, regions, 0)]


class TestAnonymousEaExport:
    @pytest.fixture
    def sample(self, shared_data: Path) -> Path:
        return provider_export(shared_data, "sample-anonymous-ea-export-dataset.csv")

    def test_cost_in_billing_currency_with_exponents_totals_exactly(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        count, cost = raw(duck, sample, f"count(*), {money('CostInBillingCurrency')}")
        assert result.rows_written == count
        assert lake_rows(
            lake, "count(*), sum(BilledCost), sum(EffectiveCost), list(DISTINCT BillingCurrency)"
        ) == [(count, cost, cost, ["CAD"])]

    def test_spot_is_dynamic_pricing(
        self, sample: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        ingestor.ingest([sample], org="acme")
        (spot,) = raw(duck, sample, "count(*)", "PricingModel = 'Spot'")
        assert spot > 0
        assert lake_rows(lake, "count(*)", "PricingCategory = 'Dynamic'") == [(spot,)]


class TestMcaExport:
    def test_billed_cost_leaves_out_what_commitments_paid(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write_mca(tmp_path)], org="acme")
        covered = sum(Decimal(r["costInBillingCurrency"]) for r in MCA_ROWS[1:3])
        assert lake_rows(lake, "sum(BilledCost), sum(EffectiveCost)") == [
            (mca_sum() - covered, mca_sum())
        ]

    def test_charge_types(self, tmp_path: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([write_mca(tmp_path)], org="acme")
        got = lake_rows(
            lake,
            "ChargeCategory, ChargeClass, CommitmentDiscountStatus, "
            "ChargeFrequency, BilledCost, EffectiveCost",
            "ChargeCategory <> 'Usage' OR CommitmentDiscountStatus IS NOT NULL",
            group="ALL ORDER BY BilledCost, EffectiveCost",  # two lines cost 0: a tie
        )
        assert got == [
            ("Purchase", "Correction", None, "One-Time", Decimal(-90), Decimal(-90)),
            ("Usage", None, "Unused", "Usage-Based", Decimal(0), Decimal("0.108")),
            ("Usage", None, "Used", "Usage-Based", Decimal(0), Decimal("0.432")),
            ("Adjustment", None, None, None, Decimal("0.0001"), Decimal("0.0001")),
            ("Tax", None, None, "One-Time", Decimal("0.42"), Decimal("0.42")),
        ]

    def test_billing_profile_is_the_billing_account(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        result = ingestor.ingest([write_mca(tmp_path)], org="acme")
        assert lake_rows(lake, "list(DISTINCT BillingAccountId), list(DISTINCT InvoiceId)") == [
            (["ABCD-EFGH-IJK-LMN"], ["G012345678"])
        ]
        assert result.sources == ("azure-ABCD-EFGH-IJK-LMN",)

    def test_prices_are_converted_to_the_billing_currency(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write_mca(tmp_path)], org="acme")
        got = lake_rows(
            lake,
            "ListUnitPrice, ContractedUnitPrice, ListCost, ContractedCost, "
            "PricingCurrencyContractedUnitPrice, PricingCurrency",
            "PricingCategory = 'Standard' AND PublisherName = 'Microsoft'",
        )
        rate = Decimal("0.9")
        assert got == [
            (
                Decimal("0.25") * rate,
                Decimal("0.2") * rate,
                Decimal("2.25"),
                10 * Decimal("0.2") * rate,
                Decimal("0.2"),
                "USD",
            )
        ]

    def test_marketplace_publisher_provides_the_service(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write_mca(tmp_path)], org="acme")
        got = lake_rows(
            lake,
            "ProviderName, PublisherName, ServiceProviderName, "
            "HostProviderName, ServiceName, ServiceCategory, RegionId",
            "PublisherName <> 'Microsoft'",
        )
        assert got == [
            ("Microsoft", "Fabrikam", "Fabrikam", "Microsoft", "SaaS", "Other", "global")
        ]

    def test_region_tags_and_resource(self, tmp_path: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([write_mca(tmp_path)], org="acme")
        got = lake_rows(
            lake,
            f"RegionId, RegionName, ResourceName, ResourceType, {TAGS_MAP}, SubAccountId, "
            "SubAccountName",
            "ResourceId IS NOT NULL AND CommitmentDiscountStatus IS NULL "
            "AND PublisherName = 'Microsoft'",
        )
        assert got == [
            (
                "westeurope",
                "West Europe",
                "web-1",
                "Microsoft.Compute/virtualMachines",
                {"team": "shop", "env": "prod"},
                "5a4b",
                "Shop",
            )
        ]


class TestBadAzureFiles:
    def test_missing_currency_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        header = [c for c in MCA_HEADER if c != "billingCurrency"]
        with pytest.raises(MalformedFile, match="currency"):
            ingestor.ingest([write_mca(tmp_path, header=header)], org="acme", format="azure")

    def test_bad_date_names_row_column_and_value(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        rows = [MCA_ROWS[0], dict(MCA_ROWS[0], date="2024-31-05")]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write_mca(tmp_path, rows)], org="acme")
        assert err.value.column in ("ChargePeriodStart", "ChargePeriodEnd")
        assert err.value.row == 2
        assert "2024-31-05" in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_bad_cost_names_a_cost_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        rows = [MCA_ROWS[0], MCA_ROWS[0], dict(MCA_ROWS[0], costInBillingCurrency="1,8")]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write_mca(tmp_path, rows)], org="acme")
        assert err.value.column in ("BilledCost", "EffectiveCost")
        assert err.value.row == 3
        assert "1,8" in str(err.value)
