"""A real platform (SQLite, lake) and a real SMTP server on loopback (aiosmtpd) that keeps
every mail it receives."""

from __future__ import annotations

import queue
import re
import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from costlake.config import Settings
from costlake.platform import Platform
from tests.db.fixtures import empty_db_url  # noqa: F401


class Inbox:
    """Mails the SMTP server received, in order."""

    def __init__(self) -> None:
        self.mails: queue.Queue[Message] = queue.Queue()

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:  # noqa: N802
        self.mails.put(message_from_bytes(envelope.content))  # type: ignore[attr-defined]
        return "250 OK"

    def next(self, timeout: float = 20) -> Message:
        return self.mails.get(timeout=timeout)

    def token(self, timeout: float = 20) -> tuple[str, str]:
        """(recipient, token) of the next mail."""
        mail = self.next(timeout)
        found = re.search(r"token: (\S+)", mail.get_payload())  # type: ignore[arg-type]
        assert found, mail.get_payload()
        return mail["To"], found.group(1)

    def empty(self) -> bool:
        return self.mails.empty()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def platform(tmp_path: Path, smtp: tuple[Inbox, int]) -> Iterator[Platform]:
    settings = Settings(
        home=tmp_path, smtp_host="127.0.0.1", smtp_port=smtp[1], credential_cache_seconds=0
    )
    p = Platform.start(settings)
    try:
        yield p
    finally:
        p.close()


@pytest.fixture
def inbox(smtp: tuple[Inbox, int]) -> Inbox:
    return smtp[0]
