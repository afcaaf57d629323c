"""What ``costlake`` prints: no silent zeros, tables a person can read, no stale progress bar."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from costlake.cli.app import app

RANGE = ["--start", "2024-09-01", "--end", "2024-11-01"]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


@pytest.fixture
def sample(shared_data: Path) -> Path:
    return shared_data / "focus-samples" / "focus_sample.csv"


@pytest.fixture
def acme(cli: CliRunner, sample: Path) -> CliRunner:
    assert cli.invoke(app, ["ingest", str(sample), "--org", "acme"]).exit_code == 0
    return cli


def sample_sum(sample: Path, where: str = "true") -> Decimal:
    total = duckdb.execute(
        f"SELECT sum(BilledCost::DECIMAL(38,18)) FROM read_csv('{sample}', all_varchar = true, "
        f"nullstr = 'NULL') WHERE {where}"
    ).fetchall()[0][0]
    return total.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


class TestNoSilentZeros:
    def test_an_empty_lake_says_to_ingest(self, cli: CliRunner) -> None:
        result = cli.invoke(app, ["query", *RANGE])
        assert result.exit_code == 2
        assert result.output.strip() == "error: the lake is empty; run costlake ingest"

    def test_an_unknown_org_is_named(self, acme: CliRunner) -> None:
        result = acme.invoke(app, ["query", *RANGE, "--org", "nosuchorg", "--output", "json"])
        assert result.exit_code == 2 and result.stdout == ""
        assert "no such org 'nosuchorg'" in result.output and "acme" in result.output

    @pytest.mark.parametrize(
        "command", [["export", "--out", "x.parquet"], ["optimize"]], ids=lambda c: c[0]
    )
    def test_export_and_optimize_name_an_unknown_org(
        self, acme: CliRunner, command: list[str], tmp_path: Path
    ) -> None:
        if command[0] == "export":
            command = ["export", "--out", str(tmp_path / "x.parquet")]
        result = acme.invoke(app, [*command, "--org", "nosuchorg"])
        assert result.exit_code == 2 and "no such org 'nosuchorg'" in result.output
        assert not (tmp_path / "x.parquet").exists()

    def test_a_known_org_with_no_cost_in_the_window_is_zero(self, acme: CliRunner) -> None:
        result = acme.invoke(
            app, ["query", "--start", "2020-01-01", "--end", "2020-02-01", "--org", "acme",
                  "--output", "json"],
        )  # fmt: skip
        assert result.exit_code == 0 and result.stdout.strip() == '[{"cost":0}]'


class TestTable:
    def test_costs_in_cents_with_currency_and_a_total(self, acme: CliRunner, sample: Path) -> None:
        result = acme.invoke(app, ["query", *RANGE, "--org", "acme", "--group-by", "ProviderName"])
        assert result.exit_code == 0, result.output
        assert "cost (USD)" in result.stdout
        total = re.search(r"total\s*│\s*([-\d,.]+)", result.stdout)
        assert total and Decimal(total.group(1).replace(",", "")) == sample_sum(sample)
        aws = re.search(r"AWS\s*│\s*([-\d,.]+)", result.stdout)
        assert aws and re.fullmatch(r"-?[\d,]+\.\d\d", aws.group(1))
        assert Decimal(aws.group(1).replace(",", "")) == sample_sum(sample, "ProviderName='AWS'")

    def test_untagged_cost_is_labelled(self, acme: CliRunner) -> None:
        args = ["query", *RANGE, "--org", "acme", "--group-by", "tag:environment"]
        assert "(untagged)" in acme.invoke(app, args).stdout
        json_out = acme.invoke(app, [*args, "--output", "json"]).stdout
        assert '"tag:environment":null' in json_out and "untagged" not in json_out


class TestProgress:
    def test_no_bar_is_left_above_an_error(self, cli: CliRunner, tmp_path: Path) -> None:
        bad = tmp_path / "other.csv"
        bad.write_text("a,b\n1,2\n")
        result = cli.invoke(app, ["ingest", str(bad)])
        assert result.exit_code == 2
        assert [line for line in result.output.splitlines() if line.strip()] == [
            line for line in result.output.splitlines() if line.startswith("error:")
        ], result.output

    def test_a_finished_bar_shows_the_rows(self, cli: CliRunner, sample: Path) -> None:
        result = cli.invoke(app, ["ingest", str(sample)])
        assert "100%" in result.output and "1,000 rows" in result.output
