"""The legacy AWS CUR adapter on the FinOps Foundation's real sample and on hand-made line items.

The hand-made file has one row per line item type, with amounts chosen so that every rule
(amortisation, list and contracted cost, commitment columns, pricing category, frequency,
corrections) gives a value that no other rule would.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.aws_cur import AwsCurAdapter
from costlake.ingest.formats.aws_cur2 import AwsCur2Adapter
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.reading import describe
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import (
    focus_sample,
    lake_rows_by_description,
    provider_export,
    write_dict_csv,
)

SP_ARN = "arn:aws:savingsplans::111122223333:savingsplan/0f1e2d3c-sp"
RI_ARN = "arn:aws:ec2:us-east-1:111122223333:reserved-instances/4b5c6d7e-ri"

HEADER = [
    "identity/LineItemId", "bill/InvoiceId", "bill/InvoicingEntity", "bill/BillingEntity",
    "bill/BillType", "bill/PayerAccountId", "bill/BillingPeriodStartDate",
    "bill/BillingPeriodEndDate", "lineItem/UsageAccountId", "lineItem/LineItemType",
    "lineItem/UsageStartDate", "lineItem/UsageEndDate", "lineItem/ProductCode",
    "lineItem/UsageType", "lineItem/ResourceId", "lineItem/AvailabilityZone",
    "lineItem/UsageAmount", "lineItem/CurrencyCode", "lineItem/UnblendedRate",
    "lineItem/UnblendedCost", "lineItem/LineItemDescription", "lineItem/LegalEntity",
    "product/ProductName", "product/instanceType", "product/productFamily",
    "product/regionCode", "product/location", "product/sku", "pricing/RateCode",
    "pricing/publicOnDemandCost", "pricing/publicOnDemandRate", "pricing/term", "pricing/unit",
    "reservation/ReservationARN", "reservation/EffectiveCost",
    "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod", "reservation/UnusedRecurringFee",
    "savingsPlan/SavingsPlanARN", "savingsPlan/SavingsPlanEffectiveCost",
    "savingsPlan/TotalCommitmentToDate", "savingsPlan/UsedCommitment",
    "resourceTags/user:team", "resourceTags/aws:createdBy",
]  # fmt: skip

BASE = {
    "bill/InvoiceId": "EUINGB23-1", "bill/InvoicingEntity": "Amazon Web Services EMEA SARL",
    "bill/BillingEntity": "AWS", "bill/BillType": "Anniversary",
    "bill/PayerAccountId": "111122223333",
    "bill/BillingPeriodStartDate": "2023-11-01T00:00:00.000Z",
    "bill/BillingPeriodEndDate": "2023-12-01T00:00:00.000Z",
    "lineItem/UsageAccountId": "444455556666",
    "lineItem/UsageStartDate": "2023-11-02T10:00:00Z",
    "lineItem/UsageEndDate": "2023-11-02T11:00:00Z",
    "lineItem/ProductCode": "AmazonEC2", "lineItem/CurrencyCode": "USD",
    "lineItem/LegalEntity": "Amazon Web Services EMEA SARL",
    "product/ProductName": "Amazon Elastic Compute Cloud",
}  # fmt: skip

EC2_HOUR = {
    "lineItem/UsageType": "USE1-BoxUsage:m5.large", "lineItem/ResourceId": "i-0abc",
    "lineItem/AvailabilityZone": "us-east-1a", "lineItem/UsageAmount": "10",
    "product/instanceType": "m5.large", "product/productFamily": "Compute Instance",
    "product/regionCode": "us-east-1", "product/location": "US East (N. Virginia)",
    "product/sku": "SKU1", "pricing/RateCode": "SKU1.JRTCKXETXF.6YS6EN2CT7",
    "pricing/unit": "Hrs",
}  # fmt: skip

# description -> the row's own columns (BASE fills the rest).
ROWS: dict[str, dict[str, str]] = {
    "on-demand": {**EC2_HOUR, "lineItem/LineItemType": "Usage", "lineItem/UnblendedRate": "0.11",
                  "lineItem/UnblendedCost": "1.10", "pricing/publicOnDemandCost": "1.50",
                  "pricing/publicOnDemandRate": "0.15", "pricing/term": "OnDemand",
                  "resourceTags/user:team": "web", "resourceTags/aws:createdBy": "alice"},
    "spot": {**EC2_HOUR, "lineItem/LineItemType": "Usage",
             "lineItem/UsageType": "USE1-SpotUsage:m5.large", "lineItem/UnblendedCost": "0.33",
             "pricing/publicOnDemandCost": "0.96"},
    "ri-covered": {**EC2_HOUR, "lineItem/LineItemType": "DiscountedUsage",
                   "lineItem/UnblendedCost": "0", "pricing/publicOnDemandCost": "0.96",
                   "pricing/publicOnDemandRate": "0.096", "pricing/term": "Reserved",
                   "reservation/ReservationARN": RI_ARN, "reservation/EffectiveCost": "0.61"},
    "sp-covered": {**EC2_HOUR, "lineItem/LineItemType": "SavingsPlanCoveredUsage",
                   "lineItem/UnblendedCost": "0.20", "pricing/publicOnDemandCost": "0.20",
                   "savingsPlan/SavingsPlanARN": SP_ARN,
                   "savingsPlan/SavingsPlanEffectiveCost": "0.13"},
    "sp-negation": {**EC2_HOUR, "lineItem/LineItemType": "SavingsPlanNegation",
                    "lineItem/UnblendedCost": "-0.20", "pricing/publicOnDemandCost": "0.20",
                    "savingsPlan/SavingsPlanARN": SP_ARN},
    "sp-recurring": {"lineItem/LineItemType": "SavingsPlanRecurringFee",
                     "lineItem/ProductCode": "ComputeSavingsPlans",
                     "lineItem/UnblendedCost": "5.00", "savingsPlan/SavingsPlanARN": SP_ARN,
                     "savingsPlan/TotalCommitmentToDate": "5.00",
                     "savingsPlan/UsedCommitment": "3.25"},
    "sp-upfront": {"lineItem/LineItemType": "SavingsPlanUpfrontFee", "bill/BillType": "Purchase",
                   "lineItem/ProductCode": "ComputeSavingsPlans",
                   "lineItem/UnblendedCost": "100.00", "savingsPlan/SavingsPlanARN": SP_ARN},
    "ri-fee": {"lineItem/LineItemType": "RIFee", "lineItem/UnblendedCost": "7.00",
               "reservation/ReservationARN": RI_ARN,
               "reservation/UnusedAmortizedUpfrontFeeForBillingPeriod": "0.40",
               "reservation/UnusedRecurringFee": "0.35"},
    "ri-upfront": {"lineItem/LineItemType": "Fee", "bill/BillType": "Purchase",
                   "lineItem/UnblendedCost": "300.00", "reservation/ReservationARN": RI_ARN},
    "support": {"lineItem/LineItemType": "Fee", "lineItem/ProductCode": "AWSSupportBusiness",
                "product/ProductName": "AWS Support (Business)",
                "lineItem/UnblendedCost": "29.00"},
    "tax": {"lineItem/LineItemType": "Tax", "lineItem/UnblendedCost": "2.30",
            "pricing/publicOnDemandCost": "0.0"},
    "credit": {"lineItem/LineItemType": "Credit", "lineItem/UnblendedCost": "-4.00"},
    "refund-october": {"lineItem/LineItemType": "Refund", "lineItem/UnblendedCost": "-1.25",
                       "lineItem/UsageStartDate": "2023-10-05T00:00:00Z",
                       "lineItem/UsageEndDate": "2023-10-06T00:00:00Z"},
    "edp": {**EC2_HOUR, "lineItem/LineItemType": "EdpDiscount",
            "lineItem/UnblendedCost": "-0.11"},
    "bundled": {"lineItem/LineItemType": "BundledDiscount", "lineItem/UnblendedCost": "-0.50"},
    "private-rate": {"lineItem/LineItemType": "PrivateRateDiscount",
                     "lineItem/UnblendedCost": "-0.07"},
    "unknown-type": {"lineItem/LineItemType": "SomethingNew", "lineItem/UnblendedCost": "0.01"},
    "ebs-no-region": {"lineItem/LineItemType": "Usage",
                      "lineItem/UsageType": "EUW1-EBS:VolumeUsage",
                      "product/productFamily": "Storage", "lineItem/UnblendedCost": "0.50",
                      "lineItem/AvailabilityZone": "eu-west-1b"},
    "transfer-no-region": {"lineItem/LineItemType": "Usage",
                           "lineItem/UsageType": "APN3-DataTransfer-Out-Bytes",
                           "lineItem/ProductCode": "AWSDataTransfer",
                           "product/ProductName": "AWS Data Transfer",
                           "lineItem/UnblendedCost": "0.09"},
}  # fmt: skip


def write_cur(path: Path, rows: dict[str, dict[str, str]], header: list[str] = HEADER) -> Path:
    line_items = (
        {
            **BASE,
            "identity/LineItemId": f"li-{i}",
            "lineItem/LineItemDescription": description,
            **row,
        }
        for i, (description, row) in enumerate(rows.items())
    )
    return write_dict_csv(path, header, line_items)


def D(text: str) -> Decimal:  # noqa: N802 - reads like a literal
    return Decimal(text)


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("cur")
    lake = Lake(tmp / "lake")
    Ingestor(lake).ingest([write_cur(tmp / "cur.csv", ROWS)], org="acme")
    return lake_rows_by_description(lake)


class TestDetection:
    def test_focus_sample_is_not_a_cur(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, focus_sample(shared_data))
        assert AwsCurAdapter().detect(cols) == 0
        assert registry.detect(cols, path="focus_sample.csv").name == "focus"

    def test_cur2_columns_are_not_legacy(
        self, tmp_path: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        p = tmp_path / "cur2.csv"
        p.write_text("line_item_unblended_cost,line_item_line_item_type\n1,Usage\n")
        assert AwsCurAdapter().detect(describe(duck, p)) == 0

    def test_legacy_sample_is_picked(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(
            duck, provider_export(shared_data, "sample-anonymous-aws-export-dataset.csv")
        )
        score = AwsCurAdapter().detect(cols)
        assert 10 <= score <= 90
        assert AwsCur2Adapter().detect(cols) == 0
        assert registry.detect(cols, path="sample.csv").name == "aws-cur"


class TestBadFiles:
    def test_bad_unblended_cost_names_row_and_column(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        p = write_cur(
            tmp_path / "bad.csv",
            {
                "good": ROWS["on-demand"],
                "bad": {**ROWS["on-demand"], "lineItem/UnblendedCost": "12,5"},
            },
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert (err.value.row, err.value.column) == (2, "BilledCost")
        assert "12,5" in str(err.value) and "bad.csv" in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_bad_public_price_names_list_cost(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = write_cur(
            tmp_path / "bad.csv",
            {"bad": {**ROWS["on-demand"], "pricing/publicOnDemandCost": "n/a"}},
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert err.value.column == "ListCost" and "n/a" in str(err.value)

    def test_bad_amortisation_amount_names_effective_cost(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        p = write_cur(
            tmp_path / "bad.csv",
            {"bad": {**ROWS["ri-fee"], "reservation/UnusedRecurringFee": "0.3.5"}},
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert err.value.column == "EffectiveCost" and "0.3.5" in str(err.value)

    def test_bad_skipped_rows_are_counted(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = write_cur(
            tmp_path / "bad.csv",
            {
                "good": ROWS["on-demand"],
                "bad": {**ROWS["on-demand"], "lineItem/UnblendedCost": "x"},
            },
        )
        result = ingestor.ingest([p], org="acme", skip_bad_rows=True)
        assert (result.rows_written, result.rows_skipped) == (1, 1)

    def test_blank_line_item_type_is_refused(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = write_cur(
            tmp_path / "bad.csv", {"bad": {**ROWS["on-demand"], "lineItem/LineItemType": ""}}
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert err.value.column == "ChargeCategory"

    def test_missing_payer_column_is_named(self, tmp_path: Path, ingestor: Ingestor) -> None:
        header = [h for h in HEADER if h != "bill/PayerAccountId"]
        p = write_cur(tmp_path / "bad.csv", {"x": ROWS["on-demand"]}, header)
        with pytest.raises(MalformedFile, match="bill/PayerAccountId"):
            ingestor.ingest([p], org="acme", format="aws-cur")


class TestLegacySample:
    @pytest.fixture
    def sample(self, shared_data: Path) -> Path:
        return provider_export(shared_data, "sample-anonymous-aws-export-dataset.csv")

    @pytest.fixture
    def raw(self, sample: Path) -> str:
        return f"read_csv('{sample}', all_varchar = true, header = true)"

    def test_no_row_lost_and_billed_cost_exact(
        self,
        ingestor: Ingestor,
        lake: Lake,
        sample: Path,
        raw: str,
        duck: duckdb.DuckDBPyConnection,
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        count, billed = duck.execute(
            f'SELECT count(*), sum(CAST("lineItem/UnblendedCost" AS DECIMAL(38, 18))) FROM {raw}'
        ).fetchone()
        got = duck.execute(
            f"SELECT count(*), sum(BilledCost) FROM read_parquet({lake.snapshot('acme').files()})"
        ).fetchone()
        assert result.rows_written == count == got[0]
        assert result.formats == ("aws-cur",)
        assert got[1] == billed and billed > 0

    def test_effective_cost_follows_the_amortisation_rule(
        self,
        ingestor: Ingestor,
        lake: Lake,
        sample: Path,
        raw: str,
        duck: duckdb.DuckDBPyConnection,
    ) -> None:
        ingestor.ingest([sample], org="acme")
        money = "DECIMAL(38, 18)"

        def m(col: str) -> str:
            return f"COALESCE(CAST(NULLIF(\"{col}\", '') AS {money}), 0)"

        expected = duck.execute(f"""
            SELECT sum(CASE "lineItem/LineItemType"
                WHEN 'SavingsPlanCoveredUsage' THEN {m("savingsPlan/SavingsPlanEffectiveCost")}
                WHEN 'SavingsPlanRecurringFee' THEN {m("savingsPlan/TotalCommitmentToDate")}
                                                    - {m("savingsPlan/UsedCommitment")}
                WHEN 'SavingsPlanNegation' THEN 0
                WHEN 'SavingsPlanUpfrontFee' THEN 0
                WHEN 'DiscountedUsage' THEN {m("reservation/EffectiveCost")}
                WHEN 'RIFee' THEN {m("reservation/UnusedAmortizedUpfrontFeeForBillingPeriod")}
                                  + {m("reservation/UnusedRecurringFee")}
                ELSE {m("lineItem/UnblendedCost")} END)
            FROM {raw}""").fetchone()[0]
        got = duck.execute(
            f"SELECT sum(EffectiveCost) FROM read_parquet({lake.snapshot('acme').files()})"
        ).fetchone()[0]
        assert got == expected

    def test_every_line_item_type_is_classified(
        self,
        ingestor: Ingestor,
        lake: Lake,
        sample: Path,
        raw: str,
        duck: duckdb.DuckDBPyConnection,
    ) -> None:
        ingestor.ingest([sample], org="acme")
        raw_types = dict(
            duck.execute(
                f'SELECT "lineItem/LineItemType", count(*) FROM {raw} GROUP BY 1'
            ).fetchall()
        )
        got = dict(
            duck.execute(
                "SELECT ChargeCategory, count(*) FROM "
                f"read_parquet({lake.snapshot('acme').files()}) GROUP BY 1"
            ).fetchall()
        )
        assert got == {"Usage": raw_types["Usage"], "Tax": raw_types["Tax"]}

    def test_regions_and_list_cost_come_from_product_and_pricing(
        self,
        ingestor: Ingestor,
        lake: Lake,
        sample: Path,
        raw: str,
        duck: duckdb.DuckDBPyConnection,
    ) -> None:
        ingestor.ingest([sample], org="acme")
        files = lake.snapshot("acme").files()
        raw_regions = dict(
            duck.execute(
                f'SELECT "product/regionCode", count(*) FROM {raw} '
                'WHERE "product/regionCode" IS NOT NULL GROUP BY 1'
            ).fetchall()
        )
        lake_regions = dict(
            duck.execute(
                f"SELECT RegionId, count(*) FROM read_parquet({files}) GROUP BY 1"
            ).fetchall()
        )
        assert len(raw_regions) > 10
        for region, n in raw_regions.items():
            assert lake_regions[region] >= n, region
        located = duck.execute(
            f'SELECT count(*) FROM {raw} WHERE coalesce("product/regionCode", '
            '"product/region", "product/fromRegionCode") LIKE \'%-%-_\''
        ).fetchone()[0]
        assert sum(n for r, n in lake_regions.items() if r is not None) >= located
        list_raw = duck.execute(
            'SELECT sum(CAST("pricing/publicOnDemandCost" AS DECIMAL(38, 18))) '
            f"FROM {raw} WHERE \"lineItem/LineItemType\" = 'Usage'"
        ).fetchone()[0]
        list_lake = duck.execute(
            f"SELECT sum(ListCost) FROM read_parquet({files}) WHERE ChargeCategory = 'Usage'"
        ).fetchone()[0]
        assert list_lake == list_raw

    def test_every_sample_service_has_a_category(
        self, ingestor: Ingestor, lake: Lake, sample: Path
    ) -> None:
        ingestor.ingest([sample], org="acme")
        others = duckdb.sql(
            "SELECT DISTINCT ServiceName FROM "
            f"read_parquet({lake.snapshot('acme').files()}) WHERE ServiceCategory = 'Other'"
        ).fetchall()
        assert others == []

    def test_providers_and_issuer(self, ingestor: Ingestor, lake: Lake, sample: Path) -> None:
        ingestor.ingest([sample], org="acme")
        got = duckdb.sql(
            "SELECT DISTINCT ProviderName, PublisherName, InvoiceIssuerName, BillingAccountId, "
            f"SubAccountId FROM read_parquet({lake.snapshot('acme').files()})"
        ).fetchall()
        assert got == [
            (
                "AWS",
                "Amazon Web Services Canada, Inc.",
                "Amazon Web Services Canada, Inc.",
                "123412340534",
                "123412340534",
            )
        ]


class TestLineItemTypes:
    @pytest.mark.parametrize(("line", "category"), [
        ("on-demand", "Usage"), ("ri-covered", "Usage"), ("sp-covered", "Usage"),
        ("sp-negation", "Usage"), ("sp-recurring", "Purchase"), ("sp-upfront", "Purchase"),
        ("ri-fee", "Purchase"), ("ri-upfront", "Purchase"), ("tax", "Tax"), ("credit", "Credit"),
        ("refund-october", "Credit"), ("edp", "Credit"), ("bundled", "Credit"),
        ("private-rate", "Credit"), ("unknown-type", "Adjustment"),
    ])  # fmt: skip
    def test_charge_category(
        self, lines: dict[str, dict[str, Any]], line: str, category: str
    ) -> None:
        assert lines[line]["ChargeCategory"] == category

    def test_no_line_lost(self, lines: dict[str, dict[str, Any]]) -> None:
        assert set(lines) == set(ROWS)

    def test_billed_cost_is_unblended_cost(self, lines: dict[str, dict[str, Any]]) -> None:
        for name, row in ROWS.items():
            assert lines[name]["BilledCost"] == D(row["lineItem/UnblendedCost"]), name

    @pytest.mark.parametrize(("line", "effective"), [
        ("sp-covered", "0.13"),      # savingsPlan/SavingsPlanEffectiveCost
        ("sp-negation", "0"),        # the negation is not a cost once amortised
        ("sp-recurring", "1.75"),    # TotalCommitmentToDate - UsedCommitment: the unused part
        ("sp-upfront", "0"),         # amortised into the covered usage instead
        ("ri-covered", "0.61"),      # reservation/EffectiveCost
        ("ri-fee", "0.75"),          # unused amortised upfront + unused recurring fee
        ("ri-upfront", "0"),
        ("on-demand", "1.10"), ("support", "29.00"), ("tax", "2.30"), ("credit", "-4.00"),
    ])  # fmt: skip
    def test_effective_cost_amortises_commitments(
        self, lines: dict[str, dict[str, Any]], line: str, effective: str
    ) -> None:
        assert lines[line]["EffectiveCost"] == D(effective)

    @pytest.mark.parametrize(("line", "list_cost", "contracted"), [
        ("on-demand", "1.50", "1.10"),     # public on-demand price vs what was charged
        ("ri-covered", "0.96", "0.96"),    # unblended is 0: only the public price is known
        ("sp-covered", "0.20", "0.20"),
        ("sp-negation", "0", "0"),
        ("edp", "0", "-0.11"),             # a negotiated discount: contracted, not list
        ("tax", "2.30", "2.30"),           # taxes are not discounted
        ("sp-recurring", "5.00", "5.00"),
        ("credit", "-4.00", "-4.00"),
    ])  # fmt: skip
    def test_list_and_contracted_cost(
        self, lines: dict[str, dict[str, Any]], line: str, list_cost: str, contracted: str
    ) -> None:
        assert (lines[line]["ListCost"], lines[line]["ContractedCost"]) == (
            D(list_cost),
            D(contracted),
        )

    @pytest.mark.parametrize(("line", "expected"), [
        ("sp-covered", (SP_ARN, "Spend", "Savings Plan", "Used")),
        ("sp-negation", (SP_ARN, "Spend", "Savings Plan", "Used")),
        ("sp-recurring", (SP_ARN, "Spend", "Savings Plan", "Unused")),
        ("sp-upfront", (SP_ARN, "Spend", "Savings Plan", None)),
        ("ri-covered", (RI_ARN, "Usage", "Reserved Instance", "Used")),
        ("ri-fee", (RI_ARN, "Usage", "Reserved Instance", "Unused")),
        ("on-demand", (None, None, None, None)),
    ])  # fmt: skip
    def test_commitment_discount_columns(
        self, lines: dict[str, dict[str, Any]], line: str, expected: tuple[str | None, ...]
    ) -> None:
        row = lines[line]
        assert (
            row["CommitmentDiscountId"],
            row["CommitmentDiscountCategory"],
            row["CommitmentDiscountType"],
            row["CommitmentDiscountStatus"],
        ) == expected

    @pytest.mark.parametrize(("line", "pricing"), [
        ("on-demand", "Standard"), ("spot", "Dynamic"), ("ri-covered", "Committed"),
        ("sp-covered", "Committed"), ("sp-recurring", "Standard"), ("tax", None),
        ("credit", None),
    ])  # fmt: skip
    def test_pricing_category(
        self, lines: dict[str, dict[str, Any]], line: str, pricing: str | None
    ) -> None:
        assert lines[line]["PricingCategory"] == pricing

    @pytest.mark.parametrize(("line", "frequency"), [
        ("on-demand", "Usage-Based"), ("sp-negation", "Usage-Based"), ("edp", "Usage-Based"),
        ("sp-recurring", "Recurring"), ("ri-fee", "Recurring"), ("support", "Recurring"),
        ("tax", "Recurring"), ("sp-upfront", "One-Time"), ("ri-upfront", "One-Time"),
        ("credit", "One-Time"),
    ])  # fmt: skip
    def test_charge_frequency(
        self, lines: dict[str, dict[str, Any]], line: str, frequency: str
    ) -> None:
        assert lines[line]["ChargeFrequency"] == frequency

    def test_refund_of_an_earlier_period_is_a_correction(
        self, lines: dict[str, dict[str, Any]]
    ) -> None:
        assert lines["refund-october"]["ChargeClass"] == "Correction"
        assert lines["credit"]["ChargeClass"] is None

    def test_quantities_only_on_metered_lines(self, lines: dict[str, dict[str, Any]]) -> None:
        od, negation = lines["on-demand"], lines["sp-negation"]
        assert (od["ConsumedQuantity"], od["ConsumedUnit"]) == (D("10"), "Hrs")
        assert (od["PricingQuantity"], od["PricingUnit"]) == (D("10"), "Hrs")
        assert (od["ListUnitPrice"], od["ContractedUnitPrice"]) == (D("0.15"), D("0.11"))
        assert negation["ConsumedQuantity"] is None and negation["PricingQuantity"] is None
        assert lines["tax"]["ConsumedQuantity"] is None

    def test_tags_lose_the_user_prefix(self, lines: dict[str, dict[str, Any]]) -> None:
        assert json.loads(lines["on-demand"]["Tags"]) == {"team": "web", "aws:createdBy": "alice"}
        assert lines["tax"]["Tags"] is None

    def test_instance_type_goes_into_sku_price_details(
        self, lines: dict[str, dict[str, Any]]
    ) -> None:
        assert lines["on-demand"]["SkuPriceDetails"] == '{"InstanceType":"m5.large"}'
        assert lines["support"]["SkuPriceDetails"] is None

    def test_resource_sku_and_location(self, lines: dict[str, dict[str, Any]]) -> None:
        od = lines["on-demand"]
        assert (od["ResourceId"], od["SkuId"], od["SkuPriceId"], od["SkuMeter"]) == (
            "i-0abc",
            "SKU1",
            "SKU1.JRTCKXETXF.6YS6EN2CT7",
            "USE1-BoxUsage:m5.large",
        )
        assert (od["RegionId"], od["RegionName"], od["AvailabilityZone"]) == (
            "us-east-1",
            "US East (N. Virginia)",
            "us-east-1a",
        )

    def test_region_derived_without_product_region(self, lines: dict[str, dict[str, Any]]) -> None:
        assert lines["ebs-no-region"]["RegionId"] == "eu-west-1"  # from the zone
        assert lines["transfer-no-region"]["RegionId"] == "ap-northeast-3"  # from usage type
        assert lines["tax"]["RegionId"] is None

    @pytest.mark.parametrize(("line", "category"), [
        ("on-demand", "Compute"), ("ebs-no-region", "Storage"),
        ("transfer-no-region", "Networking"), ("support", "Management and Governance"),
        ("sp-recurring", "Compute"),
    ])  # fmt: skip
    def test_service_category(
        self, lines: dict[str, dict[str, Any]], line: str, category: str
    ) -> None:
        assert lines[line]["ServiceCategory"] == category

    def test_names_and_accounts(self, lines: dict[str, dict[str, Any]]) -> None:
        od = lines["on-demand"]
        assert (od["ServiceName"], od["BillingAccountId"], od["SubAccountId"], od["InvoiceId"]) == (
            "Amazon Elastic Compute Cloud",
            "111122223333",
            "444455556666",
            "EUINGB23-1",
        )
        assert (od["ProviderName"], od["ServiceProviderName"], od["HostProviderName"]) == (
            "AWS",
            "AWS",
            "AWS",
        )
        assert od["PublisherName"] == od["InvoiceIssuerName"] == "Amazon Web Services EMEA SARL"

    def test_sums_reconcile_billed_and_amortised(self, lines: dict[str, dict[str, Any]]) -> None:
        """Over the savings plan's lines, billed = the fees and effective = the commitment."""
        sp = [r for r in lines.values() if r["CommitmentDiscountId"] == SP_ARN]
        assert sum(r["BilledCost"] for r in sp) == D("105.00")  # 5 recurring + 100 upfront
        assert sum(r["EffectiveCost"] for r in sp) == D("1.88")  # 0.13 used + 1.75 unused
