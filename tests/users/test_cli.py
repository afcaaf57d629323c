"""``costlake users``: the first admin of a server, and managing people from the shell."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.config import Settings
from costlake.platform import Platform
from costlake.users.schemas import TokenPair

PASSWORD = "correct horse battery"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path))
    return CliRunner()


def create(cli: CliRunner, *extra: str, password: str = PASSWORD) -> object:
    args = ["users", "create", "--org", "acme", "--email", "ana@acme.io", *extra]
    return cli.invoke(app, [*args, "--password-stdin"], input=password + "\n")


class TestUsersCli:
    def test_refuses_an_unknown_role_in_one_line(self, cli: CliRunner) -> None:
        result = create(cli, "--role", "owner")
        assert result.exit_code == 2  # type: ignore[attr-defined]
        assert "invalid role 'owner': use admin or member" in result.output  # type: ignore[attr-defined]
        assert "Traceback" not in result.output  # type: ignore[attr-defined]

    def test_refuses_a_missing_password(self, cli: CliRunner) -> None:
        result = cli.invoke(app, ["users", "create", "--org", "acme", "--email", "a@acme.io"])
        assert result.exit_code == 2
        assert "--password-stdin" in result.output

    def test_the_first_admin_can_sign_in(self, cli: CliRunner, tmp_path: Path) -> None:
        result = create(cli, "--role", "admin")
        assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
        listed = cli.invoke(app, ["users", "list", "--org", "acme", "--output", "json"])
        (row,) = json.loads(listed.output)
        assert (row["email"], row["role"], row["status"]) == ("ana@acme.io", "admin", "active")
        platform = Platform.start(Settings(home=tmp_path))
        try:
            with platform.session() as s:
                assert isinstance(platform.signin.login(s, "ana@acme.io", PASSWORD), TokenPair)
        finally:
            platform.close()

    def test_set_password_and_deactivate(self, cli: CliRunner, tmp_path: Path) -> None:
        assert create(cli).exit_code == 0  # type: ignore[attr-defined]
        result = cli.invoke(
            app,
            ["users", "set-password", "--org", "acme", "--email", "ana@acme.io",
             "--password-stdin"],
            input="another good password\n",
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        result = cli.invoke(app, ["users", "deactivate", "--org", "acme", "--email", "ana@acme.io"])
        assert result.exit_code == 0, result.output
        listed = cli.invoke(app, ["users", "list", "--org", "acme", "--output", "json"])
        assert json.loads(listed.output)[0]["status"] == "deactivated"
        missing = cli.invoke(app, ["users", "deactivate", "--org", "acme", "--email", "x@acme.io"])
        assert missing.exit_code == 2
        assert "no user 'x@acme.io' in org 'acme'" in missing.output


class TestDemoLogin:
    def test_the_demo_login_signs_in_and_stays_the_same_across_runs(self, tmp_path: Path) -> None:
        from costlake.cli.demo_key import demo_login
        from costlake.users.service import find_user, set_password

        platform = Platform.start(Settings(home=tmp_path))
        try:
            with platform.session() as s:
                email, password = demo_login(s, platform.settings, "demo")
            with platform.session() as s:
                assert demo_login(s, platform.settings, "demo") == (email, password)
                assert isinstance(platform.signin.login(s, email, password), TokenPair)
            with platform.session() as s:  # someone changed it: the demo sets a new one
                set_password(s, find_user(s, "demo", email), "changed by someone")
            with platform.session() as s:
                _, renewed = demo_login(s, platform.settings, "demo")
            assert renewed != password
            with platform.session() as s:
                assert isinstance(platform.signin.login(s, email, renewed), TokenPair)
        finally:
            platform.close()
