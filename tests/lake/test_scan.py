"""Line-item files hold only the columns their ingest filled; every reader sees all of them.

An export that never carries a FOCUS column (AWS's FOCUS 1.2 lacks 32 of them) used to be
written with those columns as NULLs; they are left out now (``docs/decisions/0009``), and the
DuckDB and Spark engines, rollups and exports read them back as typed NULLs, beside files of
earlier releases that hold every column.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from costlake.focus import scan
from costlake.focus.schema import COLUMNS, FOCUS_SCHEMA, duckdb_type
from costlake.ingest.canonical import written_columns
from costlake.ingest.pipeline import Ingestor
from costlake.ingest.registry import get
from costlake.lake.export import export_focus
from costlake.lake.store import Lake
from costlake.query.engines import get_engine
from tests.lake.helpers import focus_file

KEPT = (
    "BilledCost",
    "EffectiveCost",
    "ListCost",
    "ContractedCost",
    "BillingAccountId",
    "BillingCurrency",
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargeCategory",
    "ChargePeriodStart",
    "ChargePeriodEnd",
    "InvoiceIssuerName",
    "ProviderName",
    "PublisherName",
    "ServiceCategory",
    "ServiceName",
)


def _narrow_export(tmp_path: Path, *, month: int = 3, rows: int = 40) -> Path:
    """A FOCUS Parquet export carrying only the columns a minimal provider writes."""
    full = focus_file(tmp_path / f"full-{month}.parquet", month=month, rows=rows, cost="0.5")
    out = tmp_path / f"narrow-{month}.parquet"
    pq.write_table(pq.read_table(full, columns=list(KEPT)), out)
    return out


@pytest.fixture
def narrow_lake(tmp_path: Path) -> Lake:
    lake = Lake(tmp_path / "lake")
    Ingestor(lake).ingest([_narrow_export(tmp_path)], org="acme", source="narrow")
    return lake


def _file_columns(path: str) -> list[str]:
    return [f.name for f in pq.read_schema(path)]


def test_a_file_holds_only_the_columns_its_ingest_filled(narrow_lake: Lake) -> None:
    (part,) = narrow_lake.snapshot("acme").partitions
    (path,) = narrow_lake.snapshot("acme").files()
    columns = _file_columns(path)
    assert "SkuMeter" not in columns and "Tags" not in columns
    assert set(KEPT) | {"x_SourceId", "x_SourceFormat", "x_IngestedAt"} <= set(columns)
    assert len(columns) < len(COLUMNS) - 20
    assert part.rows == 40


def test_written_columns_keep_what_an_enricher_fills() -> None:
    class Fills:
        columns = ("x_CarbonSource",)

    exprs = {name: object() for name in ("BilledCost", "ServiceName")}
    plain = written_columns(exprs, [])  # type: ignore[arg-type]
    enriched = written_columns(exprs, [Fills()])  # type: ignore[arg-type, list-item]
    assert plain == ["BilledCost", "ServiceName", "x_SourceId", "x_SourceFormat", "x_IngestedAt"]
    assert set(enriched) - set(plain) == {"x_CarbonSource"}
    assert get("focus").name == "focus"  # the registry still knows the adapter used above


def test_a_scan_yields_every_column_with_its_lake_type(narrow_lake: Lake) -> None:
    files = narrow_lake.snapshot("acme").files()
    con = duckdb.connect()
    described = con.execute(f"DESCRIBE SELECT * FROM {scan.scan(files)}").fetchall()
    types = {name: typ.replace(", ", ",") for name, typ, *_ in described}
    assert list(types) == [c.name for c in COLUMNS]
    assert all(types[c.name] == duckdb_type(c).replace(", ", ",") for c in COLUMNS)
    missing = con.execute(
        f"SELECT count(*), count(SkuMeter), count(Tags), sum(BilledCost) FROM {scan.scan(files)}"
    ).fetchone()
    assert missing == (40, 0, 0, Decimal("20"))


def test_files_of_both_layouts_read_together(narrow_lake: Lake, tmp_path: Path) -> None:
    """A file of an earlier release (every column, one filled) beside a narrow one."""
    old = focus_file(tmp_path / "old.parquet", month=4, rows=10, cost="1")
    table = pq.read_table(old)
    skus = table.column("SkuMeter").to_pylist()
    table = table.set_column(
        table.schema.get_field_index("SkuMeter"),
        FOCUS_SCHEMA.field("SkuMeter"),
        [["Compute"] * len(skus)],
    )
    pq.write_table(table, old)
    files = [*narrow_lake.snapshot("acme").files(), str(old)]
    got = duckdb.sql(
        f"SELECT SkuMeter, count(*), sum(BilledCost) FROM {scan.scan(files)} "
        "GROUP BY 1 ORDER BY 1 NULLS LAST"
    ).fetchall()
    assert got == [("Compute", 10, Decimal("10")), (None, 40, Decimal("20"))]


@pytest.mark.parametrize(
    "engine_name", ["duckdb", pytest.param("spark", marks=[pytest.mark.spark, pytest.mark.slow])]
)
def test_the_engines_read_missing_columns_as_nulls(narrow_lake: Lake, engine_name: str) -> None:
    engine = get_engine(engine_name)
    files = narrow_lake.snapshot("acme").files()
    try:
        rows = engine.rows(
            "SELECT SkuMeter, ResourceId, count(*) AS n, sum(BilledCost) AS cost FROM costs "
            "GROUP BY SkuMeter, ResourceId",
            files,
        )
    finally:
        if engine_name == "duckdb":
            engine.close()
    assert rows == [{"SkuMeter": None, "ResourceId": None, "n": 40, "cost": Decimal("20")}]


def test_rollups_of_a_narrow_partition(narrow_lake: Lake) -> None:
    snap = narrow_lake.snapshot("acme")
    (daily,) = snap.rollup_files("daily")
    (got,) = duckdb.sql(
        f"SELECT sum(x_RowCount), sum(BilledCost), count(SubAccountName) FROM {scan.scan([daily])}"
    ).fetchall()
    assert got == (40, Decimal("20"), 0)


def test_an_export_writes_every_column(narrow_lake: Lake, tmp_path: Path) -> None:
    out = tmp_path / "export.parquet"
    export_focus(narrow_lake, "acme", out)
    names = _file_columns(str(out))
    assert {"SkuMeter", "Tags", "BilledCost"} <= set(names)
    assert pq.read_table(out).num_rows == 40


def test_the_schema_file_comes_back_when_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COSTLAKE_CACHE_DIR", str(tmp_path / "cache"))
    first = scan.schema_file()
    os.unlink(first)
    again = scan.schema_file()
    assert again == first and pq.read_schema(again).names == FOCUS_SCHEMA.names
    assert pq.read_metadata(again).num_rows == 0
