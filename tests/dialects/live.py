"""A real costlake server on loopback for dialect tests: uvicorn in a thread, real sockets."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from costlake.platform import Platform
from costlake.serving import serve_in_thread


@dataclass
class LiveServer:
    url: str
    platform: Platform

    def client(self, **headers: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


@contextmanager
def live_server(platform: Platform) -> Iterator[LiveServer]:
    with serve_in_thread(platform) as url:
        yield LiveServer(url, platform)
