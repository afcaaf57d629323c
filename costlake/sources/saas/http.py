"""Paging through a vendor's API politely: follow its cursor, wait out a 429 as its
``Retry-After`` says (a bounded number of times), and turn any other failure into one
:class:`VendorError` naming the vendor and the status."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from costlake.errors import CostlakeError

MAX_RETRIES = 5
MAX_WAIT_SECONDS = 60.0
MAX_MESSAGE = 300


class VendorError(CostlakeError):
    """The vendor's API failed or timed out; nothing was written."""


def _wait(response: httpx.Response) -> float:
    value = response.headers.get("Retry-After", "1")
    try:
        return min(max(float(value), 0.0), MAX_WAIT_SECONDS)
    except ValueError:
        return 1.0


def _message(response: httpx.Response) -> str:
    """What the vendor said went wrong, in one short line: OpenAI's ``error.message``,
    Datadog's ``errors`` list, GitHub's ``message``, else the start of a text body."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    if isinstance(body, dict):
        error = body.get("error")
        errors = body.get("errors")
        if isinstance(error, dict) and error.get("message"):
            body = error["message"]
        elif isinstance(errors, list) and errors:
            body = "; ".join(str(e.get("detail") or e) if isinstance(e, dict) else str(e)
                             for e in errors)  # fmt: skip
        elif body.get("message"):
            body = body["message"]
        elif isinstance(error, str):
            body = error
        else:
            body = ""
    text = " ".join(str(body).split())
    return text[:MAX_MESSAGE] + ("..." if len(text) > MAX_MESSAGE else "")


def _throttled(response: httpx.Response) -> bool:
    """429, or a 403 that says it is a rate limit (GitHub's secondary limits)."""
    if response.status_code == 429:
        return True
    limited = (
        "Retry-After" in response.headers or response.headers.get("x-ratelimit-remaining") == "0"
    )
    return response.status_code == 403 and limited


def get_json(
    client: httpx.Client,
    vendor: str,
    path: str,
    params: list[tuple[str, str]],
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> dict[str, Any]:
    """One GET, retried after each rate-limit answer up to :data:`MAX_RETRIES` times."""
    for _ in range(MAX_RETRIES + 1):
        try:
            response = client.get(path, params=tuple(params))
        except httpx.HTTPError as e:
            kind = "timed out" if isinstance(e, httpx.TimeoutException) else "failed"
            raise VendorError(f"{vendor}: {path} {kind} ({type(e).__name__})") from None
        if _throttled(response):
            sleep(_wait(response))
            continue
        if response.status_code >= 400:
            said = _message(response)
            raise VendorError(
                f"{vendor}: {path} answered HTTP {response.status_code}"
                + (f": {said}" if said else "")
            )
        try:
            body = response.json()
        except ValueError:
            raise VendorError(f"{vendor}: {path} answered something that is not JSON") from None
        if not isinstance(body, dict):
            raise VendorError(f"{vendor}: {path} answered an unexpected shape")
        return body
    raise VendorError(f"{vendor}: {path} is still rate limited after {MAX_RETRIES} retries")


def pages(
    client: httpx.Client,
    vendor: str,
    path: str,
    params: list[tuple[str, str]],
    *,
    cursor_param: str,
    next_cursor: Callable[[dict[str, Any]], str | None],
    sleep: Callable[[float], None] = time.sleep,
    max_pages: int = 10_000,
) -> Iterator[dict[str, Any]]:
    """Every page of a cursor-paged listing."""
    cursor: str | None = None
    for _ in range(max_pages):
        query = params + ([(cursor_param, cursor)] if cursor else [])
        body = get_json(client, vendor, path, query, sleep=sleep)
        yield body
        cursor = next_cursor(body)
        if not cursor:
            return
    raise VendorError(f"{vendor}: {path} has more than {max_pages} pages")
