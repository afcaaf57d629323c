"""Requests per second and p99 latency of ``GET /v1/costs/summary`` at 1, 8 and 32 concurrent
clients: a fixed-JSON FastAPI app (the ceiling), costlake without its answer cache, and with
it. Each server runs in its own process; the client is one asyncio process; all in one run.

    uv run python -m bench.api_load --rows 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

SUMMARY = "/v1/costs/summary?period=month"
CLIENTS = (1, 8, 32)
NOW = "2025-12-01T12:00:00Z"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(kind: str, env: dict[str, str], *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench._serve", kind, str(port), *extra],
        env={**os.environ, **env},
        cwd=Path(__file__).resolve().parents[1],
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(url + "/healthz", timeout=1)
            return proc, url
        except httpx.HTTPError:
            if proc.poll() is not None:
                raise RuntimeError(f"the {kind} server exited") from None
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"the {kind} server did not start")


async def load(
    url: str, headers: dict[str, str], clients: int, seconds: float
) -> tuple[float, float]:
    """(requests per second, p99 latency in ms) of ``clients`` clients asking in a loop."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=url, headers=headers, limits=limits, timeout=60) as c:
        await c.get(SUMMARY)  # warm

        async def worker() -> None:
            while time.monotonic() < stop:
                t = time.perf_counter()
                r = await c.get(SUMMARY)
                latencies.append(time.perf_counter() - t)
                r.raise_for_status()

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.monotonic() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, p99 * 1000


def measure(home: Path, key: str, seconds: float) -> list[dict[str, object]]:
    env = {
        "COSTLAKE_HOME": str(home),
        "COSTLAKE_NOW": NOW,
        "COSTLAKE_RATE_LIMITS": '{"cloudexpat": 1000000000}',
    }
    headers = {"Authorization": f"Bearer {key}"}
    proc, url = start("costlake", {**env, "COSTLAKE_QUERY_CACHE_SIZE": "0"})
    try:
        size = len(httpx.get(url + SUMMARY, headers=headers, timeout=60).content)
    finally:
        proc.terminate()
        proc.wait()
    rows: list[dict[str, object]] = []
    servers = [
        ("fixed JSON (FastAPI ceiling)", "fixed", {}, (str(size),)),
        ("costlake, cache off", "costlake", {**env, "COSTLAKE_QUERY_CACHE_SIZE": "0"}, ()),
        ("costlake, cache on", "costlake", env, ()),
    ]
    for name, kind, extra_env, args in servers:
        proc, url = start(kind, extra_env, *args)
        try:
            for clients in CLIENTS:
                rps, p99 = asyncio.run(load(url, headers, clients, seconds))
                print(f"  {name:30} {clients:>2} clients: {rps:8,.1f} req/s  p99 {p99:7.1f} ms")
                rows.append({"server": name, "clients": clients, "rps": rps, "p99_ms": p99})
        finally:
            proc.terminate()
            proc.wait()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=8)
    args = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.common import DATA, dataset
    from costlake.carbon.enricher import CarbonEnricher
    from costlake.config import Settings
    from costlake.dialects.registry import install
    from costlake.ingest.pipeline import Ingestor
    from costlake.keys.service import create_key
    from costlake.platform import Platform

    install()
    home = DATA / f"home-{args.rows}"
    platform = Platform.start(Settings(home=home))
    try:
        if platform.lake.snapshot("bench").rows != args.rows:
            files = dataset(args.rows)
            Ingestor(platform.lake, enrichers=[CarbonEnricher()]).ingest(
                files, org="bench", source="demo"
            )
        with platform.session() as s:
            key = create_key(s, "bench", "load", ["*"], "cloudexpat")[1]
    finally:
        platform.close()
    print(f"GET {SUMMARY} at {args.rows:,} rows, {args.seconds:.0f} s per point")
    measure(home, key, args.seconds)


if __name__ == "__main__":
    main()
