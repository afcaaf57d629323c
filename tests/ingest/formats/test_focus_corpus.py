"""FOCUS exports as providers really write them: one small bill in many spellings.

Every variant below encodes the same four charges; each is written by the test into
``tmp_path`` (no generated data is committed), ingested, and must give exactly the same
totals, tags and timestamps. The spellings are those seen in real exports: empty tag objects
(``{}``, ``{ }``, ``[]``, ``null``), ``NULL`` tokens and empty strings, numbers as quoted text
or in exponent form, timestamps with ``Z``, an offset, fractions or a space, a UTF-8 BOM, CRLF
line endings, gzip, and Parquet with text or typed columns.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from costlake.ingest.pipeline import Ingestor, IngestResult
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import lake_rows, lake_rows_by_description

HEADER = [
    "BilledCost", "BillingAccountId", "BillingCurrency", "BillingPeriodStart",
    "BillingPeriodEnd", "ChargeCategory", "ChargeDescription", "ChargePeriodStart",
    "ChargePeriodEnd", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
    "ProviderName", "PublisherName", "ResourceId", "ServiceCategory", "ServiceName", "Tags",
]  # fmt: skip

# The bill: (description, cost, charge category, charge start hour, resource, tags).
# Tags: a JSON object, or None for "no tags" (spelled per variant).
CHARGES: list[tuple[str, str, str, int, str | None, str | None]] = [
    ("vm", "1.234567890123456789", "Usage", 0, "i-1", '{"team": "web", "env": "prod"}'),
    ("tiny", "0.00000015", "Usage", 1, None, None),
    ("disk", "10", "Usage", 2, None, None),
    ("credit", "-0.5", "Credit", 3, None, '{"team": "data"}'),
]
TOTAL = Decimal("10.734568040123456789")


@dataclass(frozen=True)
class Variant:
    """How one exporter spells things."""

    name: str
    null: str = ""  # how a NULL is written
    empty_tags: tuple[str, str] = ("", "{}")  # the "no tags" of rows 2 and 3
    timestamp: str = "%Y-%m-%dT%H:%M:%SZ"  # strftime of the local time
    offset_hours: int = 0  # local time = UTC + this
    exponent: bool = False  # the tiny cost as 1.5E-7
    bom: bool = False
    newline: str = "\n"
    quote_all: bool = False
    gzip: bool = False
    suffix: str = ".csv"


CSV_VARIANTS = [
    Variant("plain"),
    Variant("null-token", null="NULL", empty_tags=("NULL", "{}")),
    Variant("empty-tag-spellings", empty_tags=("[]", "{ }")),
    Variant("json-null-tags", empty_tags=("null", "{}")),
    Variant("offset", timestamp="%Y-%m-%dT%H:%M:%S+02:00", offset_hours=2),
    Variant("negative-offset", timestamp="%Y-%m-%dT%H:%M:%S-05:00", offset_hours=-5),
    Variant("fractions", timestamp="%Y-%m-%dT%H:%M:%S.000Z"),
    Variant("space-no-zone", timestamp="%Y-%m-%d %H:%M:%S"),
    Variant("exponent", exponent=True),
    Variant("bom", bom=True),
    Variant("crlf", newline="\r\n"),
    Variant("quoted", quote_all=True),
    Variant("gzip", gzip=True, suffix=".csv.gz"),
    Variant(
        "everything",
        null="NULL",
        empty_tags=("NULL", "{}"),
        timestamp="%Y-%m-%dT%H:%M:%S+02:00",
        offset_hours=2,
        exponent=True,
        bom=True,
        newline="\r\n",
        quote_all=True,
        gzip=True,
        suffix=".csv.gz",
    ),
]


def _ts(variant: Variant, utc: datetime) -> str:
    """A UTC instant in the variant's spelling."""
    return (utc + timedelta(hours=variant.offset_hours)).strftime(variant.timestamp)


def _records(variant: Variant) -> list[dict[str, str]]:
    rows = []
    for i, (desc, cost, category, hour, resource, tags) in enumerate(CHARGES):
        if variant.exponent and desc == "tiny":
            cost = "1.5E-7"
        if tags is None:
            tags = variant.empty_tags[0] if i == 1 else variant.empty_tags[1]
        rows.append(
            {
                "BilledCost": cost,
                "BillingAccountId": "acct-1",
                "BillingCurrency": "USD",
                "BillingPeriodStart": _ts(variant, datetime(2024, 9, 1)),
                "BillingPeriodEnd": _ts(variant, datetime(2024, 10, 1)),
                "ChargeCategory": category,
                "ChargeDescription": desc,
                "ChargePeriodStart": _ts(variant, datetime(2024, 9, 2, hour)),
                "ChargePeriodEnd": _ts(variant, datetime(2024, 9, 2, hour + 1)),
                "ContractedCost": cost,
                "EffectiveCost": cost,
                "InvoiceIssuerName": "AWS",
                "ListCost": cost,
                "ProviderName": "AWS",
                "PublisherName": "AWS",
                "ResourceId": resource if resource is not None else variant.null,
                "ServiceCategory": "Compute",
                "ServiceName": "EC2",
                "Tags": tags,
            }
        )
    return rows


