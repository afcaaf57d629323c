"""The command line's writes land in the org's audit log (``cli:<OS user>``); reads and
failed commands do not."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from costlake.audit.schemas import AuditFilter
from costlake.audit.service import list_entries
from costlake.auth.principals import Principal, PrincipalKind
from costlake.cli.app import app
from costlake.cli.audit import os_user
from costlake.config import Settings
from costlake.kit.pagination import PageRequest
from costlake.platform import Platform


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path))
    return CliRunner()


def log(home: Path, org: str) -> list[tuple[str, str, str]]:
    admin = Principal(PrincipalKind.API_KEY, org, "test", frozenset({"*"}), None)
    platform = Platform.start(Settings(home=home))
    try:
        with platform.session() as s:
            page = list_entries(s, admin, AuditFilter(), PageRequest(0, 100))
    finally:
        platform.close()
    return [(e.action, e.actor, e.target) for e in reversed(page.items)]


class TestCliAudit:
    def test_writes_are_recorded_reads_and_failures_are_not(
        self, cli: CliRunner, tmp_path: Path
    ) -> None:
        created = cli.invoke(app, ["keys", "create", "--org", "acme", "--name", "ci"])
        assert created.exit_code == 0, created.output
        assert cli.invoke(app, ["keys", "list", "--org", "acme"]).exit_code == 0
        failed = cli.invoke(app, ["keys", "revoke", "999", "--org", "acme"])
        assert failed.exit_code == 2
        args = ["users", "create", "--org", "acme", "--email", "ana@acme.io", "--password-stdin"]
        assert cli.invoke(app, args, input="correct horse battery\n").exit_code == 0
        deactivated = cli.invoke(
            app, ["users", "deactivate", "--org", "acme", "--email", "ana@acme.io"]
        )
        assert deactivated.exit_code == 0
        monitor = ["anomalies", "monitors", "add", "teams", "--org", "acme"]
        added = cli.invoke(app, [*monitor, "--dimension", "tag:team"])
        assert added.exit_code == 0, added.output
        me = f"cli:{os_user()}"
        assert log(tmp_path, "acme") == [
            ("cli.keys.create", me, "key ci"),
            ("cli.users.create", me, "user ana@acme.io"),
            ("cli.users.deactivate", me, "user ana@acme.io"),
            ("cli.anomalies.monitors.add", me, "monitor teams"),
        ]
