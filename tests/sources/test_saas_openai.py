"""The OpenAI costs connector against a loopback server that replays the API's documented
responses: two pages, a 429 first, then failures that must leave the lake unchanged."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import duckdb
import httpx
import pytest

from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake
from costlake.sources.saas import openai
from costlake.sources.saas.http import VendorError
from costlake.sources.saas.sync import month_ranges, source_name, sync

ORG = "org-4kQp7Vb2YxR9mT1sLw3NcZ8e"
DAY = 86400
OCT1 = 1727740800  # 2024-10-01


def bucket(day: int, results: list[tuple[float, str | None, str | None]]) -> dict[str, Any]:
    start = OCT1 + day * DAY
    return {
        "object": "bucket",
        "start_time": start,
        "end_time": start + DAY,
        "results": [
            {
                "object": "organization.costs.result",
                "amount": {"value": value, "currency": "usd"},
                "line_item": line_item,
                "project_id": project,
            }
            for value, line_item, project in results
        ],
    }


PAGE1 = {
    "object": "page",
    "data": [
        bucket(0, [(0.06, "gpt-4o-2024-08-06, input", "proj_abc"), (1.25, None, None)]),
        bucket(1, [(2.5, "gpt-4o-2024-08-06, output", "proj_abc")]),
    ],
    "has_more": True,
    "next_page": "page_AAAAAGdGxdEiJdKOAAAAAGcqsYA=",
}
PAGE2 = {
    "object": "page",
    "data": [bucket(2, [(0.5, "text-embedding-3-small, input", "proj_xyz")])],
    "has_more": False,
    "next_page": None,
}
TOTAL = Decimal("0.06") + Decimal("1.25") + Decimal("2.5") + Decimal("0.5")


class Replay:
    """What the loopback server answers, and what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, list[str]], str | None]] = []
        self.throttle_first = True
        self.fail_with: int | None = None


@pytest.fixture
def replay() -> Iterator[tuple[str, Replay]]:
    state = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            query = parse_qs(url.query)
            state.requests.append((url.path, query, self.headers.get("Authorization")))
            if state.fail_with is not None:
                return self._send(state.fail_with, {"error": {"message": "boom"}})
            if state.throttle_first:
                state.throttle_first = False
                return self._send(429, {"error": {"message": "slow down"}}, {"Retry-After": "0"})
            self._send(200, PAGE2 if query.get("page") else PAGE1)

        def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()


def client(url: str) -> httpx.Client:
    return httpx.Client(base_url=url, headers={"Authorization": "Bearer sk-admin-test"}, timeout=5)


def fetch(http: httpx.Client):  # noqa: ANN201
    return lambda a, b: openai.fetch_costs(http, ORG, a, b, sleep=lambda s: None)


def lake_total(lake: Lake) -> tuple[Decimal, int]:
    files = lake.snapshot("acme").files()
    if not files:
        return Decimal(0), 0
    with duckdb.connect() as con:
        billed, n = con.execute(
            f"SELECT sum(BilledCost), count(*) FROM read_parquet({files}) "
            "WHERE ProviderName = 'OpenAI'"
        ).fetchone()  # type: ignore[misc]
    return billed, n


class TestFetch:
    def test_pages_are_followed_after_waiting_out_a_429(self, replay: tuple[str, Replay]) -> None:
        url, state = replay
        with client(url) as http:
            rows = list(fetch(http)(date(2024, 10, 1), date(2024, 10, 4)))
        assert sum(r.billed for r in rows) == TOTAL and len(rows) == 4
        paths = [p for p, _, _ in state.requests]
        assert paths == ["/v1/organization/costs"] * 3  # 429, page 1, page 2
        _, first, auth = state.requests[1]
        assert auth == "Bearer sk-admin-test"
        assert first["start_time"] == ["1727740800"] and first["end_time"] == [str(OCT1 + 3 * DAY)]
        assert first["group_by"] == ["project_id", "line_item"] and first["bucket_width"] == ["1d"]
        assert state.requests[2][1]["page"] == ["page_AAAAAGdGxdEiJdKOAAAAAGcqsYA="]
        (gpt,) = [r for r in rows if r.description == "gpt-4o-2024-08-06, input"]
        assert (
            gpt.sub_account == "proj_abc"
            and gpt.currency == "USD"
            and gpt.sku == "gpt-4o-2024-08-06"
        )

    def test_a_vendor_error_is_one_clear_error(self, replay: tuple[str, Replay]) -> None:
        url, state = replay
        state.fail_with = 500
        with client(url) as http, pytest.raises(VendorError, match="OpenAI: .* HTTP 500"):
            list(fetch(http)(date(2024, 10, 1), date(2024, 10, 4)))


class TestSync:
    def test_months_and_source_names(self) -> None:
        assert month_ranges(date(2024, 9, 20), date(2024, 11, 3)) == [
            (date(2024, 9, 1), date(2024, 10, 1)),
            (date(2024, 10, 1), date(2024, 11, 1)),
            (date(2024, 11, 1), date(2024, 11, 3)),
        ]
        assert source_name("OpenAI", ORG) == "openai-org-4kqp7vb2yxr9mt1slw3ncz8e"

    def test_resyncing_replaces_and_never_doubles(
        self, replay: tuple[str, Replay], tmp_path: Path
    ) -> None:
        url, _ = replay
        lake = Lake(tmp_path / "lake")
        with client(url) as http:
            for _ in range(3):
                result = sync(Ingestor(lake), "acme", "OpenAI", ORG, fetch(http),
                              date(2024, 10, 2), date(2024, 10, 4))  # fmt: skip
                assert lake_total(lake) == (TOTAL, 4)
        assert result.months == ("2024-10",) and result.billed == TOTAL

    def test_a_failed_sync_leaves_the_lake_unchanged(
        self, replay: tuple[str, Replay], tmp_path: Path
    ) -> None:
        url, state = replay
        lake = Lake(tmp_path / "lake")
        with client(url) as http:
            sync(Ingestor(lake), "acme", "OpenAI", ORG, fetch(http), date(2024, 10, 1),
                 date(2024, 10, 4))  # fmt: skip
            before = lake_total(lake)
            state.fail_with = 503
            with pytest.raises(VendorError):
                sync(Ingestor(lake), "acme", "OpenAI", ORG, fetch(http), date(2024, 10, 1),
                     date(2024, 10, 4))  # fmt: skip
        assert lake_total(lake) == before == (TOTAL, 4)
