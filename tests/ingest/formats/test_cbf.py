"""The CloudZero CBF adapter on hand-made bill drops.

``SIMPLE`` is the "Simple Cloud" bill of CloudZero's CBF documentation (usage, a committed-use
purchase, discounts) with resource tags added; ``FULL`` uses every cost column, so each FOCUS
metric has to pick its CBF column with CloudZero's fallbacks.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.cbf import DEFAULT_PROVIDER, CbfAdapter
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.reading import describe
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import (
    PROVIDER_EXPORT_NAMES,
    TAGS_MAP,
    focus_sample,
    lake_rows,
    provider_export,
)

SIMPLE_HEADER = [
    "lineitem/type",
    "resource/service",
    "resource/id",
    "time/usage_start",
    "cost/cost",
    "resource/account",
    "resource/region",
    "resource/tag:team",
    "resource/tag:Product-Type",
]
SIMPLE = [
    [
        "Usage",
        "Compute",
        "instance-0000",
        "2022-03-16T13:00:00Z",
        "12",
        "acct-1",
        "us-east",
        "alpha",
        "web",
    ],
    [
        "Usage",
        "Compute",
        "instance-0001",
        "2022-03-16T13:00:00Z",
        "20",
        "acct-1",
        "us-east",
        "",
        "",
    ],
    [
        "Usage",
        "Compute",
        "instance-0002",
        "2022-03-16T13:00:00Z",
        "15.3",
        "acct-2",
        "us-west",
        "beta",
        "",
    ],
    [
        "CommittedUsePurchase",
        "CommittedUse",
        "commit-111-222-333",
        "2022-03-01T00:00:00Z",
        "90",
        "acct-1",
        "",
        "",
        "",
    ],
    [
        "Discount",
        "SpecialCompute",
        "special-01010101",
        "2022-03-16T13:00:00Z",
        "-12",
        "acct-1",
        "us-east",
        "",
        "",
    ],
    ["Discount", "MVPDiscount", "mvp-aaa-12345", "2022-03-01T00:00:00Z", "-20", "", "", "", ""],
]

FULL_HEADER = [
    "lineitem/type",
    "lineitem/cloud_provider",
    "lineitem/description",
    "time/usage_start",
    "time/usage_end",
    "resource/id",
    "resource/service",
    "resource/usage_family",
    "action/usage_type",
    "action/operation",
    "usage/amount",
    "usage/units",
    "cost/cost",
    "cost/discounted_cost",
    "cost/amortized_cost",
    "cost/discounted_amortized_cost",
    "cost/on_demand_cost",
    "bill/invoice_id",
    "k8s/cluster",
]
FULL = [
    # Every cost column given.
    [
        "Usage",
        "Snowflake",
        "warehouse credits",
        "2024-06-01T00:00:00Z",
        "2024-06-02T00:00:00Z",
        "warehouse:ANALYTICS_WH",
        "Compute",
        "Warehouse",
        "compute-credits",
        "query",
        "3.5",
        "credits",
        "10.5",
        "9.45",
        "8",
        "7.2",
        "14",
        "INV-7",
        "prod",
    ],
    # Blank amortised columns fall back to discounted_cost; blank on-demand to cost.
    [
        "Usage",
        "Snowflake",
        "storage",
        "2024-06-01T00:00:00Z",
        "",
        "database/SALES",
        "Storage",
        "",
        "storage-tb",
        "",
        "0.25",
        "TB-month",
        "5.75",
        "5.175",
        "",
        "",
        "",
        "INV-7",
        "",
    ],
    # A 0 is a value, not a blank: no fallback.
    [
        "CommittedUsePurchase",
        "Snowflake",
        "capacity",
        "2024-06-01T00:00:00Z",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "1000",
        "1000",
        "0",
        "0",
        "",
        "INV-7",
        "",
    ],
    [
        "CommittedUseVacancy",
        "Snowflake",
        "unused capacity",
        "2024-06-30T00:00:00Z",
        "",
        "",
        "Compute",
        "",
        "",
        "",
        "",
        "",
        "0",
        "0",
        "12.25",
        "12.25",
        "",
        "INV-7",
        "",
    ],
    [
        "Tax",
        "Snowflake",
        "sales tax",
        "2024-06-30T00:00:00Z",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "80.01",
        "",
        "",
        "",
        "",
        "INV-7",
        "",
    ],
    # Not a CBF line item type; kept (as Usage), never dropped.
    [
        "Mystery",
        "Snowflake",
        "",
        "2024-06-30T00:00:00Z",
        "",
        "",
        "Compute",
        "",
        "",
        "",
        "",
        "",
        "0.000000000000000001",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


def write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def column(header: list[str], rows: list[list[str]], name: str) -> list[str]:
    i = header.index(name)
    return [r[i] for r in rows]


def fallback(row: list[str], *names: str) -> Decimal:
    """CloudZero's rule: the first cost column that is not blank."""
    values = dict(zip(FULL_HEADER, row, strict=True))
    return next(Decimal(values[n]) for n in (*names, "cost/cost") if values[n] != "")


@pytest.fixture
def simple(tmp_path: Path) -> Path:
    return write(tmp_path / "simple.csv", SIMPLE_HEADER, SIMPLE)


@pytest.fixture
def full(tmp_path: Path) -> Path:
    return write(tmp_path / "full.csv", FULL_HEADER, FULL)


class TestCbfDetection:
    def test_focus_file_is_not_cbf(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, focus_sample(shared_data))
        assert CbfAdapter().detect(cols) == 0

    @pytest.mark.parametrize("name", PROVIDER_EXPORT_NAMES)
    def test_other_providers_exports_are_not_cbf(
        self, name: str, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        assert CbfAdapter().detect(describe(duck, provider_export(shared_data, name))) == 0

    def test_gcp_file_is_not_cbf(self, tmp_path: Path, duck: duckdb.DuckDBPyConnection) -> None:
        path = write(
            tmp_path / "gcp.csv",
            ["billing_account_id", "service.description", "usage_start_time", "cost", "currency"],
            [["01A2B3", "Compute Engine", "2024-03-01T00:00:00Z", "1", "USD"]],
        )
        assert CbfAdapter().detect(describe(duck, path)) == 0

    def test_cbf_wins_for_minimal_and_full_drops(
        self, simple: Path, full: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        for path in (simple, full):
            cols = describe(duck, path)
            assert 10 <= CbfAdapter().detect(cols) <= 90
            assert registry.detect(cols, path=str(path)).name == "cbf"


class TestCbfSimpleBill:
    def test_no_row_lost_and_billed_cost_is_the_bill(
        self, simple: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        result = ingestor.ingest([simple], org="acme")
        assert (result.rows_written, result.rows_skipped) == (len(SIMPLE), 0)
        bill = sum(Decimal(c) for c in column(SIMPLE_HEADER, SIMPLE, "cost/cost"))
        assert lake_rows(
            lake, "sum(BilledCost), sum(EffectiveCost), sum(ListCost), sum(ContractedCost)"
        ) == [(bill, bill, bill, bill)]

    def test_line_item_types(self, simple: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([simple], org="acme")
        got = lake_rows(lake, "ChargeCategory, ChargeFrequency, count(*)", group="ALL ORDER BY 1")
        assert got == [
            ("Credit", "Usage-Based", 2),
            ("Purchase", "One-Time", 1),
            ("Usage", "Usage-Based", 3),
        ]

    def test_tags_only_where_given(self, simple: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([simple], org="acme")
        got = lake_rows(lake, f"ResourceId, {TAGS_MAP}", "Tags IS NOT NULL", group="ALL ORDER BY 1")
        assert got == [
            ("instance-0000", {"team": "alpha", "Product-Type": "web"}),
            ("instance-0002", {"team": "beta"}),
        ]

    def test_provider_and_account_without_provider_column(
        self, simple: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        result = ingestor.ingest([simple], org="acme")
        got = lake_rows(
            lake,
            "ProviderName, BillingAccountId, BillingCurrency, count(*), count(SubAccountId)",
            group="ALL",
        )
        assert got == [(DEFAULT_PROVIDER, DEFAULT_PROVIDER, "USD", len(SIMPLE), len(SIMPLE) - 1)]
        assert result.periods == ("2022-03",)

    def test_charge_period_is_the_hour_of_usage_start(
        self, simple: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([simple], org="acme")
        got = lake_rows(
            lake,
            "ChargePeriodStart, ChargePeriodEnd, BillingPeriodStart, BillingPeriodEnd",
            "ResourceId = 'instance-0000'",
        )
        assert got == [
            (
                datetime(2022, 3, 16, 13),
                datetime(2022, 3, 16, 14),
                datetime(2022, 3, 1),
                datetime(2022, 4, 1),
            )
        ]


class TestCbfCostColumns:
    def test_each_metric_uses_cloudzero_fallbacks(
        self, full: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([full], org="acme")

        def total(*names: str) -> Decimal:
            return sum((fallback(r, *names) for r in FULL), Decimal(0))

        got = lake_rows(
            lake,
            "count(*), sum(BilledCost), sum(EffectiveCost), sum(ContractedCost), sum(ListCost)",
        )
        assert got == [
            (
                len(FULL),
                total(),
                total(
                    "cost/discounted_amortized_cost", "cost/amortized_cost", "cost/discounted_cost"
                ),
                total("cost/discounted_cost"),
                total("cost/on_demand_cost"),
            )
        ]

    def test_zero_is_kept_not_replaced(self, full: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([full], org="acme")
        got = lake_rows(lake, "BilledCost, EffectiveCost", "ChargeCategory = 'Purchase'")
        assert got == [(Decimal(1000), Decimal(0))]

    def test_vacancy_is_unused_commitment(self, full: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([full], org="acme")
        got = lake_rows(
            lake,
            "ChargeCategory, CommitmentDiscountStatus, BilledCost, EffectiveCost",
            "CommitmentDiscountStatus IS NOT NULL",
        )
        assert got == [("Usage", "Unused", Decimal(0), Decimal("12.25"))]

    def test_unknown_line_item_type_is_kept_as_usage(
        self, full: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([full], org="acme")
        got = lake_rows(lake, "ChargeCategory, BilledCost", "ChargeDescription IS NULL")
        assert got == [("Usage", Decimal("1E-18"))]

    def test_provider_resource_and_usage(self, full: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([full], org="acme")
        got = lake_rows(
            lake,
            "ProviderName, BillingAccountId, InvoiceId, ResourceType, "
            "ResourceName, ServiceName, ServiceSubcategory, SkuId, "
            f"ConsumedQuantity, ConsumedUnit, ChargePeriodEnd, {TAGS_MAP}",
            "ResourceId = 'warehouse:ANALYTICS_WH'",
        )
        assert got == [
            (
                "Snowflake",
                "Snowflake",
                "INV-7",
                "warehouse",
                "ANALYTICS_WH",
                "Compute",
                "Warehouse",
                "compute-credits",
                Decimal("3.5"),
                "credits",
                datetime(2024, 6, 2),
                {"k8s/cluster": "prod"},
            )
        ]


class TestBadCbfFiles:
    def test_missing_cost_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        path = write(
            tmp_path / "b.csv",
            ["time/usage_start", "resource/service"],
            [["2024-06-01T00:00:00Z", "Compute"]],
        )
        with pytest.raises(MalformedFile, match="cost/cost"):
            ingestor.ingest([path], org="acme", format="cbf")

    def test_bad_cost_names_row_column_and_value(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        rows = [*SIMPLE[:2], [*SIMPLE[2][:4], "15,3", *SIMPLE[2][5:]]]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write(tmp_path / "b.csv", SIMPLE_HEADER, rows)], org="acme")
        assert err.value.column in ("BilledCost", "EffectiveCost", "ContractedCost", "ListCost")
        assert err.value.row == 3
        assert "15,3" in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_bad_discounted_cost_is_an_error_not_a_fallback(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        i = FULL_HEADER.index("cost/discounted_cost")
        rows = [FULL[0], [*FULL[1][:i], "n/a", *FULL[1][i + 1 :]]]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write(tmp_path / "b.csv", FULL_HEADER, rows)], org="acme")
        assert err.value.column in ("ContractedCost", "EffectiveCost")
        assert err.value.row == 2
        assert "n/a" in str(err.value)

    def test_bad_usage_start(self, tmp_path: Path, ingestor: Ingestor) -> None:
        rows = [[*SIMPLE[0][:3], "16/03/2022 13:00", *SIMPLE[0][4:]]]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write(tmp_path / "b.csv", SIMPLE_HEADER, rows)], org="acme")
        assert err.value.column in (
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "BillingPeriodStart",
            "BillingPeriodEnd",
        )
        assert "16/03/2022 13:00" in str(err.value)
