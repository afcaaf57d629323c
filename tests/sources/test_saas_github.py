"""The GitHub billing usage connector against a loopback server replaying the documented
``usageItems`` response: a secondary rate limit (403 with Retry-After) first, one request
per month, net and gross amounts, and re-syncs that keep totals."""

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
from costlake.sources.saas import github
from costlake.sources.saas.http import VendorError
from costlake.sources.saas.sync import sync


def item(day: str, product: str, sku: str, qty: float, price: float, discount: float,
         repo: str) -> dict[str, Any]:  # fmt: skip
    gross = round(qty * price, 6)
    return {
        "date": f"{day}T00:00:00Z", "product": product, "sku": sku, "quantity": qty,
        "unitType": "minutes" if product == "actions" else "GigabyteHours",
        "pricePerUnit": price, "grossAmount": gross, "discountAmount": discount,
        "netAmount": round(gross - discount, 6), "organizationName": "acme-corp",
        "repositoryName": repo,
    }  # fmt: skip


MONTHS = {
    "9": [item("2024-09-30", "actions", "Actions Linux", 100, 0.008, 0.0, "acme-corp/api")],
    "10": [
        item("2024-10-01", "actions", "Actions Linux", 1000, 0.008, 2.0, "acme-corp/api"),
        item("2024-10-02", "actions", "Actions macOS 3-core", 50, 0.08, 0.0, "acme-corp/ios"),
        item("2024-10-02", "packages", "Packages storage", 24, 0.0008, 0.0, "acme-corp/api"),
    ],
}


@pytest.fixture
def replay() -> Iterator[tuple[str, list[tuple[str, dict[str, list[str]], dict[str, str]]]]]:
    seen: list[tuple[str, dict[str, list[str]], dict[str, str]]] = []
    throttled = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            query = parse_qs(url.query)
            seen.append((url.path, query, dict(self.headers)))
            if url.path != "/organizations/acme-corp/settings/billing/usage":
                return self._send(404, {"message": "Not Found"})
            if not throttled.is_set():
                throttled.set()
                msg = {"message": "You have exceeded a secondary rate limit."}
                return self._send(403, msg, {"Retry-After": "0"})
            self._send(200, {"usageItems": MONTHS.get(query["month"][0], [])})

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
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()


def client(url: str) -> httpx.Client:
    headers = {"Authorization": "Bearer ghp_test", **github.HEADERS}
    return httpx.Client(base_url=url, headers=headers, timeout=5)


def fetch(http: httpx.Client, org: str = "acme-corp"):  # noqa: ANN201
    return lambda a, b: github.fetch_costs(http, org, a, b, sleep=lambda s: None)


class TestFetch:
    def test_items_become_rows_with_net_as_billed_and_gross_as_list(
        self, replay: tuple[str, list[Any]]
    ) -> None:
        url, seen = replay
        with client(url) as http:
            rows = list(fetch(http)(date(2024, 10, 1), date(2024, 10, 3)))
        assert len(seen) == 2 and seen[1][1] == {"year": ["2024"], "month": ["10"]}
        assert seen[1][2]["X-GitHub-Api-Version"] == "2022-11-28"
        assert sum(r.billed for r in rows) == Decimal("6") + Decimal("4") + Decimal("0.0192")
        assert sum(r.listed or 0 for r in rows) == Decimal("8") + Decimal("4") + Decimal("0.0192")
        linux = next(r for r in rows if r.sku == "Actions Linux")
        assert (linux.service, linux.unit, linux.resource) == (
            "Actions",
            "minutes",
            "acme-corp/api",
        )
        assert linux.quantity == 1000

    def test_a_range_over_two_months_asks_for_each(self, replay: tuple[str, list[Any]]) -> None:
        url, seen = replay
        with client(url) as http:
            rows = list(fetch(http)(date(2024, 9, 30), date(2024, 10, 2)))
        assert [q["month"] for _, q, _ in seen[1:]] == [["9"], ["10"]]
        assert {r.start.day for r in rows} == {30, 1}

    def test_an_unknown_organization_is_a_clear_error(self, replay: tuple[str, list[Any]]) -> None:
        url, _ = replay
        with client(url) as http, pytest.raises(VendorError, match="GitHub: .* HTTP 404"):
            list(fetch(http, "nobody")(date(2024, 10, 1), date(2024, 10, 3)))


def test_resyncing_twice_keeps_the_totals(replay: tuple[str, list[Any]], tmp_path: Path) -> None:
    url, _ = replay
    lake = Lake(tmp_path / "lake")
    with client(url) as http:
        for _ in range(3):
            result = sync(Ingestor(lake), "acme", "GitHub", "acme-corp", fetch(http),
                          date(2024, 10, 1), date(2024, 10, 3))  # fmt: skip
            files = lake.snapshot("acme").files()
            with duckdb.connect() as con:
                billed, listed = con.execute(
                    f"SELECT sum(BilledCost), sum(ListCost) FROM read_parquet({files}) "
                    "WHERE ProviderName = 'GitHub'"
                ).fetchone()  # type: ignore[misc]
            assert (billed, listed) == (Decimal("10.0192"), Decimal("12.0192"))
    assert result.source == "github-acme-corp" and result.rows == 3
