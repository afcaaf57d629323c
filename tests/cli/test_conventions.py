"""What a person expects of a command line: --version, -h, readable help, every format listed."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from costlake.cli.app import app
from costlake.ingest.registry import adapters


def commands() -> list[list[str]]:
    group = get_command(app)
    names: list[list[str]] = []
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        sub = getattr(command, "commands", None)
        names += [[name, s] for s in sub] if sub else [[name]]
    return names


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("COLUMNS", "200")
    return CliRunner()


def test_version(cli: CliRunner) -> None:
    from importlib.metadata import version

    result = cli.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"costlake {version('costlake')}"


@pytest.mark.parametrize("command", commands(), ids=" ".join)
def test_dash_h_is_help_and_labels_read_like_the_readme(cli: CliRunner, command: list[str]) -> None:
    result = cli.invoke(app, [*command, "-h"])
    assert result.exit_code == 0, result.output
    assert "Usage: costlake" in result.stdout
    for odd in ("<str>", "<int>", "<bool>", "<list", "<Path>", " TEXT ", "INTEGER", "{"):
        assert odd not in result.stdout, (odd, result.stdout)


def test_ingest_help_lists_every_registered_format(cli: CliRunner) -> None:
    text = cli.invoke(app, ["ingest", "--help"]).stdout
    for name in adapters():
        assert f"{name}:" in text, name


def test_keys_list_as_json_never_shows_secrets(cli: CliRunner) -> None:
    import json

    created = cli.invoke(app, ["keys", "create", "--org", "acme", "--name", "ci"])
    secret = created.stdout.strip().splitlines()[-1]
    result = cli.invoke(app, ["keys", "list", "--org", "acme", "--output", "json"])
    assert result.exit_code == 0, result.output
    [key] = json.loads(result.stdout)
    assert key["name"] == "ci" and key["status"] == "active" and key["scopes"] == ["*"]
    assert secret.startswith(key["prefix"]) and secret not in result.stdout


def test_every_command_renders_costlake_errors_as_one_line() -> None:
    """Each command (and the group callback) goes through ``handle_errors``: a CostlakeError
    or a bad COSTLAKE_* setting is one line and exit code 2, never a traceback."""
    group = get_command(app)
    callbacks = [("costlake", group.callback)]
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        subs = getattr(command, "commands", {name: command})
        callbacks += [(n, c.callback) for n, c in subs.items()]
    unwrapped = [n for n, cb in callbacks if not getattr(cb, "handles_errors", False)]
    assert unwrapped == []
