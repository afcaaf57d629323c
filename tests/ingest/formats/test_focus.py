"""The FOCUS adapter on the FinOps Foundation's real sample and on hand-made edge cases."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from costlake.errors import MalformedFile
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from tests.ingest.formats.helpers import focus_sample, lake_rows


class TestFocusSample:
    @pytest.fixture
    def sample(self, shared_data: Path) -> Path:
        return focus_sample(shared_data)

    def test_no_row_lost_and_totals_exact(
        self, ingestor: Ingestor, lake: Lake, sample: Path, duck: duckdb.DuckDBPyConnection
    ) -> None:
        result = ingestor.ingest([sample], org="acme")
        raw = duck.execute(
            "SELECT count(*), sum(BilledCost::DECIMAL(38,18)), sum(EffectiveCost::DECIMAL(38,18)),"
            " sum(ListCost::DECIMAL(38,18)), sum(ContractedCost::DECIMAL(38,18)) "
            f"FROM read_csv('{sample}', all_varchar = true, nullstr = 'NULL')"
        ).fetchone()
        assert result.rows_written == raw[0] == 1000
        got = lake_rows(
            lake,
            "count(*), sum(BilledCost), sum(EffectiveCost), sum(ListCost), sum(ContractedCost)",
        )[0]
        assert got == raw
        assert got[1] == Decimal("20.520226728990000000")

    def test_quirks_are_normalised(self, ingestor: Ingestor, lake: Lake, sample: Path) -> None:
        ingestor.ingest([sample], org="acme")
        freqs = dict(
            duckdb.sql(
                "SELECT ChargeFrequency, count(*) FROM "
                f"read_parquet({lake.snapshot('acme').files()}) GROUP BY 1"
            ).fetchall()
        )
        assert freqs == {"Usage-Based": 999, "One-Time": 1}
        raw_tagged = duckdb.sql(
            f"SELECT count(*) FROM read_csv('{sample}', all_varchar = true) "
            "WHERE Tags NOT IN ('NULL', '{}')"
        ).fetchall()[0][0]
        tags = lake_rows(
            lake, "count(Tags), count(*) FILTER (WHERE Tags->>'application' = 'BrightLensMatrix')"
        )[0]
        assert tags[0] == raw_tagged == 711
        assert tags[1] > 0

    def test_providers_kept(self, ingestor: Ingestor, lake: Lake, sample: Path) -> None:
        ingestor.ingest([sample], org="acme")
        got = dict(
            duckdb.sql(
                f"SELECT ProviderName, count(*) FROM read_parquet({lake.snapshot('acme').files()})"
                " GROUP BY 1"
            ).fetchall()
        )
        assert got == {"AWS": 942, "Microsoft": 51, "Oracle": 7}


class TestBadFocusFiles:
    def write(self, tmp_path: Path, body: str) -> Path:
        p = tmp_path / "bad.csv"
        p.write_text(body)
        return p

    HEADER = (
        "BilledCost,BillingAccountId,BillingCurrency,BillingPeriodStart,BillingPeriodEnd,"
        "ChargeCategory,ChargePeriodStart,ChargePeriodEnd,EffectiveCost,InvoiceIssuerName,"
        "ProviderName,PublisherName,ServiceCategory,ServiceName\n"
    )
    ROW = (
        "{cost},1,USD,2024-09-01,2024-10-01,Usage,2024-09-02,2024-09-03,{cost},AWS,AWS,AWS,"
        "Compute,EC2\n"
    )

    def test_bad_cost_names_row_and_column(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        p = self.write(
            tmp_path, self.HEADER + self.ROW.format(cost="1.5") + self.ROW.format(cost="abc")
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert err.value.row == 2
        assert err.value.column == "BilledCost"
        assert "bad.csv" in str(err.value) and "abc" in str(err.value)
        assert lake.snapshot("acme").is_empty

    def test_skip_bad_rows_counts_them(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = self.write(
            tmp_path,
            self.HEADER
            + self.ROW.format(cost="1.5")
            + self.ROW.format(cost="abc")
            + self.ROW.format(cost="2"),
        )
        result = ingestor.ingest([p], org="acme", skip_bad_rows=True)
        assert (result.rows_written, result.rows_skipped) == (2, 1)

    def test_bad_file_leaves_lake_untouched(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        good = self.write(tmp_path, self.HEADER + self.ROW.format(cost="1.5"))
        ingestor.ingest([good], org="acme", source="s")
        before = lake.snapshot("acme")
        bad = tmp_path / "bad2.csv"
        bad.write_text(self.HEADER + self.ROW.format(cost="x"))
        with pytest.raises(MalformedFile):
            ingestor.ingest([bad], org="acme", source="s")
        assert lake.snapshot("acme") == before

    def test_empty_required_value_names_line_and_column(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake
    ) -> None:
        rows = [self.ROW.format(cost="1.5")] * 3
        rows[2] = rows[2].replace(",Compute,EC2", ",Compute,")
        p = self.write(tmp_path, self.HEADER + "".join(rows))
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme")
        assert (err.value.row, err.value.column) == (3, "ServiceName")
        assert "ServiceName is empty, and FOCUS requires a value (line 4 of the file)" in str(
            err.value
        )
        assert lake.snapshot("acme").is_empty

    def test_null_required_value_in_parquet(
        self, tmp_path: Path, ingestor: Ingestor, lake: Lake, duck: duckdb.DuckDBPyConnection
    ) -> None:
        csv = self.write(tmp_path, self.HEADER + self.ROW.format(cost="1.5") * 5)
        p = tmp_path / "bad.parquet"
        duck.execute(
            "COPY (SELECT * REPLACE (CASE WHEN n = 4 THEN NULL ELSE ProviderName END "
            "AS ProviderName) FROM (SELECT *, row_number() OVER () AS n "
            f"FROM read_csv('{csv}', all_varchar = true))) TO '{p}' (FORMAT parquet)"
        )
        with pytest.raises(MalformedFile) as err:
            ingestor.ingest([p], org="acme", format="focus")
        assert (err.value.row, err.value.column) == (4, "ProviderName")
        assert lake.snapshot("acme").is_empty
        result = ingestor.ingest([p], org="acme", format="focus", skip_bad_rows=True)
        assert (result.rows_written, result.rows_skipped) == (4, 1)

    def test_missing_required_column(self, tmp_path: Path, ingestor: Ingestor) -> None:
        p = self.write(
            tmp_path,
            self.HEADER.replace("BillingCurrency,", "")
            + "1,1,2024-09-01,2024-10-01,Usage,2024-09-02,2024-09-03,1,AWS,AWS,AWS,"
            "Compute,EC2\n",
        )
        with pytest.raises(MalformedFile, match="BillingCurrency"):
            ingestor.ingest([p], org="acme", format="focus")
