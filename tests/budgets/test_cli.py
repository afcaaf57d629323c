"""``costlake budgets status`` through Typer's runner, on a real home: each budget's spend,
forecast and thresholds as of a day, nothing mailed; one-line errors."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from costlake.budgets import service
from costlake.budgets.schemas import BudgetInput, NotificationRule
from costlake.cli.app import app
from costlake.config import Settings
from costlake.orgs.service import get_or_create_org
from costlake.platform import Platform
from tests.anomalies.conftest import ingest
from tests.budgets.conftest import october_bill


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("COSTLAKE_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
    platform = Platform.start(Settings(home=home))
    try:
        ingest(platform.lake, october_bill(), tmp_path, org="default")
        with platform.session() as s:
            get_or_create_org(s, "default")
            rule = NotificationRule(Decimal(50), ("ops@acme.io",))
            data = BudgetInput("Cloud", Decimal(2000), "monthly", notifications=(rule,))
            service.create(s, "default", data)
    finally:
        platform.close()
    return home


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["budgets", *args])
    return result.exit_code, result.stdout, result.stderr


def test_bad_options_are_one_line_errors(home: Path) -> None:
    code, _, err = run("status", "--date", "yesterday")
    assert code == 2 and err.strip() == "error: --date: 'yesterday' is not a date (YYYY-MM-DD)"
    code, _, err = run("status", "--org", "nobody")
    assert code == 2 and err.startswith("error: no org 'nobody'")


def test_status_as_json_and_as_a_table(home: Path) -> None:
    code, out, _ = run("status", "--date", "2024-10-10", "--output", "json")
    assert code == 0, out
    [row] = json.loads(out)
    assert {k: row[k] for k in ("name", "start", "amount", "actual", "forecast")} == {
        "name": "Cloud", "start": "2024-10-01", "amount": "2000", "actual": "1500",
        "forecast": "4650",
    }  # fmt: skip
    assert row["thresholds_reached"] == ["50"]
    code, out, _ = run("status", "--date", "2024-10-10")
    assert code == 0 and "Cloud" in out and "1,500.00" in out and "4,650.00" in out
