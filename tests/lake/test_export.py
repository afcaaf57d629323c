"""``costlake export``: the lake written back out as a FOCUS dataset that FOCUS tools accept.

The fast tests check the export against the lake it came from (rows, exact sums, ranges,
columns, value formats). The slow ones run the FinOps Foundation's ``focus-validator`` on
exports of a hand-made FOCUS 1.2 bill and of the real FOCUS 1.0 sample, and assert the exact
list of rules it fails, each explained in docs/export.md.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from costlake.errors import CostlakeError, InvalidInput, NotFound
from costlake.focus.schema import COLUMNS, COST_COLUMNS
from costlake.ingest.pipeline import Ingestor
from costlake.kit.duck import connect
from costlake.lake.export import export_focus, focus_columns
from costlake.lake.store import Lake

REPO = Path(__file__).resolve().parents[2]
VALIDATOR = REPO / "scripts" / "focus-validator"

FOCUS_13_ONLY = {c.name for c in COLUMNS if c.since == "1.3"}
X_COLUMNS = {c.name for c in COLUMNS if c.since == "costlake"}
TIMESTAMP_COLUMNS = (
    "BillingPeriodStart",
    "BillingPeriodEnd",
    "ChargePeriodStart",
    "ChargePeriodEnd",
)
DECIMAL_COLUMNS = tuple(c.name for c in COLUMNS if pa.types.is_decimal(c.type))
SUMS = "count(*)::BIGINT AS n, " + ", ".join(f"sum({c}) AS {c}" for c in COST_COLUMNS)


# --- data -----------------------------------------------------------------------------------


def ingest_sample(lake: Lake, shared_data: Path) -> Lake:
    Ingestor(lake).ingest([shared_data / "focus-samples" / "focus_sample.csv"], org="acme")
    return lake


@pytest.fixture(scope="module")
def sample_lake(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Lake:
    """The FinOps Foundation's FOCUS 1.0 sample (1,000 rows, Sept-Oct 2024) in org acme,
    in ``<home>/lake``; shared by the module's tests, which only read it."""
    return ingest_sample(Lake(tmp_path_factory.mktemp("home") / "lake"), shared_data)


# A small FOCUS 1.2 bill written the way a provider would: an on-demand VM hour, the same VM
# covered by a savings plan, and the month's tax. Every 1.2 column that applies is filled.
_PAYER = {
    "BillingAccountId": "123456789012",
    "BillingAccountName": "Acme Payer",
    "BillingAccountType": "Billing Account",
    "BillingCurrency": "USD",
    "BillingPeriodStart": "2025-01-01T00:00:00Z",
    "BillingPeriodEnd": "2025-02-01T00:00:00Z",
    "InvoiceId": "INV-2025-01",
    "InvoiceIssuerName": "Amazon Web Services",
    "ProviderName": "Amazon Web Services",
    "PublisherName": "Amazon Web Services",
    "SubAccountId": "210987654321",
    "SubAccountName": "acme-prod",
    "SubAccountType": "Member Account",
    "PricingCurrency": "USD",
}
_VM_HOUR = {
    "ServiceCategory": "Compute",
    "ServiceSubcategory": "Virtual Machines",
    "ServiceName": "Amazon Elastic Compute Cloud",
    "RegionId": "us-east-1",
    "RegionName": "US East (N. Virginia)",
    "AvailabilityZone": "us-east-1a",
    "ResourceId": "i-0abc123",
    "ResourceName": "web-1",
    "ResourceType": "Virtual Machine",
    "SkuId": "SKU-M5L",
    "SkuPriceId": "SKU-M5L-OD",
    "SkuMeter": "Compute Usage",
    "SkuPriceDetails": '{"CoreCount": 2}',
    "ChargeCategory": "Usage",
    "ChargeFrequency": "Usage-Based",
    "PricingUnit": "Hours",
    "ConsumedUnit": "Hours",
    "PricingQuantity": "1",
    "ConsumedQuantity": "1",
    "ListUnitPrice": "0.096",
    "ContractedUnitPrice": "0.096",
    "PricingCurrencyListUnitPrice": "0.096",
    "PricingCurrencyContractedUnitPrice": "0.096",
    "ListCost": "0.096",
    "ContractedCost": "0.096",
    "Tags": '{"team": "web", "env": "prod"}',
}
HANDMADE_ROWS: list[dict[str, str]] = [
    {
        **_PAYER,
        **_VM_HOUR,
        "PricingCategory": "Standard",
        "ChargeDescription": "m5.large on-demand hour",
        "ChargePeriodStart": "2025-01-10T00:00:00Z",
        "ChargePeriodEnd": "2025-01-10T01:00:00Z",
        "BilledCost": "0.096",
        "EffectiveCost": "0.096",
        "PricingCurrencyEffectiveCost": "0.096",
    },
    {
        **_PAYER,
        **_VM_HOUR,
        "PricingCategory": "Committed",
        "ChargeDescription": "m5.large hour covered by a savings plan",
        "ChargePeriodStart": "2025-01-10T01:00:00Z",
        "ChargePeriodEnd": "2025-01-10T02:00:00Z",
        "BilledCost": "0",
        "EffectiveCost": "0.06",
        "PricingCurrencyEffectiveCost": "0.06",
        "CommitmentDiscountId": "arn:aws:savingsplans::123456789012:savingsplan/sp-1",
        "CommitmentDiscountName": "compute-sp",
        "CommitmentDiscountCategory": "Spend",
        "CommitmentDiscountType": "Compute Savings Plan",
        "CommitmentDiscountStatus": "Used",
        "CommitmentDiscountQuantity": "0.06",
        "CommitmentDiscountUnit": "USD",
    },
    {
        **_PAYER,
        "ChargeCategory": "Tax",
        "ChargeFrequency": "Recurring",
        "ServiceCategory": "Other",
        "ServiceSubcategory": "Other (Other)",
        "ServiceName": "Tax",
        "ChargeDescription": "Sales tax",
        "ChargePeriodStart": "2025-01-01T00:00:00Z",
        "ChargePeriodEnd": "2025-02-01T00:00:00Z",
        "ListCost": "0",
        "ContractedCost": "0",
        "BilledCost": "1.25",
        "EffectiveCost": "1.25",
        "PricingCurrencyEffectiveCost": "1.25",
    },
]