def write_csv(variant: Variant, folder: Path) -> Path:
    buf = io.StringIO()
    w = csv.DictWriter(
        buf,
        fieldnames=HEADER,
        lineterminator=variant.newline,
        quoting=csv.QUOTE_ALL if variant.quote_all else csv.QUOTE_MINIMAL,
    )
    w.writeheader()
    w.writerows(_records(variant))
    data = buf.getvalue().encode("utf-8-sig" if variant.bom else "utf-8")
    path = folder / f"focus-{variant.name}{variant.suffix}"
    path.write_bytes(gzip.compress(data) if variant.gzip else data)
    return path


def write_parquet_text(folder: Path) -> Path:
    """Every column a string, as exporters that write Parquet from CSV-shaped data do."""
    rows = _records(Variant("parquet-text", null=""))
    table = pa.Table.from_pylist(
        [{k: (v if v != "" else None) for k, v in r.items()} for r in rows],
        schema=pa.schema([(c, pa.string()) for c in HEADER]),
    )
    path = folder / "focus-text.parquet"
    pq.write_table(table, path)
    return path


def write_parquet_typed(folder: Path) -> Path:
    """Typed columns: decimals, UTC timestamps with a zone, tags as a map (empty for none)."""
    money = pa.decimal128(38, 18)
    ts = pa.timestamp("us", tz="UTC")
    types = dict.fromkeys(("BilledCost", "ContractedCost", "EffectiveCost", "ListCost"), money)
    types |= dict.fromkeys(
        ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd"), ts
    )
    types["Tags"] = pa.map_(pa.string(), pa.string())
    schema = pa.schema([(c, types.get(c, pa.string())) for c in HEADER])
    rows = []
    for desc, cost, category, hour, resource, tags in CHARGES:
        rows.append(
            {
                "BilledCost": Decimal(cost),
                "BillingAccountId": "acct-1",
                "BillingCurrency": "USD",
                "BillingPeriodStart": datetime(2024, 9, 1),
                "BillingPeriodEnd": datetime(2024, 10, 1),
                "ChargeCategory": category,
                "ChargeDescription": desc,
                "ChargePeriodStart": datetime(2024, 9, 2, hour),
                "ChargePeriodEnd": datetime(2024, 9, 2, hour + 1),
                "ContractedCost": Decimal(cost),
                "EffectiveCost": Decimal(cost),
                "InvoiceIssuerName": "AWS",
                "ListCost": Decimal(cost),
                "ProviderName": "AWS",
                "PublisherName": "AWS",
                "ResourceId": resource,
                "ServiceCategory": "Compute",
                "ServiceName": "EC2",
                "Tags": list(_json_map(tags).items()) if tags else [],
            }
        )
    path = folder / "focus-typed.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return path


def _json_map(text: str) -> dict[str, str]:
    import json

    return {k: str(v) for k, v in json.loads(text).items()}


WRITERS = {v.name: (lambda folder, v=v: write_csv(v, folder)) for v in CSV_VARIANTS} | {
    "parquet-text": write_parquet_text,
    "parquet-typed": write_parquet_typed,
}


class TestFocusAsProvidersWriteIt:
    @pytest.fixture(scope="class", params=sorted(WRITERS))
    def ingested(
        self, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
    ) -> tuple[IngestResult, Lake]:
        """Each variant written and ingested once, into a lake of its own."""
        folder = tmp_path_factory.mktemp(request.param)
        lake = Lake(folder / "lake")
        return Ingestor(lake).ingest([WRITERS[request.param](folder)], org="acme"), lake

    def test_totals_are_exact(self, ingested: tuple[IngestResult, Lake]) -> None:
        result, lake = ingested
        assert result.formats == ("focus",)
        assert result.rows_written == 4
        got = lake_rows(
            lake,
            "count(*), sum(BilledCost), sum(EffectiveCost), sum(ListCost), sum(ContractedCost)",
        )[0]
        assert got == (4, TOTAL, TOTAL, TOTAL, TOTAL)

    def test_empty_tags_read_as_no_tags(self, ingested: tuple[IngestResult, Lake]) -> None:
        rows = lake_rows_by_description(ingested[1])
        assert json.loads(rows["vm"]["Tags"]) == {"team": "web", "env": "prod"}
        assert json.loads(rows["credit"]["Tags"]) == {"team": "data"}
        assert rows["tiny"]["Tags"] is None and rows["disk"]["Tags"] is None

    def test_null_spellings_read_as_null(self, ingested: tuple[IngestResult, Lake]) -> None:
        rows = lake_rows_by_description(ingested[1])
        got = [rows[d]["ResourceId"] for d in ("vm", "tiny", "disk", "credit")]
        assert got == ["i-1", None, None, None]

    def test_timestamps_are_utc(self, ingested: tuple[IngestResult, Lake]) -> None:
        result, lake = ingested
        rows = lake_rows_by_description(lake)
        assert {d: r["ChargePeriodStart"] for d, r in rows.items()} == {
            "vm": datetime(2024, 9, 2, 0),
            "tiny": datetime(2024, 9, 2, 1),
            "disk": datetime(2024, 9, 2, 2),
            "credit": datetime(2024, 9, 2, 3),
        }
        assert {r["BillingPeriodStart"] for r in rows.values()} == {datetime(2024, 9, 1)}
        assert result.periods == ("2024-09",)
