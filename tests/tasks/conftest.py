"""A platform on a fresh metadata database (SQLite and PostgreSQL), and jobs that tell on
themselves."""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from costlake.config import Settings
from costlake.platform import Platform
from tests.db.fixtures import (
    BACKENDS,
    empty_db_url,  # noqa: F401 - shared fixture
    fresh_database,
)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture(params=BACKENDS)
def settings(request: pytest.FixtureRequest, home: Path, tmp_path: Path) -> Iterator[Settings]:
    """A fresh metadata database (SQLite file or PostgreSQL schema); scheduler off, so a
    test starts one only when it means to."""
    with fresh_database(request.param, tmp_path) as url:
        yield Settings(home=home, database_url=url, scheduler=False)


@pytest.fixture
def platform(settings: Settings) -> Iterator[Platform]:
    p = Platform.start(settings)
    yield p
    p.close()


class Exclusive:
    """A job body that notices when another run of it is already inside, in any process:
    it takes a non-blocking ``flock`` on ``lock`` for ``hold`` seconds, and appends
    ``overlap`` to ``log`` when the lock is taken by someone else (``run`` otherwise)."""

    def __init__(self, folder: Path, hold: float = 0.05) -> None:
        self.lock = folder / "job.lock"
        self.log = folder / "job.log"
        self.hold = hold

    def __call__(self, _platform: object) -> None:
        with open(self.lock, "a+b") as f:
            try:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                self._note("overlap")
                return
            try:
                self._note("run")
                time.sleep(self.hold)
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    def _note(self, word: str) -> None:
        with open(self.log, "a") as f:
            f.write(word + "\n")

    def notes(self) -> list[str]:
        return self.log.read_text().split() if self.log.exists() else []


def wait_until(condition: object, timeout: float = 30.0) -> None:
    """Poll ``condition()`` until true; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)
