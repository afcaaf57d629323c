"""``costlake anomalies detect | list | status`` through Typer's runner, on a real home."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.lake.store import Lake
from tests.anomalies.conftest import START, Bill, ingest, weekly


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("COSTLAKE_HOME", str(home))
    monkeypatch.setenv("COLUMNS", "200")
    values = weekly()
    values[50] *= 5
    ingest(Lake(home / "lake"), Bill().series(values), tmp_path)
    return home


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["anomalies", *args])
    return result.exit_code, result.stdout, result.stderr


class TestDetect:
    def test_an_unknown_org_is_one_line(self, home: Path) -> None:
        code, _, err = run("detect", "--org", "globex")
        assert code == 2
        assert err.strip() == "error: no such org 'globex'; orgs with data: acme"

    def test_detects_and_says_what_it_did(self, home: Path) -> None:
        code, out, _ = run("detect", "--org", "acme")
        assert code == 0, out
        assert "org acme:" in out and "2 new, 0 updated, 0 withdrawn anomalies" in out
        code, out, _ = run("detect")  # every org; nothing new the second time
        assert code == 0 and "0 new, 0 updated, 0 withdrawn anomalies" in out


class TestList:
    def test_a_bad_output_or_date_is_one_line(self, home: Path) -> None:
        assert run("list", "--org", "acme", "--output", "xml")[2].strip() == (
            "error: --output must be table or json"
        )
        code, _, err = run("list", "--org", "acme", "--since", "yesterday")
        assert code == 2 and "--since must be a date such as 2024-09-01" in err

    def test_json_has_the_facts_with_exact_costs(self, home: Path) -> None:
        run("detect", "--org", "acme")
        code, out, _ = run("list", "--org", "acme", "--output", "json")
        assert code == 0, out
        found = json.loads(out)
        assert len(found) == 2
        a = next(x for x in found if x["monitor"] == "account_service")
        spike = (START + timedelta(days=50)).isoformat()
        assert (a["alert_type"], a["status"], a["detected_date"]) == ("spend_spike", "new", spike)
        assert (a["provider_type"], a["service"]) == ("aws", "Amazon EC2")
        assert a["actual_cost"] == pytest.approx(weekly()[50] * 5, rel=1e-6)
        assert a["deviation_percent"] == pytest.approx(400, rel=0.1)
        assert {c["dimension"] for c in a["top_contributors"]} == {
            "region",
            "resource",
            "usage_type",
        }

    def test_table_and_feedback(self, home: Path) -> None:
        run("detect", "--org", "acme")
        code, out, _ = run("list", "--org", "acme")
        assert code == 0 and "spend_spike" in out and "Amazon EC2" in out and "USD" in out
        anomaly_id = json.loads(run("list", "--org", "acme", "--output", "json")[1])[0]["id"]
        code, out, _ = run("status", anomaly_id, "dismissed", "--by", "ann", "--org", "acme")
        assert code == 0 and "dismissed (by ann)" in out
        dismissed = json.loads(
            run("list", "--org", "acme", "--status", "dismissed", "--output", "json")[1]
        )
        assert [a["id"] for a in dismissed] == [anomaly_id]
        code, _, err = run("status", anomaly_id, "gone", "--by", "ann", "--org", "acme")
        assert code == 2 and "unknown status 'gone'" in err


class TestMonitors:
    def test_add_list_detect_and_remove(self, home: Path) -> None:
        code, out, err = run(
            "monitors", "add", "ec2-us", "--org", "acme", "--dimension", "RegionId",
            "--filter", "ServiceName=Amazon EC2", "--by", "ann",
        )  # fmt: skip
        assert code == 0, err
        assert "ProviderName, ServiceName, RegionId, over ServiceName=Amazon EC2" in out
        code, out, _ = run("monitors", "list", "--org", "acme")
        assert code == 0 and "provider_service" in out and "ec2-us" in out and "custom" in out
        code, out, _ = run("detect", "--org", "acme")
        assert code == 0 and "3 new" in out  # the two built in and ec2-us
        found = json.loads(run("list", "--org", "acme", "--output", "json")[1])
        assert sorted(a["monitor"] for a in found) == [
            "account_service", "ec2-us", "provider_service",
        ]  # fmt: skip
        code, out, _ = run("monitors", "remove", "ec2-us", "--org", "acme")
        assert code == 0 and "its anomalies are kept" in out
        assert "ec2-us" not in run("monitors", "list", "--org", "acme")[1]
        code, _, err = run("monitors", "remove", "ec2-us", "--org", "acme")
        assert code == 2 and "no custom monitor 'ec2-us'" in err

    @pytest.mark.parametrize(
        "args, says",
        [
            (["add", "x", "--org", "acme", "--filter", "nonsense"], "must look like KEY=VALUE"),
            (["add", "x", "--org", "acme", "--dimension", "Colour"], "unknown dimension"),
            (["add", "x", "--org", "acme"], "without a filter or an extra dimension"),
        ],
    )
    def test_mistakes_are_one_line(self, home: Path, args: list[str], says: str) -> None:
        code, _, err = run("monitors", *args)
        assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