@pytest.fixture
def handmade_lake(lake: Lake, ingestor: Ingestor, tmp_path: Path) -> Lake:
    """``HANDMADE_ROWS`` as a FOCUS 1.2 CSV export (every 1.2 column), ingested into org acme."""
    names = [c.name for c in focus_columns("1.2", include_x_columns=False)]
    path = tmp_path / "focus-1.2-bill.csv"
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=names)
        writer.writeheader()
        writer.writerows({n: row.get(n, "") for n in names} for row in HANDMADE_ROWS)
    ingestor.ingest([path], org="acme")
    return lake


def one(sql: str) -> tuple[object, ...]:
    """The single row a query returns (a UTC session, like the lake's)."""
    con = connect()
    try:
        row = con.execute(sql).fetchone()
    finally:
        con.close()
    assert row is not None
    return row


def all_rows(sql: str) -> list[tuple[object, ...]]:
    con = connect()
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def lake_totals(lake: Lake, where: str = "true") -> tuple[object, ...]:
    files = lake.snapshot("acme").files()
    return one(f"SELECT {SUMS} FROM read_parquet({files}) WHERE {where}")


def csv_relation(path: Path) -> str:
    """An exported CSV read back as text, so nothing is converted behind the test's back."""
    return f"read_csv('{path}', header = true, all_varchar = true, nullstr = '')"


# --- what is exported ------------------------------------------------------------------------


