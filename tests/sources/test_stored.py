"""Stored sources end to end: each connector synced through the stored-source path against
the loopback replay server (a 429 first, OpenAI's paging), re-synced with unchanged
totals; a vendor 500 or a timeout leaves the lake unchanged and says so in the status;
secrets are stored encrypted; the scheduler's job syncs what is due."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from costlake.config import Settings
from costlake.db.models.sources import SaasSource
from costlake.errors import InvalidInput, NotFound
from costlake.kit.secretbox import SecretBox
from costlake.platform import Platform
from costlake.sources.service import ingest_files
from costlake.sources.stored import (
    SourceSyncFailed,
    add_source,
    due_sources,
    list_sources,
    remove_source,
    sync_due,
    sync_source,
)
from costlake.sources.tasks import register
from costlake.tasks.registry import JobRegistry
from tests.query.conftest import focus_rows
from tests.sources import replay
from tests.sources.replay import ACCOUNTS, SECRETS, TOTALS, Replay

KINDS = ("openai", "datadog", "github")


@pytest.fixture
def platform(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Platform]:
    monkeypatch.setenv("COSTLAKE_NOW", "2024-10-03T12:00:00Z")
    p = Platform.start(Settings(home=tmp_path / "home"))
    yield p
    p.close()


@pytest.fixture
def vendor() -> Iterator[Replay]:
    with replay.serve() as state:
        yield state


def add(platform: Platform, kind: str, url: str, **kw: object) -> str:
    with platform.session() as s:
        info = add_source(
            s, SecretBox.from_settings(platform.settings), "acme", kind,
            ACCOUNTS.get(kind, "x"), SECRETS.get(kind, {}), lake=platform.lake, base_url=url,
            start=date(2024, 10, 1), **kw,
        )  # fmt: skip
    return info.name


def lake(platform: Platform, source: str) -> tuple[Decimal, int]:
    files = platform.lake.snapshot("acme").files(sources=[source])
    if not files:
        return Decimal(0), 0
    with duckdb.connect() as con:
        billed, n = con.execute(
            f"SELECT sum(BilledCost), count(*) FROM read_parquet({files})"
        ).fetchone()  # type: ignore[misc]
    return billed, n


def status(platform: Platform, name: str) -> dict[str, object]:
    with platform.session() as s:
        (info,) = [i for i in list_sources(s, "acme") if i.name == name]
    return {
        "status": info.last_status,
        "error": info.last_error,
        "rows": info.last_rows,
        "days": info.last_days,
        "through": info.synced_through,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_each_connector_syncs_and_resyncs_with_unchanged_totals(
    kind: str, platform: Platform, vendor: Replay
) -> None:
    name = add(platform, kind, vendor.url)
    for _ in range(3):
        result = sync_source(platform, "acme", name)
        assert lake(platform, name) == TOTALS[kind]
        assert result.billed == TOTALS[kind][0] and result.months == ("2024-10",)
    assert status(platform, name) == {
        "status": "ok",
        "error": None,
        "rows": TOTALS[kind][1],
        "days": 3,
        "through": date(2024, 10, 3),
    }
    path, _, headers = vendor.requests[1]  # the first answer after the 429 (or 403)
    assert vendor.requests[0][0] == path
    secret = next(iter(SECRETS[kind].values()))
    assert secret in headers.get("Authorization", "") + headers.get("DD-API-KEY", "")
    if kind == "openai":  # two pages each sync, after the first sync's 429
        assert [bool(q.get("page")) for _, q, _ in vendor.requests] == [False] + [False, True] * 3


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("failure", ["500", "timeout"])
def test_a_vendor_error_or_timeout_leaves_the_lake_unchanged_and_says_so(
    kind: str, failure: str, platform: Platform, vendor: Replay
) -> None:
    name = add(platform, kind, vendor.url)
    sync_source(platform, "acme", name)
    before = lake(platform, name)
    if failure == "500":
        vendor.fail_with, expected = (
            500,
            r"HTTP 500: (The server had an error|Internal Server|Server Error)",
        )
    else:
        vendor.delay, expected = 0.5, "timed out"
    with pytest.raises(SourceSyncFailed, match=expected):
        sync_source(platform, "acme", name, timeout=0.2)
    assert lake(platform, name) == before == TOTALS[kind]
    now = status(platform, name)
    assert now["status"] == "error" and now["rows"] == TOTALS[kind][1]
    assert isinstance(now["error"], str) and now["error"].endswith("the lake is unchanged")


def test_secrets_are_stored_encrypted_and_never_listed(platform: Platform, vendor: Replay) -> None:
    name = add(platform, "datadog", vendor.url)
    with platform.session() as s:
        stored = s.scalars(select(SaasSource.credentials)).one()
        infos = list_sources(s, "acme")
    assert "Zx9secret" not in stored and "Zx9secret" not in repr(infos)
    plain = SecretBox.from_settings(platform.settings).decrypt(stored)
    assert "dd-app-Zx9secret" in plain
    assert infos[0].name == name == "datadog-acme-parent" and infos[0].base_url == vendor.url


def test_the_next_sync_starts_from_the_cursor(
    platform: Platform, vendor: Replay, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = add(platform, "openai", vendor.url)
    monkeypatch.setenv("COSTLAKE_NOW", "2024-11-10T08:00:00Z")
    first = sync_source(platform, "acme", name)
    assert first.months == ("2024-10", "2024-11") and status(platform, name)["days"] == 41
    vendor.requests.clear()
    again = sync_source(platform, "acme", name)
    assert again.months == ("2024-11",)  # the 7th (10th less 3 settling days) is in November
    starts = {q["start_time"][0] for _, q, _ in vendor.requests}
    assert starts == {str(int(datetime(2024, 11, 1, tzinfo=UTC).timestamp()))}
    assert lake(platform, name) == TOTALS["openai"]  # October kept, November empty


class TestAddAndRemove:
    def test_bad_input_is_refused_with_a_clear_message(
        self, platform: Platform, vendor: Replay
    ) -> None:
        with pytest.raises(InvalidInput, match="unknown source kind 'stripe'; known: datadog"):
            add(platform, "stripe", vendor.url)
        with pytest.raises(InvalidInput, match="invalid base URL 'ftp://x'"):
            add(platform, "openai", "ftp://x")
        with pytest.raises(InvalidInput, match="use https .*only to a loopback address"):
            add(platform, "openai", "http://proxy.example.com")
        with pytest.raises(InvalidInput, match="no credentials, query or fragment"):
            add(platform, "openai", "https://user:pw@api.openai.com")
        add(platform, "openai", vendor.url)
        with pytest.raises(InvalidInput, match="already has a source named 'openai-org-"):
            add(platform, "openai", vendor.url)

    def test_a_name_the_lake_already_holds_is_refused_unless_reused_on_purpose(
        self, platform: Platform, vendor: Replay, tmp_path: Path
    ) -> None:
        data = tmp_path / "x.parquet"
        pq.write_table(focus_rows(3, 20), data)
        ingest_files(platform, [data], org="acme", source="billing")
        with pytest.raises(InvalidInput, match="already holds 20 rows of source 'billing'"):
            add(platform, "github", vendor.url, name="billing")
        add(platform, "github", vendor.url, name="billing", reuse_lake_source=True)

    def test_remove_keeps_the_rows_unless_asked_to_delete_them(
        self, platform: Platform, vendor: Replay
    ) -> None:
        a, b = add(platform, "github", vendor.url), add(platform, "openai", vendor.url)
        sync_source(platform, "acme", a)
        sync_source(platform, "acme", b)
        kept = remove_source(platform, "acme", a, delete_data=False)
        assert (kept.lake_rows, kept.deleted) == (3, False) and lake(platform, a)[1] == 3
        gone = remove_source(platform, "acme", b, delete_data=True)
        assert (gone.lake_rows, gone.deleted) == (4, True) and lake(platform, b) == (0, 0)
        with platform.session() as s:
            assert list_sources(s, "acme") == []
        with pytest.raises(NotFound, match="org 'acme' has no source named"):
            sync_source(platform, "acme", a)


class TestSchedule:
    def test_the_job_is_registered(self) -> None:
        registry = JobRegistry()
        register(registry)
        assert registry.get("sources.sync").every == timedelta(minutes=15)

    def test_due_sources_follow_their_interval_and_failed_ones_retry_hourly(
        self, platform: Platform, vendor: Replay, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ok = add(platform, "github", vendor.url, every_hours=6)
        bad = add(platform, "openai", vendor.url + "/nowhere")
        add(platform, "datadog", vendor.url, enabled=False)
        assert sync_due(platform) == (1, 1)  # the disabled one is not synced
        assert status(platform, ok)["status"] == "ok"
        assert "HTTP 404: Not Found" in str(status(platform, bad)["error"])
        at = datetime(2024, 10, 3, 12, tzinfo=UTC)
        with platform.session() as s:
            assert due_sources(s, at + timedelta(minutes=59)) == []
            assert due_sources(s, at + timedelta(hours=1)) == [("acme", bad)]
            assert due_sources(s, at + timedelta(hours=6)) == [("acme", ok), ("acme", bad)]
