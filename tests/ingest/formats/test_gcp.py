"""The GCP billing-export adapter on one hand-made month, written as JSON lines, Parquet and CSV.

No public GCP export exists to test against, so ``ROWS`` is a small bill in the export's own
nested shape: usage with sustained-use and committed-use credits, a commitment fee, labels at
project and resource level, a tax row, a rounding error and a billing correction. Each test
writes it in the encoding under test and compares with totals computed from ``ROWS``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.errors import MalformedFile
from costlake.ingest import registry
from costlake.ingest.formats.gcp import GcpAdapter
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

ACCOUNT = "01A2B3-C4D5E6-F7A8B9"
COMPUTE = {"id": "6F81-5844-456A", "description": "Compute Engine"}
STORAGE = {"id": "95FF-2EF5-5EA1", "description": "Cloud Storage"}
PROJECT = {
    "id": "shop-prod",
    "number": "123456789012",
    "name": "Shop (prod)",
    "labels": [{"key": "env", "value": "prod"}, {"key": "team", "value": "platform"}],
}
IOWA = {
    "location": "us-central1",
    "country": "US",
    "region": "us-central1",
    "zone": "us-central1-a",
}
CUD_NAME = "projects/shop-prod/regions/us-central1/commitments/cud-1y"


def row(**over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "billing_account_id": ACCOUNT, "service": COMPUTE,
        "sku": {"id": "CP-COMPUTEENGINE-VMIMAGE",
                "description": "N2 Instance Core running in Americas"},
        "usage_start_time": "2024-03-05T10:00:00", "usage_end_time": "2024-03-05T11:00:00",
        "project": PROJECT, "labels": [], "system_labels": [], "location": IOWA,
        "cost": "0", "currency": "EUR", "currency_conversion_rate": "0.92",
        "usage": {"amount": "3600", "unit": "seconds", "amount_in_pricing_units": "1",
                  "pricing_unit": "hour"},
        "credits": [], "invoice": {"month": "202403"}, "cost_type": "regular",
        "cost_at_list": "0", "adjustment_info": None,
        "price": {"effective_price": "0.0276", "tier_start_amount": "0", "unit": "hour",
                  "pricing_unit_quantity": "1"},
        "resource": {"name": "web-1",
                     "global_name": "//compute.googleapis.com/projects/shop-prod/zones/"
                                    "us-central1-a/instances/1234567890"},
        "transaction_type": "GOOGLE", "seller_name": "Google",
    }  # fmt: skip
    base.update(over)
    return base


ROWS: list[dict[str, Any]] = [
    # Usage with two credits (sustained use and free tier) and resource labels; one label
    # ("team") also exists on the project and must win over it.
    row(
        cost="0.1234567891",
        cost_at_list="0.1500000001",
        labels=[{"key": "app", "value": "checkout"}, {"key": "team", "value": "payments"}],
        system_labels=[{"key": "compute.googleapis.com/machine_spec", "value": "n2-standard-2"}],
        credits=[
            {
                "name": "Sustained Usage Discount",
                "amount": "-0.0246913578",
                "full_name": None,
                "id": "sud-1",
                "type": "SUSTAINED_USAGE_DISCOUNT",
            },
            {
                "name": "Free tier",
                "amount": "-0.00001",
                "full_name": None,
                "id": "ft-1",
                "type": "FREE_TIER",
            },
        ],
    ),
    # Usage covered by a resource-based committed use discount.
    row(
        cost="2.5",
        cost_at_list="3.125",
        credits=[
            {
                "name": "Committed Usage Discount: CPU",
                "amount": "-2.5",
                "full_name": CUD_NAME,
                "id": "cud-credit-1",
                "type": "COMMITTED_USAGE_DISCOUNT",
            }
        ],
    ),
    # The commitment's own monthly fee.
    row(
        cost="1.75",
        cost_at_list="1.75",
        sku={"id": "CUD-CPU-1Y", "description": "Commitment v1: Cpu in Americas for 1 Year"},
        usage={
            "amount": "2592000",
            "unit": "seconds",
            "amount_in_pricing_units": "720",
            "pricing_unit": "hour",
        },
    ),
    # Storage used on the last hour of February, invoiced in March; no labels of its own.
    row(
        service=STORAGE,
        cost="0.000000042",
        cost_at_list="0.000000042",
        sku={"id": "E5F0-6A5D-7BAD", "description": "Standard Storage US Regional"},
        usage_start_time="2024-02-29T23:00:00",
        usage_end_time="2024-03-01T00:00:00",
        location={"location": "us", "country": "US", "region": None, "zone": None},
        resource={
            "name": "shop-assets",
            "global_name": "//storage.googleapis.com/projects/_/buckets/shop-assets",
        },
    ),
    row(
        cost_type="tax",
        service={"id": "TAX", "description": "Invoice"},
        cost="0.43",
        cost_at_list="0.43",
        sku={"id": "VAT", "description": "VAT"},
        project=None,
        location=None,
        usage=None,
        price=None,
        resource=None,
    ),
    row(
        cost_type="rounding_error",
        service={"id": "RND", "description": "Invoice"},
        cost="-0.000001",
        cost_at_list="-0.000001",
        sku={"id": "RND", "description": "Rounding"},
        project=None,
        location=None,
        usage=None,
        price=None,
        resource=None,
    ),
    row(
        cost_type="adjustment",
        cost="-0.2",
        cost_at_list="-0.2",
        adjustment_info={
            "id": "adj-42",
            "description": "Billing correction",
            "mode": "MANUAL_ADJUSTMENT",
            "type": "GENERAL_ADJUSTMENT",
        },
    ),
]


def total(field: str) -> Decimal:
    return sum((Decimal(r[field]) for r in ROWS), Decimal(0))


def credits_total() -> Decimal:
    return sum((Decimal(c["amount"]) for r in ROWS for c in r["credits"]), Decimal(0))


# -- the three encodings ----------------------------------------------------------------------


def _number(value: str | None) -> float | None:
    return None if value is None else float(value)


def _bq_time(value: str) -> str:
    return value.replace("T", " ") + " UTC"


def write_jsonl(rows: list[dict[str, Any]], path: Path) -> Path:
    """As ``bq extract --destination_format NEWLINE_DELIMITED_JSON`` writes it."""

    def encode(r: dict[str, Any]) -> dict[str, Any]:
        out = dict(
            r,
            cost=_number(r["cost"]),
            cost_at_list=_number(r["cost_at_list"]),
            currency_conversion_rate=_number(r["currency_conversion_rate"]),
            usage_start_time=_bq_time(r["usage_start_time"]),
            usage_end_time=_bq_time(r["usage_end_time"]),
        )
        out["credits"] = [dict(c, amount=_number(c["amount"])) for c in r["credits"]]
        if r["usage"]:
            out["usage"] = {
                k: _number(v) if k.startswith("amount") else v for k, v in r["usage"].items()
            }
        return out

    path.write_text("".join(json.dumps(encode(r)) + "\n" for r in rows))
    return path


_KV = pa.list_(pa.struct([("key", pa.string()), ("value", pa.string())]))
PARQUET_SCHEMA = pa.schema([
    ("billing_account_id", pa.string()),
    ("service", pa.struct([("id", pa.string()), ("description", pa.string())])),
    ("sku", pa.struct([("id", pa.string()), ("description", pa.string())])),
    ("usage_start_time", pa.timestamp("us", tz="UTC")),
    ("usage_end_time", pa.timestamp("us", tz="UTC")),
    ("project", pa.struct([("id", pa.string()), ("number", pa.string()),
                           ("name", pa.string()), ("labels", _KV)])),
    ("labels", _KV), ("system_labels", _KV),
    ("location", pa.struct([("location", pa.string()), ("country", pa.string()),
                            ("region", pa.string()), ("zone", pa.string())])),
    ("cost", pa.float64()), ("currency", pa.string()), ("currency_conversion_rate", pa.float64()),
    ("usage", pa.struct([("amount", pa.float64()), ("unit", pa.string()),
                         ("amount_in_pricing_units", pa.float64()),
                         ("pricing_unit", pa.string())])),
    ("credits", pa.list_(pa.struct([("name", pa.string()), ("amount", pa.float64()),
                                    ("full_name", pa.string()), ("id", pa.string()),
                                    ("type", pa.string())]))),
    ("invoice", pa.struct([("month", pa.string())])),
    ("cost_type", pa.string()),
    ("adjustment_info", pa.struct([("id", pa.string()), ("description", pa.string()),
                                   ("mode", pa.string()), ("type", pa.string())])),
    ("cost_at_list", pa.float64()),
    ("price", pa.struct([("effective_price", pa.decimal128(38, 9)),
                         ("tier_start_amount", pa.decimal128(38, 9)), ("unit", pa.string()),
                         ("pricing_unit_quantity", pa.decimal128(38, 9))])),
    ("resource", pa.struct([("name", pa.string()), ("global_name", pa.string())])),
    ("transaction_type", pa.string()), ("seller_name", pa.string()),
])  # fmt: skip


def write_parquet(rows: list[dict[str, Any]], path: Path) -> Path:
    """As a BigQuery Parquet export: doubles for costs, NUMERIC prices, UTC timestamps."""

    def encode(r: dict[str, Any]) -> dict[str, Any]:
        out = json.loads(json.dumps(r))  # a deep copy
        for key in ("cost", "cost_at_list", "currency_conversion_rate"):
            out[key] = _number(r[key])
        for key in ("usage_start_time", "usage_end_time"):
            out[key] = datetime.fromisoformat(r[key]).replace(tzinfo=UTC)
        out["credits"] = [dict(c, amount=_number(c["amount"])) for c in r["credits"]]
        if r["usage"]:
            out["usage"] = {
                k: _number(v) if k.startswith("amount") else v for k, v in r["usage"].items()
            }
        if r["price"]:
            out["price"] = {k: Decimal(v) if k != "unit" else v for k, v in r["price"].items()}
        return out

    pq.write_table(pa.Table.from_pylist([encode(r) for r in rows], schema=PARQUET_SCHEMA), path)
    return path


def flatten(r: dict[str, Any]) -> dict[str, str]:
    """One CSV row: records become ``a.b`` columns, repeated records JSON text."""
    out: dict[str, str] = {}
    for key, value in r.items():
        if isinstance(value, list):
            out[key] = json.dumps(value)
        elif isinstance(value, dict) or (value is None and key in _RECORDS):
            for sub in _RECORDS.get(key, ()):
                inner = (value or {}).get(sub)
                out[f"{key}.{sub}"] = (
                    json.dumps(inner)
                    if isinstance(inner, list)
                    else ("" if inner is None else str(inner))
                )
        else:
            out[key] = "" if value is None else str(value)
    return out


_RECORDS = {
    "service": ("id", "description"),
    "sku": ("id", "description"),
    "project": ("id", "number", "name", "labels"),
    "location": ("location", "country", "region", "zone"),
    "usage": ("amount", "unit", "amount_in_pricing_units", "pricing_unit"),
    "invoice": ("month",),
    "adjustment_info": ("id", "description", "mode", "type"),
    "price": ("effective_price", "tier_start_amount", "unit", "pricing_unit_quantity"),
    "resource": ("name", "global_name"),
}


def write_csv(rows: list[dict[str, Any]], path: Path) -> Path:
    flat = [flatten(r) for r in rows]
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(flat[0]))
        w.writeheader()
        w.writerows(flat)
    return path


def write_jsonl_text(rows: list[dict[str, Any]], path: Path) -> Path:
    """JSON lines with every money value a string (BigQuery writes NUMERIC as text), the
    credits still a nested list of records."""

    def encode(r: dict[str, Any]) -> dict[str, Any]:
        return dict(
            r,
            usage_start_time=_bq_time(r["usage_start_time"]),
            usage_end_time=_bq_time(r["usage_end_time"]),
        )

    path.write_text("".join(json.dumps(encode(r)) + "\n" for r in rows))
    return path


def write_jsonl_mixed(rows: list[dict[str, Any]], path: Path) -> Path:
    """Numbers in some lines and strings in others (DuckDB then reads those fields as JSON)."""
    numbers = write_jsonl(rows, path.with_suffix(".numbers")).read_text().splitlines()
    text = write_jsonl_text(rows, path.with_suffix(".text")).read_text().splitlines()
    mixed = [n if i % 2 else t for i, (n, t) in enumerate(zip(numbers, text, strict=True))]
    path.write_text("\n".join(mixed) + "\n")
    return path


def _as_text(t: pa.DataType) -> pa.DataType:
    """``t`` with every floating-point field (at any depth) a string."""
    if pa.types.is_floating(t):
        return pa.string()
    if pa.types.is_struct(t):
        return pa.struct([pa.field(f.name, _as_text(f.type)) for f in t])
    if pa.types.is_list(t):
        return pa.list_(_as_text(t.value_type))
    return t


def write_parquet_text(rows: list[dict[str, Any]], path: Path) -> Path:
    """Parquet whose costs, rates, usage amounts and credit amounts are strings."""
    schema = pa.schema([pa.field(f.name, _as_text(f.type)) for f in PARQUET_SCHEMA])
    table = pq.read_table(write_parquet(rows, path.with_suffix(".typed"))).to_pylist()

    def text(v: Any) -> Any:
        if isinstance(v, float):
            return repr(v)  # the shortest text, in exponent form for the smallest costs
        if isinstance(v, dict):
            return {k: text(x) for k, x in v.items()}
        if isinstance(v, list):
            return [text(x) for x in v]
        return v

    pq.write_table(pa.Table.from_pylist([text(r) for r in table], schema=schema), path)
    return path


ENCODINGS: dict[str, tuple[str, Callable[[list[dict[str, Any]], Path], Path]]] = {
    "jsonl": ("billing.jsonl", write_jsonl),
    "jsonl-text": ("billing.jsonl", write_jsonl_text),
    "jsonl-mixed": ("billing.jsonl", write_jsonl_mixed),
    "parquet": ("billing.parquet", write_parquet),
    "parquet-text": ("billing.parquet", write_parquet_text),
    "csv": ("billing.csv", write_csv),
}


@pytest.fixture(params=sorted(ENCODINGS))
def export(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    name, write = ENCODINGS[request.param]
    return write(ROWS, tmp_path / name)


# -- tests ------------------------------------------------------------------------------------


class TestGcpDetection:
    def test_focus_file_is_not_gcp(
        self, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, focus_sample(shared_data))
        assert GcpAdapter().detect(cols) == 0

    @pytest.mark.parametrize("name", PROVIDER_EXPORT_NAMES)
    def test_other_providers_exports_are_not_gcp(
        self, name: str, shared_data: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, provider_export(shared_data, name))
        assert GcpAdapter().detect(cols) == 0

    def test_gcp_wins_in_every_encoding(
        self, export: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        cols = describe(duck, export)
        assert 10 <= GcpAdapter().detect(cols) <= 90
        assert registry.detect(cols, path=str(export)).name == "gcp"


class TestGcpTotals:
    def test_no_row_lost(self, export: Path, ingestor: Ingestor) -> None:
        result = ingestor.ingest([export], org="acme")
        assert (result.rows_written, result.rows_skipped) == (len(ROWS), 0)
        assert result.formats == ("gcp",)

    def test_credits_are_netted_into_billed_and_effective_cost(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        billed, effective = lake_rows(lake, "sum(BilledCost), sum(EffectiveCost)")[0]
        assert credits_total() < 0
        assert billed == effective == total("cost") + credits_total()

    def test_contracted_cost_is_cost_and_list_cost_is_cost_at_list(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        contracted, listed = lake_rows(lake, "sum(ContractedCost), sum(ListCost)")[0]
        assert contracted == total("cost")
        assert listed == total("cost_at_list")

    def test_each_row_nets_its_own_credits(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        got = sorted(lake_rows(lake, "ContractedCost, BilledCost"))
        expected = sorted(
            (
                Decimal(r["cost"]),
                Decimal(r["cost"]) + sum((Decimal(c["amount"]) for c in r["credits"]), Decimal(0)),
            )
            for r in ROWS
        )
        assert got == expected


class TestGcpMapping:
    def test_cost_types_become_charge_categories(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        got = dict(lake_rows(lake, "ChargeCategory, count(*)", group="1"))
        assert got == {"Usage": 3, "Purchase": 1, "Tax": 1, "Adjustment": 2}

    def test_correction_comes_from_adjustment_info(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        got = lake_rows(lake, "ChargeClass, BilledCost", "ChargeClass IS NOT NULL")
        assert got == [("Correction", Decimal("-0.2"))]

    def test_committed_use_discount(self, export: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([export], org="acme")
        got = lake_rows(
            lake,
            "CommitmentDiscountCategory, CommitmentDiscountName, "
            "CommitmentDiscountStatus, PricingCategory, BilledCost",
            "CommitmentDiscountId IS NOT NULL",
        )
        assert got == [("Usage", CUD_NAME, "Used", "Committed", Decimal(0))]

    def test_commitment_fee_is_a_recurring_purchase(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        got = lake_rows(
            lake, "ChargeFrequency, PricingCategory, SkuId", "ChargeCategory = 'Purchase'"
        )
        assert got == [("Recurring", "Committed", "CUD-CPU-1Y")]

    def test_billing_period_is_the_invoice_month(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        got = lake_rows(
            lake,
            "ChargePeriodStart, BillingPeriodStart, BillingPeriodEnd",
            "ServiceName = 'Cloud Storage'",
        )
        assert got == [(datetime(2024, 2, 29, 23), datetime(2024, 3, 1), datetime(2024, 4, 1))]

    def test_labels_merge_with_resource_labels_winning(
        self, export: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([export], org="acme")
        tags = lake_rows(lake, TAGS_MAP, "Tags->>'app' = 'checkout'")
        assert tags == [
            (
                {
                    "env": "prod",
                    "team": "payments",
                    "app": "checkout",
                    "compute.googleapis.com/machine_spec": "n2-standard-2",
                },
            )
        ]
        no_project = lake_rows(lake, "count(*)", "Tags IS NULL")[0][0]
        assert no_project == sum(1 for r in ROWS if not r["project"] and not r["labels"])

    def test_names_places_and_accounts(self, export: Path, ingestor: Ingestor, lake: Lake) -> None:
        ingestor.ingest([export], org="acme")
        got = lake_rows(
            lake,
            "ProviderName, BillingAccountId, BillingCurrency, SubAccountId, "
            "ServiceName, ServiceCategory, RegionId, RegionName, "
            "AvailabilityZone, ResourceName, ResourceType",
            "ChargeDescription LIKE 'N2 Instance Core%' AND BilledCost > 0",
        )
        assert got == [
            (
                "Google Cloud",
                ACCOUNT,
                "EUR",
                "shop-prod",
                "Compute Engine",
                "Compute",
                "us-central1",
                "Iowa",
                "us-central1-a",
                "web-1",
                "instances",
            )
        ]


class TestBadGcpFiles:
    def test_missing_required_field(self, tmp_path: Path, ingestor: Ingestor) -> None:
        rows = [{k: v for k, v in r.items() if k != "currency"} for r in ROWS]
        with pytest.raises(MalformedFile, match="currency"):
            ingestor.ingest([write_jsonl(rows, tmp_path / "b.jsonl")], org="acme", format="gcp")

    def test_bad_credits_json_names_the_cost_column(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        path = write_csv(ROWS, tmp_path / "b.csv")
        lines = path.read_text().splitlines()
        lines[2] = lines[2].replace('"[{""name"": ""Committed', '"[{""name"" ""Committed', 1)
        path.write_text("\n".join(lines) + "\n")
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([path], org="acme")
        assert err.value.column in ("BilledCost", "EffectiveCost")
        assert err.value.row == 2
        assert lake.snapshot("acme").is_empty

    def test_bad_usage_start_names_the_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        rows = [*ROWS[:3], dict(ROWS[3], usage_start_time="29/02/2024 23:00")]
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([write_csv(rows, tmp_path / "b.csv")], org="acme")
        assert (err.value.column, err.value.row) == ("ChargePeriodStart", 4)
        assert "29/02/2024" in str(err.value)

    def test_bad_nested_credit_amount_names_the_amount(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        bad = dict(ROWS[1], credits=[dict(ROWS[1]["credits"][0], amount="abc")])
        path = write_jsonl_text([ROWS[0], bad, *ROWS[2:]], tmp_path / "b.jsonl")
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([path], org="acme")
        assert (err.value.column, err.value.row) == ("BilledCost", 2)
        assert 'value "abc" is not a valid BilledCost' in str(err.value)
        assert lake.snapshot("acme").is_empty
