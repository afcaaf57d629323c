"""Rate-limit stores: the metadata database (default) and Redis, each shared by processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from costlake.db import create_engine, migrate
from costlake.errors import InvalidInput
from costlake.ratelimits.store import (
    DatabaseRateLimitStore,
    RedisRateLimitStore,
    store_from_settings,
)
from tests.db.fixtures import BACKENDS, fresh_database


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A throwaway redis-server on loopback (scripts/test installs it in CI)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail(
                "redis-server is missing: scripts/test installs it (apt-get install redis-server)"
            )
        pytest.skip("redis-server is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    folder = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("redis-server did not start")
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(10)


class TestRedisStore:
    def test_two_stores_on_one_redis_count_the_same_requests(self, redis_url: str) -> None:
        one, two = RedisRateLimitStore(redis_url), RedisRateLimitStore(redis_url)
        hits = [s.hit("bucket-a", limit=3, window_seconds=60) for s in (one, two, one, two)]
        assert [h.allowed for h in hits] == [True, True, True, False]
        assert hits[-1].remaining == 0 and hits[-1].retry_after <= 60

    def test_buckets_are_counted_apart(self, redis_url: str) -> None:
        store = RedisRateLimitStore(redis_url)
        assert store.hit("bucket-b", limit=1, window_seconds=60).allowed
        assert store.hit("bucket-c", limit=1, window_seconds=60).allowed
        assert not store.hit("bucket-b", limit=1, window_seconds=60).allowed

    def test_settings_choose_redis_by_url(self, redis_url: str) -> None:
        assert isinstance(store_from_settings(redis_url, None), RedisRateLimitStore)  # type: ignore[arg-type]


class TestChoice:
    def test_an_unknown_store_is_refused_in_one_line(self, tmp_path: Path) -> None:
        with pytest.raises(InvalidInput, match="use database, memory or a redis:// URL"):
            store_from_settings("memcached://x", None)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
class TestDatabaseStore:
    def test_two_stores_on_one_database_count_the_same_requests(
        self, backend: str, tmp_path: Path
    ) -> None:
        with fresh_database(backend, tmp_path) as url:
            engines = [create_engine(url), create_engine(url)]
            try:
                migrate(engines[0])
                one, two = (DatabaseRateLimitStore(e) for e in engines)
                hits = [
                    s.hit("k", limit=3, window_seconds=60, now=600.0) for s in (one, two, one, two)
                ]
                assert [h.allowed for h in hits] == [True, True, True, False]
                assert [h.remaining for h in hits] == [2, 1, 0, 0]
                assert one.used("k", window_seconds=60, now=630.0) == 3
                assert two.hit("k", limit=3, window_seconds=60, now=660.0).allowed  # next window
                assert one.hit("other", limit=1, window_seconds=60, now=600.0).allowed
            finally:
                for e in engines:
                    e.dispose()
