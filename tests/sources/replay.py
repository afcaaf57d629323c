"""One loopback server replaying the three vendors' documented responses (the same bodies
as each connector's own tests), for the stored-source tests: the first request of a sync
is a 429 (GitHub: its 403 secondary limit), OpenAI pages with its cursor and answers only
the buckets inside the asked range; ``fail_with`` and ``delay`` make it fail or hang."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from tests.sources import test_saas_datadog as dd
from tests.sources import test_saas_github as gh
from tests.sources import test_saas_openai as oa

ACCOUNTS = {"openai": oa.ORG, "datadog": "acme-parent", "github": "acme-corp"}
SECRETS = {
    "openai": {"admin_key": "sk-admin-Zx9secret"},
    "datadog": {"api_key": "dd-api-Zx9secret", "application_key": "dd-app-Zx9secret"},
    "github": {"token": "ghp_Zx9secret"},
}
TOTALS = {"openai": (oa.TOTAL, 4), "datadog": (dd.TOTAL, 5), "github": (Decimal("10.0192"), 3)}
ERRORS = {
    "openai": {"error": {"message": "The server had an error", "type": "server_error"}},
    "datadog": {"errors": ["Internal Server Error"]},
    "github": {"message": "Server Error"},
}
DAY = 86400


@dataclass
class Replay:
    url: str = ""
    requests: list[tuple[str, dict[str, list[str]], dict[str, str]]] = field(default_factory=list)
    throttle_next: bool = True
    fail_with: int | None = None
    delay: float = 0.0


def _openai(query: dict[str, list[str]]) -> dict[str, Any]:
    lo, hi = int(query["start_time"][0]), int(query["end_time"][0])
    page = dict(oa.PAGE2 if query.get("page") else oa.PAGE1)
    page["data"] = [b for b in page["data"] if lo <= b["start_time"] < hi]
    return page


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, object]:
    if path == "/v1/organization/costs":
        return 200, _openai(query)
    if path == "/api/v2/usage/estimated_cost":
        return 200, dd.RESPONSE if query["start_date"][0].startswith("2024-10") else {"data": []}
    if path == "/organizations/acme-corp/settings/billing/usage":
        return 200, {"usageItems": gh.MONTHS.get(query["month"][0], [])}
    return 404, {"message": "Not Found"}


def _kind(path: str) -> str:
    if "billing/usage" in path:
        return "github"
    return "openai" if "organization/costs" in path else "datadog"


@contextmanager
def serve() -> Iterator[Replay]:
    state = Replay()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            url = urlparse(self.path)
            query = parse_qs(url.query)
            state.requests.append((url.path, query, dict(self.headers)))
            if state.delay:
                time.sleep(state.delay)
            if state.fail_with is not None:
                return self._send(state.fail_with, ERRORS[_kind(url.path)])
            if state.throttle_next:
                state.throttle_next = False
                status = 403 if "billing/usage" in url.path else 429
                body = {"message": "You have exceeded a secondary rate limit."}
                return self._send(status, body, {"Retry-After": "0"})
            self._send(*_answer(url.path, query))

        def _send(self, status: int, body: object, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (a timeout test)
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
