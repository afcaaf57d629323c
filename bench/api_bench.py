"""The CloudExpat API over a live server: latency against the same question in raw DuckDB
SQL, and requests per second under concurrent clients."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import duckdb
import httpx

from bench.common import Results, median_of
from costlake.config import Settings
from costlake.keys.service import create_key
from costlake.kit.ratelimit import RateLimitDecision
from costlake.platform import Platform
from costlake.serving import serve_in_thread

NOW = "2025-12-01T12:00:00Z"  # month window [2025-11-01, 2025-12-01), previous October


class Unlimited:
    """Benchmarks measure the server, not the 100-per-hour policy."""

    def hit(
        self, key: str, *, limit: int, window_seconds: int, now: float | None = None
    ) -> RateLimitDecision:
        return RateLimitDecision(True, limit, limit, 0)


RAW_SUMMARY = [
    # per account, current and previous month (what /v1/costs/summary sums)
    "SELECT ProviderName, BillingAccountId, SubAccountId, "
    "sum(BilledCost) FILTER (WHERE ChargePeriodStart >= TIMESTAMP '2025-11-01') AS cur, "
    "sum(BilledCost) FILTER (WHERE ChargePeriodStart < TIMESTAMP '2025-11-01') AS prev "
    "FROM F WHERE ChargePeriodStart >= TIMESTAMP '2025-10-01' AND ChargePeriodStart < "
    "TIMESTAMP '2025-12-01' AND ProviderName IN ('AWS', 'Microsoft', 'Google Cloud') "
    "GROUP BY 1, 2, 3",
    # per account and service, current month
    "SELECT ProviderName, BillingAccountId, SubAccountId, ServiceName, sum(BilledCost) "
    "FROM F WHERE ChargePeriodStart >= TIMESTAMP '2025-11-01' AND ChargePeriodStart < "
    "TIMESTAMP '2025-12-01' AND ProviderName IN ('AWS', 'Microsoft', 'Google Cloud') "
    "GROUP BY 1, 2, 3, 4",
]
RAW_CARBON = [
    "SELECT ProviderName, SubAccountId, sum(x_CarbonKgCO2e) FROM F WHERE ChargePeriodStart >= "
    "TIMESTAMP '2025-10-01' AND ChargePeriodStart < TIMESTAMP '2025-12-01' GROUP BY 1, 2",
]


def run(size: int, home: Path, results: Results, repeat: int) -> None:
    os.environ["COSTLAKE_NOW"] = NOW
    platform = Platform.start(Settings(home=home), rate_limits=Unlimited())
    with platform.session() as s:
        key = create_key(s, "bench", "bench", ["*"], "cloudexpat")[1]
    files = platform.lake.snapshot("bench").files()
    listing = "read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])"
    con = duckdb.connect()

    def raw(sqls: list[str]) -> None:
        for sql in sqls:
            con.execute(sql.replace("FROM F", f"FROM {listing}")).fetchall()

    try:
        with (
            serve_in_thread(platform) as url,
            httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120
            ) as c,
        ):
            for path, sqls in (
                ("/v1/costs/summary?period=month", RAW_SUMMARY),
                ("/v1/report?format=json", RAW_SUMMARY + RAW_CARBON),
            ):
                c.get(path).raise_for_status()
                raw(sqls)
                ours = median_of(lambda p=path: c.get(p).raise_for_status(), repeat * 3)
                base = median_of(lambda s=sqls: raw(s), repeat * 3)
                results.add(
                    size,
                    "api",
                    f"GET {path}",
                    ours,
                    base,
                    "raw DuckDB SQL",
                    "<= 1.2x + few ms",
                    overhead_ms=(ours - base) * 1000,
                )
            for clients in (1, 8):
                rps = throughput(url, key, clients, seconds=8)
                print(
                    f"  GET /v1/costs/summary with {clients} concurrent clients: "
                    f"{rps:,.1f} requests/s",
                    flush=True,
                )
                results.rows.append(
                    {
                        "rows": size,
                        "group": "api-throughput",
                        "name": f"{clients} clients",
                        "rps": rps,
                    }
                )
    finally:
        con.close()
        platform.close()


def throughput(url: str, key: str, clients: int, seconds: float) -> float:
    done = [0] * clients
    stop = time.monotonic() + seconds

    def worker(i: int) -> None:
        with httpx.Client(
            base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120
        ) as c:
            while time.monotonic() < stop:
                c.get("/v1/costs/summary?period=month").raise_for_status()
                done[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(done) / (time.monotonic() - started)
