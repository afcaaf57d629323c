"""The command line as a user types it: ingest, query, keys, export, errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from costlake.cli.app import app


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
    return CliRunner()


@pytest.fixture
def sample(shared_data: Path) -> Path:
    return shared_data / "focus-samples" / "focus_sample.csv"


def raw_total(sample: Path, where: str = "true") -> Decimal:
    return duckdb.execute(
        f"SELECT sum(BilledCost::DECIMAL(38,18)) FROM read_csv('{sample}', all_varchar = true, "
        f"nullstr = 'NULL') WHERE {where}"
    ).fetchall()[0][0]


class TestIngest:
    def test_unknown_file_type_is_a_clean_error(self, cli: CliRunner, tmp_path: Path) -> None:
        bad = tmp_path / "bill.xlsx"
        bad.write_text("nope")
        result = cli.invoke(app, ["ingest", str(bad)])
        assert result.exit_code == 2
        assert "bill.xlsx" in result.output and "Traceback" not in result.output

    def test_unknown_format_names_the_file(self, cli: CliRunner, tmp_path: Path) -> None:
        bad = tmp_path / "other.csv"
        bad.write_text("a,b\n1,2\n")
        result = cli.invoke(app, ["ingest", str(bad)])
        assert result.exit_code == 2 and "other.csv" in result.output

    def test_ingest_reports_rows_and_creates_the_org(self, cli: CliRunner, sample: Path) -> None:
        result = cli.invoke(app, ["ingest", str(sample), "--org", "acme"])
        assert result.exit_code == 0, result.output
        assert "ingested 1,000 rows (focus) into org acme" in result.output


class TestQuery:
    def test_json_total_is_one_row_with_cost(self, cli: CliRunner, sample: Path) -> None:
        cli.invoke(app, ["ingest", str(sample), "--org", "acme"])
        result = cli.invoke(
            app,
            [
                "query",
                "--org",
                "acme",
                "--start",
                "2024-09-01",
                "--end",
                "2024-11-01",
                "--output",
                "json",
            ],
        )
        assert result.exit_code == 0, result.output
        rows = json.loads(result.stdout, parse_float=Decimal)
        assert rows == [{"cost": raw_total(sample)}]

    def test_json_grouped_with_filter(self, cli: CliRunner, sample: Path) -> None:
        cli.invoke(app, ["ingest", str(sample), "--org", "acme"])
        result = cli.invoke(
            app,
            [
                "query",
                "--org",
                "acme",
                "--start",
                "2024-09-01",
                "--end",
                "2024-11-01",
                "--group-by",
                "ProviderName,tag:environment",
                "--filter",
                "ProviderName=AWS|Oracle",
                "--output",
                "json",
            ],
        )
        rows = json.loads(result.stdout, parse_float=Decimal)
        assert {r["ProviderName"] for r in rows} == {"AWS", "Oracle"}
        assert set(rows[0]) == {"ProviderName", "tag:environment", "cost"}
        assert sum(r["cost"] for r in rows) == raw_total(sample, "ProviderName <> 'Microsoft'")

    def test_csv_and_table_outputs(self, cli: CliRunner, sample: Path) -> None:
        cli.invoke(app, ["ingest", str(sample), "--org", "acme"])
        args = [
            "query",
            "--org",
            "acme",
            "--start",
            "2024-09-01",
            "--end",
            "2024-11-01",
            "--group-by",
            "ProviderName",
            "--granularity",
            "month",
        ]
        csv_out = cli.invoke(app, [*args, "--output", "csv"]).stdout.splitlines()
        assert csv_out[0] == "period,ProviderName,cost" and len(csv_out) > 3
        assert "AWS" in cli.invoke(app, args).stdout

    @pytest.mark.parametrize(
        "args",
        [
            ["--group-by", "Nope"],
            ["--filter", "justtext"],
            ["--start", "yesterday"],
            ["--metric", "blended"],
            ["--output", "xml"],
            ["--end", "2024-01-01"],
        ],
    )
    def test_bad_arguments_are_clean_errors(self, cli: CliRunner, args: list[str]) -> None:
        base = {"--start": "2024-09-01", "--end": "2024-11-01"}
        base.update(zip(args[::2], args[1::2], strict=True))
        result = cli.invoke(app, ["query", *[x for kv in base.items() for x in kv]])
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output


class TestKeys:
    def test_create_prints_the_secret_last_then_list_and_revoke(self, cli: CliRunner) -> None:
        result = cli.invoke(
            app, ["keys", "create", "--org", "acme", "--name", "ci", "--style", "cloudexpat"]
        )
        assert result.exit_code == 0, result.output
        secret = result.stdout.strip().splitlines()[-1]
        assert secret.startswith("ce_live_") and len(secret) == 40
        listing = cli.invoke(app, ["keys", "list", "--org", "acme"]).stdout
        assert "ci" in listing and secret not in listing
        key_id = result.stdout.split("created key ")[1].split()[0]
        revoked = cli.invoke(app, ["keys", "revoke", key_id, "--org", "acme"])
        assert revoked.exit_code == 0 and "revoked" in revoked.stdout
        assert "revoked" in cli.invoke(app, ["keys", "list", "--org", "acme"]).stdout

    def test_unknown_style_is_refused(self, cli: CliRunner) -> None:
        result = cli.invoke(app, ["keys", "create", "--org", "a", "--name", "n", "--style", "nope"])
        assert result.exit_code == 2


def test_export_round_trip(cli: CliRunner, sample: Path, tmp_path: Path) -> None:
    cli.invoke(app, ["ingest", str(sample), "--org", "acme"])
    out = tmp_path / "focus.parquet"
    result = cli.invoke(app, ["export", "--org", "acme", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert duckdb.execute(f"SELECT sum(BilledCost) FROM '{out}'").fetchall()[0][0] == raw_total(
        sample
    )


class TestOptimize:
    def test_optimize_builds_missing_rollups_and_queries_agree(
        self, cli: CliRunner, sample: Path, tmp_path: Path
    ) -> None:
        from dataclasses import replace

        from costlake.lake import manifest as mf

        assert cli.invoke(app, ["ingest", str(sample), "--org", "acme"]).exit_code == 0
        org_dir = tmp_path / "home" / "lake" / "org=acme"
        current = mf.read(org_dir, "acme")
        stripped = tuple(replace(p, rollups=()) for p in current.partitions)
        mf.write_atomically(org_dir, replace(current, partitions=stripped))
        query = ["query", "--org", "acme", "--start", "2024-01-01", "--end", "2030-01-01",
                 "--group-by", "ServiceName", "--output", "json"]  # fmt: skip
        before = json.loads(cli.invoke(app, query).output)

        result = cli.invoke(app, ["optimize", "--org", "acme"])
        assert result.exit_code == 0, result.output
        assert f"org acme: rollups built for {len(stripped)} billing period(s)" in result.output
        assert all(p.rollups for p in mf.read(org_dir, "acme").partitions)
        assert json.loads(cli.invoke(app, query).output) == before
        again = cli.invoke(app, ["optimize"])
        assert "org acme: rollups built for 0 billing period(s)" in again.output
