"""A live server with the Xplorr dialect, sign-up open, and a real SMTP server on
loopback that receives its mails. Each test signs in from its own client address
(``X-Forwarded-For``, which uvicorn honours from a loopback peer only), so rate-limit
counts of one test never reach another."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from costlake.config import Settings
from costlake.platform import Platform
from costlake.users.service import create_user
from tests.dialects.live import LiveServer, live_server
from tests.users.conftest import Inbox, free_port

PASSWORD = "correct horse battery"
_addresses = itertools.count(1)


@dataclass
class World:
    server: LiveServer
    inbox: Inbox

    @property
    def platform(self) -> Platform:
        return self.server.platform

    def client(self, address: str | None = None) -> httpx.Client:
        """A client seen as coming from ``address`` (a fresh one by default)."""
        n = next(_addresses)
        ip = address or f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"
        return self.server.client(**{"X-Forwarded-For": ip})

    def user(self, email: str, role: str = "admin", org: str = "acme") -> int:
        with self.platform.session() as s:
            return create_user(s, org, email, role=role, password=PASSWORD, verified=True).id

    def login(self, email: str, password: str = PASSWORD) -> dict[str, object]:
        with self.client() as c:
            r = c.post("/api/v1/auth/login", json={"email": email, "password": password})
        assert r.status_code == 200, r.text
        return r.json()

    def bearer(self, email: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.login(email)['access_token']}"}


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    home: Path = tmp_path_factory.mktemp("xplorr")
    inbox = Inbox()
    port = free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=port)
    smtp.start()
    settings = Settings(
        home=home,
        smtp_host="127.0.0.1",
        smtp_port=port,
        signup_mode="open",
        credential_cache_seconds=0,
    )
    platform = Platform.start(settings)
    try:
        with live_server(platform) as server:
            yield World(server, inbox)
    finally:
        platform.close()
        smtp.stop()


@pytest.fixture
def inbox(world: World) -> Inbox:
    while not world.inbox.empty():  # mails of earlier tests
        world.inbox.next()
    return world.inbox