class TestRowsAndMoney:
    def test_parquet_export_holds_every_row_with_exact_sums(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        out = tmp_path / "acme.parquet"
        result = export_focus(sample_lake, "acme", out)
        assert result.rows == 1000
        assert result.files == (out,)
        got = one(f"SELECT {SUMS} FROM read_parquet('{out}')")
        assert got == lake_totals(sample_lake)
        assert got[1] == Decimal("20.520226728990000000")  # BilledCost of the FOCUS sample

    def test_csv_export_holds_every_row_with_exact_sums(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        out = tmp_path / "acme.csv"
        result = export_focus(sample_lake, "acme", out, file_format="csv")
        assert result.rows == 1000
        sums = ", ".join(f"sum({c}::DECIMAL(38, 18))" for c in COST_COLUMNS)
        got = one(f"SELECT count(*)::BIGINT, {sums} FROM {csv_relation(out)}")
        assert got == lake_totals(sample_lake)

    def test_gzipped_csv_is_compressed_and_complete(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        out = tmp_path / "acme.csv.gz"
        export_focus(sample_lake, "acme", out, file_format="csv")
        assert out.read_bytes()[:2] == b"\x1f\x8b"
        assert one(f"SELECT count(*) FROM {csv_relation(out)}") == (1000,)

    def test_a_time_range_exports_exactly_the_charges_starting_in_it(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        start, end = datetime(2024, 9, 10), datetime(2024, 9, 20)
        out = tmp_path / "range.parquet"
        result = export_focus(sample_lake, "acme", out, start=start, end=end)
        lo, hi, n = one(
            "SELECT min(ChargePeriodStart)::TIMESTAMP, max(ChargePeriodStart)::TIMESTAMP, "
            f"count(*) FROM read_parquet('{out}')"
        )
        assert start <= lo and hi < end  # type: ignore[operator]
        expected = lake_totals(
            sample_lake, f"ChargePeriodStart >= '{start}' AND ChargePeriodStart < '{end}'"
        )
        assert 0 < n == result.rows == expected[0] < 1000  # type: ignore[operator]
        assert one(f"SELECT {SUMS} FROM read_parquet('{out}')") == expected

    def test_an_aware_range_is_taken_in_utc(self, sample_lake: Lake, tmp_path: Path) -> None:
        plus2 = timezone(timedelta(hours=2))
        aware = export_focus(
            sample_lake,
            "acme",
            tmp_path / "a.parquet",
            start=datetime(2024, 9, 10, 2, tzinfo=plus2),
            end=datetime(2024, 9, 20, 2, tzinfo=plus2),
        )
        naive = export_focus(
            sample_lake,
            "acme",
            tmp_path / "n.parquet",
            start=datetime(2024, 9, 10),
            end=datetime(2024, 9, 20),
        )
        assert aware.rows == naive.rows > 0

    def test_a_range_without_charges_writes_just_the_header(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        out = tmp_path / "empty.csv"
        result = export_focus(
            sample_lake,
            "acme",
            out,
            file_format="csv",
            start=datetime(2030, 1, 1),
            end=datetime(2030, 2, 1),
        )
        assert result.rows == 0
        lines = out.read_text().splitlines()
        assert lines == [",".join(c.name for c in focus_columns("1.2"))]
        empty = export_focus(
            sample_lake, "acme", tmp_path / "empty.parquet", start=datetime(2030, 1, 1)
        )
        assert empty.rows == 0
        assert pq.read_table(tmp_path / "empty.parquet").num_rows == 0

    def test_progress_ends_at_the_rows_written(self, sample_lake: Lake, tmp_path: Path) -> None:
        seen: list[int] = []
        result = export_focus(sample_lake, "acme", tmp_path / "p.parquet", progress=seen.append)
        assert seen and seen[-1] == result.rows == 1000
        assert seen == sorted(seen)


class TestColumns:
    def test_focus_12_has_the_12_columns_and_ours_but_none_of_13s(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        out = tmp_path / "acme.parquet"
        result = export_focus(sample_lake, "acme", out, focus_version="1.2")
        names = pq.read_schema(out).names
        assert names == list(result.columns)
        assert not FOCUS_13_ONLY & set(names)
        assert set(names) >= X_COLUMNS
        assert {"ServiceSubcategory", "InvoiceId", "PricingCurrency", "SkuMeter"} <= set(names)
        assert len(names) == len(COLUMNS) - len(FOCUS_13_ONLY)

    def test_focus_13_adds_its_columns(self, sample_lake: Lake, tmp_path: Path) -> None:
        out = tmp_path / "acme.csv"
        export_focus(sample_lake, "acme", out, file_format="csv", focus_version="1.3")
        header = out.read_text().splitlines()[0].split(",")
        assert header == [c.name for c in COLUMNS]

    def test_x_columns_can_be_left_out(self, sample_lake: Lake, tmp_path: Path) -> None:
        out = tmp_path / "acme.parquet"
        export_focus(sample_lake, "acme", out, include_x_columns=False)
        assert not any(n.startswith("x_") for n in pq.read_schema(out).names)

    def test_parquet_types_are_exact_decimals_utc_instants_and_json_tags(
        self, sample_lake: Lake, tmp_path: Path
    ) -> None:
        out = tmp_path / "acme.parquet"
        export_focus(sample_lake, "acme", out)
        schema = pq.read_schema(out)
        assert schema.field("BilledCost").type == pa.decimal128(38, 18)
        assert schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")
        assert schema.field("Tags").type == pa.string()
        exported = one(
            f"SELECT min(ChargePeriodStart)::TIMESTAMP, max(BilledCost) FROM read_parquet('{out}')"
        )
        in_lake = one(
            f"SELECT min(ChargePeriodStart), max(BilledCost) "
            f"FROM read_parquet({sample_lake.snapshot('acme').files()})"
        )
        assert exported == in_lake


class TestCsvValues:
    @pytest.fixture
    def exported(self, sample_lake: Lake, tmp_path: Path) -> Path:
        out = tmp_path / "acme.csv"
        export_focus(sample_lake, "acme", out, file_format="csv")
        return out

    def test_timestamps_are_iso_8601_utc_with_z(self, exported: Path) -> None:
        with exported.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        stamps = {r[c] for r in rows for c in TIMESTAMP_COLUMNS}
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", s) for s in stamps), stamps
        assert "2024-09-01T00:00:00Z" in stamps

    def test_decimals_are_plain_exact_and_never_integers(self, exported: Path) -> None:
        with exported.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        values = [r[c] for r in rows for c in DECIMAL_COLUMNS if r[c]]
        assert values
        assert all(re.fullmatch(r"-?\d+\.(\d*[1-9]|0)", v) for v in values), [
            v for v in values if not re.fullmatch(r"-?\d+\.(\d*[1-9]|0)", v)
        ][:5]
        assert "0.0000008" in values  # 8.00000000000E-7 in the lake
        assert "0.0" in values  # zero, not "0"

    def test_nulls_are_empty_fields_and_tags_are_json_objects(
        self, exported: Path, sample_lake: Lake
    ) -> None:
        tags_in_lake = one(
            f"SELECT count(Tags) FROM read_parquet({sample_lake.snapshot('acme').files()})"
        )
        assert tags_in_lake == (711,)
        with exported.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
        tagged = [json.loads(r["Tags"]) for r in rows if r["Tags"]]
        assert len(tagged) == 711
        assert all(isinstance(t, dict) for t in tagged)
        assert {
            "application": "BrightLensMatrix",
            "environment": "dev",
            "business_unit": "ViennaAI",
        } in tagged
        assert all(r["ServiceSubcategory"] == "" for r in rows)  # not in FOCUS 1.0: NULL
        assert not any(v == "NULL" for r in rows for v in r.values())


class TestRefusals:
    def test_an_unknown_org_is_not_found(self, sample_lake: Lake, tmp_path: Path) -> None:
        with pytest.raises(NotFound, match="nobody"):
            export_focus(sample_lake, "nobody", tmp_path / "x.parquet")
        assert not (tmp_path / "x.parquet").exists()

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"focus_version": "1.1"},
            {"file_format": "json"},
            {"start": datetime(2024, 10, 1), "end": datetime(2024, 9, 1)},
        ],
    )
    def test_bad_options_are_invalid_input(
        self, sample_lake: Lake, tmp_path: Path, kwargs: dict[str, object]
    ) -> None:
        with pytest.raises(InvalidInput):
            export_focus(sample_lake, "acme", tmp_path / "x.parquet", **kwargs)  # type: ignore[arg-type]

    def test_a_failed_export_leaves_no_file_behind(
        self, lake: Lake, shared_data: Path, tmp_path: Path
    ) -> None:
        ingest_sample(lake, shared_data)
        victim = Path(lake.snapshot("acme").files()[0])
        victim.write_bytes(b"not parquet at all".ljust(victim.stat().st_size))  # same size
        out = tmp_path / "out" / "acme.parquet"
        with pytest.raises(CostlakeError, match="export of org 'acme' failed"):
            export_focus(lake, "acme", out)
        assert list(out.parent.iterdir()) == []


class TestCommand:
    def test_export_command_infers_the_format_and_reports(
        self, sample_lake: Lake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from costlake.cli.app import app

        monkeypatch.setenv("COSTLAKE_HOME", str(sample_lake.root.parent))
        out = tmp_path / "sept.csv"
        result = CliRunner().invoke(
            app,
            [
                "export",
                "--out",
                str(out),
                "--org",
                "acme",
                "--start",
                "2024-09-01",
                "--end",
                "2024-10-01",
            ],
        )
        assert result.exit_code == 0, result.output
        assert "exported" in result.stdout and "FOCUS 1.2 csv" in result.stdout
        months = all_rows(f"SELECT DISTINCT left(ChargePeriodStart, 7) FROM {csv_relation(out)}")
        assert months == [("2024-09",)]

    def test_export_command_refuses_a_name_without_format(
        self, sample_lake: Lake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from costlake.cli.app import app

        monkeypatch.setenv("COSTLAKE_HOME", str(sample_lake.root.parent))
        result = CliRunner().invoke(
            app, ["export", "--out", str(tmp_path / "x.txt"), "--org", "acme"]
        )
        assert result.exit_code == 2
        assert "--format" in result.output


# --- what the FOCUS validator says --------------------------------------------------------------


@dataclass(frozen=True)
class ValidatorReport:
    """Rule ids by outcome, from the validator's JUnit XML report."""

    passed: frozenset[str]
    failed: frozenset[str]
    skipped: frozenset[str]
    errored: frozenset[str]


def run_validator(path: Path, *, all_criteria: bool = False) -> ValidatorReport:
    """scripts/focus-validator on ``path`` for FOCUS 1.2, offline; builds its venv if missing."""
    report = path.with_name(f"{path.name}.{'all' if all_criteria else 'default'}.xml")
    command = [
        str(VALIDATOR),
        "--data-file",
        str(path),
        "--validate-version",
        "1.2",
        "--block-download",
        "--output-type",
        "unittest",
        "--output-destination",
        str(report),
    ]
    if all_criteria:
        command += ["--applicability-criteria", "ALL"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, check=False)
    assert done.returncode == 0, done.stderr[-4000:]
    outcomes: dict[str, set[str]] = {
        "passed": set(),
        "failed": set(),
        "skipped": set(),
        "errored": set(),
    }
    for case in ET.parse(report).getroot().iter("testcase"):
        rule = case.attrib["name"].split(" :: ")[0]
        kind = (
            "failed"
            if case.find("failure") is not None
            else "errored"
            if case.find("error") is not None
            else "skipped"
            if case.find("skipped") is not None
            else "passed"
        )
        outcomes[kind].add(rule)
    return ValidatorReport(**{k: frozenset(v) for k, v in outcomes.items()})


# Rules the validator fails on any dataset (docs/export.md, "Validator defects").
# InvoiceId-C-004-C and -C-005-C are the two branches of an OR ("null when there is no invoice",
# "not null when there is one") checked unconditionally: the one the data does not take fails.
INVOICE_ID_WITH_VALUES = {"InvoiceId-C-004-C"}
# With --applicability-criteria ALL, two status rules lose their conditions (a malformed "AND"
# in the model, and "CommitmentDiscountId IS NULL" where "IS NOT NULL" is meant), so every row
# without a capacity reservation or commitment discount violates them; their parents fail too.
STATUS_RULE_DEFECTS = {
    "CapacityReservationStatus-C-004-C",
    "CapacityReservationStatus-C-002-C",
    "CapacityReservationStatus-C-000-C",
    "CommitmentDiscountStatus-C-004-C",
    "CommitmentDiscountStatus-C-002-C",
    "CommitmentDiscountStatus-C-000-C",
    "CostAndUsage-D-002-M",
    "CostAndUsage-D-000-M",
}
# CSV has no types: the validator infers them, so ID columns whose values are all digits
# (AWS account numbers) are read as integers and fail "MUST be of type String".
CSV_NUMERIC_IDS = {"BillingAccountId-C-002-M", "BillingAccountId-C-000-M"}
CSV_NUMERIC_IDS_ALL = CSV_NUMERIC_IDS | {"SubAccountId-C-001-M", "SubAccountId-C-000-C"}

# Rules about the content of the bill - provider and invoice issuer names, unit names, the
# service taxonomy - that no export formatting can make pass or fail (docs/export.md).
CONTENT_RULES = {
    "BilledCost-C-005-C",
    "BilledCost-C-000-M",
    "PricingUnit-C-003-O",
    "PricingUnit-C-000-M",
    "ServiceName-C-005-C",
    "ServiceName-C-004-C",
    "ServiceName-C-008-C",
    "ServiceName-C-007-C",
    "ServiceName-C-000-M",
    "InvoiceId-C-004-C",
    "InvoiceId-C-005-C",
}

# What the FOCUS 1.0 sample breaks in FOCUS 1.2 (docs/export.md, "The FOCUS 1.0 sample").
SAMPLE_FAILURES = {
    # ProviderName "AWS" differs from InvoiceIssuerName "Amazon Web Services, Inc.", which the
    # validator reads as a marketplace charge that must have BilledCost 0.
    "BilledCost-C-005-C",
    "BilledCost-C-000-M",
    # FOCUS 1.0 has no InvoiceId: the "not null when invoiced" branch fails.
    "InvoiceId-C-005-C",
    # Units such as "Lambda-GB-Seconds" are not in FOCUS UnitFormat (a SHOULD).
    "PricingUnit-C-003-O",
    "PricingUnit-C-000-M",
    # One ServiceName carries two ServiceCategory values in the sample.
    "ServiceName-C-005-C",
    "ServiceName-C-004-C",
    # FOCUS 1.0 has no ServiceSubcategory (1.1): NULL everywhere, so the 1.2 rules fail.
    "ServiceSubcategory-C-002-M",
    "ServiceSubcategory-C-000-O",
    "ServiceName-C-008-C",
    "ServiceName-C-007-C",
    "ServiceName-C-000-M",
}


@pytest.mark.slow
class TestFocusValidator:
    @pytest.mark.parametrize(
        ("file_format", "all_criteria", "expected"),
        [
            ("parquet", False, INVOICE_ID_WITH_VALUES),
            ("parquet", True, INVOICE_ID_WITH_VALUES | STATUS_RULE_DEFECTS),
            ("csv", False, INVOICE_ID_WITH_VALUES | CSV_NUMERIC_IDS),
            ("csv", True, INVOICE_ID_WITH_VALUES | STATUS_RULE_DEFECTS | CSV_NUMERIC_IDS_ALL),
        ],
        ids=["parquet", "parquet-all-criteria", "csv", "csv-all-criteria"],
    )
    def test_a_focus_12_bill_fails_only_the_validators_own_defects(
        self,
        handmade_lake: Lake,
        tmp_path: Path,
        file_format: str,
        all_criteria: bool,
        expected: set[str],
    ) -> None:
        out = tmp_path / f"bill.{file_format}"
        export_focus(handmade_lake, "acme", out, file_format=file_format)  # type: ignore[arg-type]
        report = run_validator(out, all_criteria=all_criteria)
        assert report.errored == set()
        assert report.failed == expected
        # The checks that read our formatting ran and passed: decimal type and number format,
        # date/time type and format, currency code; with all criteria also the key-value JSON
        # of Tags and SkuPriceDetails and the decimal type of nullable quantities and prices.
        must_pass = {
            "BilledCost-C-001-M",
            "BilledCost-C-002-M",
            "ChargePeriodStart-C-001-M",
            "ChargePeriodStart-C-002-M",
            "BillingCurrency-C-003-M",
        }
        if all_criteria:
            must_pass |= {
                "Tags-C-001-M",
                "SkuPriceDetails-C-001-M",
                "ListUnitPrice-C-001-M",
                "CommitmentDiscountQuantity-C-001-M",
            }
        assert must_pass <= report.passed

    @pytest.mark.parametrize("file_format", ["parquet", "csv"])
    def test_the_focus_10_sample_fails_only_what_its_data_breaks(
        self, sample_lake: Lake, tmp_path: Path, file_format: str
    ) -> None:
        out = tmp_path / f"sample.{file_format}"
        export_focus(sample_lake, "acme", out, file_format=file_format)  # type: ignore[arg-type]
        report = run_validator(out)
        assert report.errored == set()
        assert report.failed == SAMPLE_FAILURES
        assert len(report.passed) > 100

    @pytest.mark.parametrize("file_format", ["parquet", "csv"])
    def test_demo_data_fails_no_rule_about_the_files_format(
        self, lake: Lake, ingestor: Ingestor, tmp_path: Path, file_format: str
    ) -> None:
        from costlake.demo import generator

        source = tmp_path / "demo.parquet"
        generator.generate(source, rows=5000, days=30, seed=7)
        ingestor.ingest([source], org="acme")
        out = tmp_path / f"demo.{file_format}"
        assert export_focus(lake, "acme", out, file_format=file_format).rows == 5000  # type: ignore[arg-type]
        report = run_validator(out)
        assert report.errored == set()
        assert report.failed <= CONTENT_RULES, report.failed - CONTENT_RULES
        assert {
            "BilledCost-C-001-M",
            "ChargePeriodStart-C-002-M",
            "ServiceSubcategory-C-002-M",
            "BillingCurrency-C-003-M",
        } <= report.passed
