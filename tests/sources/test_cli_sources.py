"""``costlake sources add|list|sync|remove`` against the loopback replay server: secrets on
standard input (never argv), the status in the listing, one-line errors with exit code 2."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from costlake.cli.app import app
from tests.sources import replay
from tests.sources.replay import ACCOUNTS, Replay


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("COSTLAKE_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("COSTLAKE_DATABASE_URL", raising=False)
    monkeypatch.setenv("COSTLAKE_NOW", "2024-10-03T12:00:00Z")
    monkeypatch.setenv("COLUMNS", "250")
    return CliRunner()


@pytest.fixture
def vendor() -> Iterator[Replay]:
    with replay.serve() as state:
        yield state


def add(cli: CliRunner, url: str, kind: str, secrets: str, *extra: str):  # noqa: ANN201
    argv = ["sources", "add", kind, "--org", "acme", "--account", ACCOUNTS[kind]]
    argv += ["--base-url", url, "--start", "2024-10-01", *extra]
    return cli.invoke(app, argv, input=secrets)


def test_add_list_sync_remove(cli: CliRunner, vendor: Replay) -> None:
    added = add(cli, vendor.url, "datadog", "dd-api-Zx9secret\ndd-app-Zx9secret\n")
    assert added.exit_code == 0, added.output
    assert "added datadog source datadog-acme-parent to org acme" in added.stdout
    assert "Zx9secret" not in added.output
    listed = cli.invoke(app, ["sources", "list", "--org", "acme"])
    assert "datadog-acme-parent" in listed.stdout and "never synced" in listed.stdout

    synced = cli.invoke(app, ["sources", "sync", "datadog-acme-parent", "--org", "acme"])
    assert synced.exit_code == 0, synced.output
    assert "synced datadog-acme-parent: 5 rows, 3 days (2024-10-01 to 2024-10-03)" in synced.stdout
    assert "billed 36.75; replaced months 2024-10" in synced.stdout
    assert vendor.requests[-1][2]["DD-APPLICATION-KEY"] == "dd-app-Zx9secret"

    listing = cli.invoke(app, ["sources", "list", "--org", "acme", "--output", "json"])
    [source] = json.loads(listing.stdout)
    assert source["last_status"] == "ok" and source["last_rows"] == 5
    assert source["synced_through"] == "2024-10-03" and "Zx9secret" not in json.dumps(source)

    total = cli.invoke(app, ["query", "--org", "acme", "--start", "2024-10-01", "--end",
                             "2024-10-04", "--output", "json"])  # fmt: skip
    assert json.loads(total.stdout)[0]["cost"] == 36.75

    removed = cli.invoke(app, ["sources", "remove", "datadog-acme-parent", "--org", "acme"])
    assert removed.exit_code == 0, removed.output
    assert "its 5 rows stay in the lake as source datadog-acme-parent" in removed.stdout
    assert "has no sources" in cli.invoke(app, ["sources", "list", "--org", "acme"]).stdout


def test_a_failed_sync_is_one_line_and_shown_in_the_listing(cli: CliRunner, vendor: Replay) -> None:
    assert add(cli, vendor.url, "github", "ghp_Zx9secret\n").exit_code == 0
    assert add(cli, vendor.url, "openai", "sk-admin-Zx9secret\n").exit_code == 0
    vendor.fail_with = 500
    failed = cli.invoke(app, ["sources", "sync", "github-acme-corp", "--org", "acme"])
    assert failed.exit_code == 2
    lines = failed.stderr.strip().splitlines()
    assert lines == [
        "error: source 'github-acme-corp' (github): GitHub: "
        "/organizations/acme-corp/settings/billing/usage answered HTTP 500: Server Error; "
        "the lake is unchanged"
    ]
    table = cli.invoke(app, ["sources", "list", "--org", "acme"]).stdout
    assert "error: GitHub:" in table and "never synced" in table
    every = cli.invoke(app, ["sources", "sync", "--org", "acme"])
    assert every.exit_code == 2 and every.stderr.strip().splitlines()[-1] == (
        "error: 2 of 2 sources failed to sync"
    )


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["sources", "add", "stripe", "--account", "x"], "k\n", "unknown source kind 'stripe'"),
        (["sources", "add", "openai", "--account", "org-1"], "\n", "no OpenAI admin API key on"),
        (["sources", "add", "github", "--account", "a", "--start", "May"], "t\n", "--start must"),
        (["sources", "sync", "nope"], "", "no org 'default'"),
        (["sources", "list", "--output", "yaml"], "", "--output must be table or json"),
    ],
)
def test_mistakes_are_one_line(cli: CliRunner, argv: list[str], stdin: str, message: str) -> None:
    result = cli.invoke(app, argv, input=stdin)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr
