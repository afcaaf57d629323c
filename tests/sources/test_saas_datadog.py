"""The Datadog estimated cost connector against a loopback server replaying the API's
documented response shape: cumulative month-to-date costs per day, product and charge
type, a 429 first; daily costs are the day-over-day differences of the ``total`` charge."""

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
from costlake.sources.saas import datadog
from costlake.sources.saas.http import VendorError
from costlake.sources.saas.sync import sync

# product -> cumulative total on 2024-10-01, -02, -03
CUMULATIVE = {"infra_host": ["10.5", "21.0", "31.5"], "logs_indexed_15day": ["2", "2", "5.25"]}


def entry(day: int) -> dict[str, Any]:
    charges = []
    for product, totals in CUMULATIVE.items():
        total = Decimal(totals[day - 1])
        charges += [
            {"charge_type": "committed", "cost": float(total * Decimal("0.75")),
             "last_aggregation_function": "sum", "product_name": product},
            {"charge_type": "on_demand", "cost": float(total * Decimal("0.25")),
             "last_aggregation_function": "sum", "product_name": product},
            {"charge_type": "total", "cost": float(total),
             "last_aggregation_function": "sum", "product_name": product},
        ]  # fmt: skip
    return {
        "attributes": {
            "charges": charges,
            "date": f"2024-10-{day:02d}T00:00:00+00:00",
            "org_name": "Acme Prod",
            "public_id": "abcd1234",
            "region": "us",
            "total_cost": sum(float(t[day - 1]) for t in CUMULATIVE.values()),
        },
        "id": f"id-{day}",
        "type": "cost_by_org",
    }


RESPONSE = {"data": [entry(d) for d in (1, 2, 3)]}
TOTAL = Decimal("31.5") + Decimal("5.25")


@pytest.fixture
def replay() -> Iterator[tuple[str, list[tuple[dict[str, list[str]], dict[str, str]]]]]:
    seen: list[tuple[dict[str, list[str]], dict[str, str]]] = []
    state = {"throttled": False, "fail": False}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            seen.append((parse_qs(url.query), dict(self.headers)))
            if url.path != "/api/v2/usage/estimated_cost" or state["fail"]:
                return self._send(500, {"errors": ["Internal Server Error"]})
            if not state["throttled"]:
                state["throttled"] = True
                return self._send(429, {"errors": ["Rate limit exceeded"]}, {"Retry-After": "0"})
            self._send(200, RESPONSE)

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
    keys = {"DD-API-KEY": "api-key", "DD-APPLICATION-KEY": "app-key"}
    return httpx.Client(base_url=url, headers=keys, timeout=5)


def fetch(http: httpx.Client):  # noqa: ANN201
    return lambda a, b: datadog.fetch_costs(http, "acme-parent", a, b, sleep=lambda s: None)


class TestFetch:
    def test_daily_costs_are_the_differences_of_cumulative_totals(
        self, replay: tuple[str, list[Any]]
    ) -> None:
        url, seen = replay
        with client(url) as http:
            rows = list(fetch(http)(date(2024, 10, 1), date(2024, 10, 4)))
        by = {(r.service, r.start.day): r.billed for r in rows}
        assert by == {
            ("infra_host", 1): Decimal("10.5"), ("infra_host", 2): Decimal("10.5"),
            ("infra_host", 3): Decimal("10.5"), ("logs_indexed_15day", 1): Decimal(2),
            ("logs_indexed_15day", 3): Decimal("3.25"),
        }  # fmt: skip
        query, headers = seen[-1]
        assert query == {
            "start_date": ["2024-10-01"],
            "end_date": ["2024-10-03"],
            "view": ["sub-org"],
        }
        assert headers["DD-API-KEY"] == "api-key" and headers["DD-APPLICATION-KEY"] == "app-key"
        assert len(seen) == 2  # the 429, then the answer
        assert {r.sub_account for r in rows} == {"abcd1234"} and rows[0].region == "us"

    def test_days_before_the_range_count_only_as_the_base(
        self, replay: tuple[str, list[Any]]
    ) -> None:
        url, _ = replay
        with client(url) as http:
            rows = list(fetch(http)(date(2024, 10, 3), date(2024, 10, 4)))
        assert sum(r.billed for r in rows) == Decimal("10.5") + Decimal("3.25")

    def test_one_month_at_a_time(self) -> None:
        with httpx.Client() as http, pytest.raises(ValueError, match="one month"):
            list(fetch(http)(date(2024, 9, 30), date(2024, 10, 2)))


class TestSync:
    def test_resyncing_keeps_totals_and_a_failure_changes_nothing(
        self, replay: tuple[str, list[Any]], tmp_path: Path
    ) -> None:
        url, _ = replay
        lake = Lake(tmp_path / "lake")

        def total() -> Decimal:
            files = lake.snapshot("acme").files()
            with duckdb.connect() as con:
                return con.execute(f"SELECT sum(BilledCost) FROM read_parquet({files})").fetchone()[
                    0
                ]  # type: ignore[index]

        with client(url) as http:
            for _ in range(2):
                sync(Ingestor(lake), "acme", "Datadog", "acme-parent", fetch(http),
                     date(2024, 10, 1), date(2024, 10, 4))  # fmt: skip
                assert total() == TOTAL
        with client(url + "/broken") as http, pytest.raises(VendorError, match="HTTP 500"):
            sync(Ingestor(lake), "acme", "Datadog", "acme-parent", fetch(http),
                 date(2024, 10, 1), date(2024, 10, 4))  # fmt: skip
        assert total() == TOTAL
