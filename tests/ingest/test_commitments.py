"""FOCUS 1.3's Contract Commitment dataset: accepted, stored beside cost and usage, read back.

The files are written by the tests in the column layout of the FOCUS 1.3 specification
(``specification/datasets/contract_commitment``): a spend commitment of one contract over two
quarterly commitment periods and a usage commitment of another.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.errors import InvalidInput, MalformedFile
from costlake.ingest.pipeline import Ingestor, Replaced
from costlake.lake.commitments import export_commitments, read_commitments
from costlake.lake.store import Lake
from tests.ingest.bills import focus_csv, row

COLUMNS = [
    "BillingCurrency", "ContractCommitmentCategory", "ContractCommitmentCost",
    "ContractCommitmentDescription", "ContractCommitmentId", "ContractCommitmentPeriodEnd",
    "ContractCommitmentPeriodStart", "ContractCommitmentQuantity", "ContractCommitmentType",
    "ContractCommitmentUnit", "ContractId", "ContractPeriodEnd", "ContractPeriodStart",
]  # fmt: skip

ROWS = [
    {
        "BillingCurrency": "USD", "ContractCommitmentCategory": "Spend",
        "ContractCommitmentCost": "250000.125", "ContractCommitmentDescription": "EDP year 1 Q1",
        "ContractCommitmentId": "edp-1-q1", "ContractCommitmentPeriodEnd": "2024-04-01T00:00:00Z",
        "ContractCommitmentPeriodStart": "2024-01-01T00:00:00Z",
        "ContractCommitmentQuantity": "NULL", "ContractCommitmentType": "Enterprise Discount",
        "ContractCommitmentUnit": "NULL", "ContractId": "edp-1",
        "ContractPeriodEnd": "2025-01-01T00:00:00Z", "ContractPeriodStart": "2024-01-01T00:00:00Z",
    },
    {
        "BillingCurrency": "USD", "ContractCommitmentCategory": "spend",
        "ContractCommitmentCost": "250000.000000000000000001",
        "ContractCommitmentDescription": "EDP year 1 Q2", "ContractCommitmentId": "edp-1-q2",
        "ContractCommitmentPeriodEnd": "2024-07-01T00:00:00+00:00",
        "ContractCommitmentPeriodStart": "2024-04-01T00:00:00+00:00",
        "ContractCommitmentQuantity": "", "ContractCommitmentType": "Enterprise Discount",
        "ContractCommitmentUnit": "", "ContractId": "edp-1",
        "ContractPeriodEnd": "2025-01-01T00:00:00Z", "ContractPeriodStart": "2024-01-01T00:00:00Z",
    },
    {
        "BillingCurrency": "NULL", "ContractCommitmentCategory": "Usage",
        "ContractCommitmentCost": "NULL", "ContractCommitmentDescription": "GPU hours",
        "ContractCommitmentId": "gpu-1", "ContractCommitmentPeriodEnd": "2024-02-01 00:00:00",
        "ContractCommitmentPeriodStart": "2024-01-01 00:00:00",
        "ContractCommitmentQuantity": "1000.5", "ContractCommitmentType": "Capacity Block",
        "ContractCommitmentUnit": "Hours", "ContractId": "gpu",
        "ContractPeriodEnd": "2024-02-01 00:00:00", "ContractPeriodStart": "2024-01-01 00:00:00",
    },
]  # fmt: skip


def write(path: Path, rows: list[dict[str, str]], columns: list[str] = COLUMNS) -> Path:
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return path


class TestContractCommitmentIngest:
    def test_missing_required_column_is_named(self, tmp_path: Path, ingestor: Ingestor) -> None:
        path = write(tmp_path / "cc.csv", ROWS, [c for c in COLUMNS if c != "ContractPeriodEnd"])
        with pytest.raises(MalformedFile, match="ContractPeriodEnd is missing"):
            ingestor.ingest([path], org="acme")

    def test_bad_value_names_file_row_and_column(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        bad = [ROWS[0], dict(ROWS[1], ContractCommitmentCost="lots"), ROWS[2]]
        path = write(tmp_path / "cc.csv", bad)
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([path], org="acme")
        assert str(err.value) == (
            f"{path}: row 2, column 'ContractCommitmentCost': value \"lots\" is not a valid "
            "ContractCommitmentCost"
        )
        snap = lake.snapshot("acme")
        assert snap.is_empty and snap.commitments == ()

    def test_is_accepted_and_read_back_exactly(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        result = ingestor.ingest([write(tmp_path / "cc.csv", ROWS)], org="acme", source="aws")
        assert result.formats == ("focus-commitments",)
        assert result.rows_written == 3
        assert result.sources == ("aws.commitments",)
        table = read_commitments(lake, "acme")
        got = {r["ContractCommitmentId"]: r for r in table.to_pylist()}
        assert sum((r["ContractCommitmentCost"] or 0 for r in got.values()), Decimal(0)) == (
            Decimal("500000.125000000000000001")
        )
        assert got["gpu-1"]["ContractCommitmentQuantity"] == Decimal("1000.5")
        assert got["gpu-1"]["ContractCommitmentCost"] is None
        assert got["gpu-1"]["BillingCurrency"] is None
        assert got["edp-1-q2"]["ContractCommitmentCategory"] == "Spend"
        assert got["edp-1-q2"]["ContractCommitmentPeriodStart"] == datetime(2024, 4, 1)
        assert got["edp-1-q1"]["x_SourceId"] == "aws.commitments"
        assert table.column_names[:3] == COLUMNS[:3]

    def test_read_back_by_period_and_source(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write(tmp_path / "cc.csv", ROWS)], org="acme", source="aws")
        q2 = read_commitments(lake, "acme", start=datetime(2024, 5, 1), end=datetime(2024, 6, 1))
        assert q2.column("ContractCommitmentId").to_pylist() == ["edp-1-q2"]
        assert read_commitments(lake, "acme", sources=["aws"]).num_rows == 3
        assert read_commitments(lake, "acme", sources=["gcp"]).num_rows == 0
        assert read_commitments(lake, "nobody").num_rows == 0


class TestBesideCostAndUsage:
    def test_both_datasets_in_one_delivery_share_the_source_not_the_queries(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        cost = focus_csv(tmp_path / "cost.csv", [row("1.5", month=1), row("2", month=1)])
        cc = write(tmp_path / "cc.csv", ROWS)
        result = ingestor.ingest([cost, cc], org="acme", source="aws")
        assert result.sources == ("aws", "aws.commitments")
        assert result.rows_written == 5
        snap = lake.snapshot("acme")
        assert [(p.source, p.period, p.rows) for p in snap.partitions] == [("aws", "2024-01", 2)]
        assert [(p.source, p.period, p.rows) for p in snap.commitments] == [
            ("aws.commitments", "2024-01", 2),
            ("aws.commitments", "2024-04", 1),
        ]
        total = duckdb.sql(f"SELECT sum(BilledCost) FROM read_parquet({snap.files()})").fetchall()
        assert total[0][0] == Decimal("3.5")

    def test_redelivery_replaces_the_same_periods_atomically(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        cost = focus_csv(tmp_path / "cost.csv", [row("1.5", month=1)])
        ingestor.ingest([cost, write(tmp_path / "cc.csv", ROWS)], org="acme", source="aws")
        restated = [dict(ROWS[0], ContractCommitmentCost="300000")]
        result = ingestor.ingest([write(tmp_path / "cc2.csv", restated)], org="acme", source="aws")
        assert result.replaced == (Replaced("aws.commitments", "2024-01", 2),)
        got = read_commitments(lake, "acme").to_pylist()
        assert [(r["ContractCommitmentId"], r["ContractCommitmentCost"]) for r in got] == [
            ("edp-1-q1", Decimal("300000")),
            ("edp-1-q2", Decimal("250000.000000000000000001")),
        ]
        assert [(p.source, p.rows) for p in lake.snapshot("acme").partitions] == [("aws", 1)]

    def test_default_source_is_named_after_the_contract(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        result = ingestor.ingest([write(tmp_path / "cc.csv", ROWS[2:])], org="acme")
        assert result.sources == ("focus-gpu.commitments",)

    def test_a_cost_source_cannot_take_a_commitments_name(
        self, tmp_path: Path, ingestor: Ingestor
    ) -> None:
        cost = focus_csv(tmp_path / "cost.csv", [row("1.5")])
        with pytest.raises(InvalidInput, match="kept for the FOCUS Contract Commitment"):
            ingestor.ingest([cost], org="acme", source="aws.commitments")


class TestExport:
    @pytest.mark.parametrize("name", ["cc.parquet", "cc.csv"])
    def test_export_writes_every_row_exactly(
        self, name: str, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        ingestor.ingest([write(tmp_path / "in.csv", ROWS)], org="acme", source="aws")
        out = tmp_path / "out" / name
        out.parent.mkdir()
        assert export_commitments(lake, "acme", out, file_format=out.suffix[1:]) == 3
        assert [p.name for p in out.parent.iterdir()] == [name]
        reader = "read_parquet" if name.endswith("parquet") else "read_csv"
        got = duckdb.sql(
            f"SELECT ContractCommitmentId, CAST(ContractCommitmentCost AS DECIMAL(38, 18)), "
            f"CAST(ContractCommitmentPeriodStart AS VARCHAR) FROM {reader}('{out}') ORDER BY 1"
        ).fetchall()
        assert got[1] == ("edp-1-q2", Decimal("250000.000000000000000001"), got[1][2])
        assert got[2][:2] == ("gpu-1", None)
        if name.endswith("csv"):
            assert "2024-04-01T00:00:00Z" in out.read_text()
