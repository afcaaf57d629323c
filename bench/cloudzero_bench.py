"""CloudZero's ``POST /v2/billing/costs`` over a live server against the same question in raw
DuckDB SQL over the export the user has: cost per service per day for one month.

    uv run python -m bench.cloudzero_bench --size 1000000
    uv run python -m bench.cloudzero_bench --size 10000000 --repeat 5

The input is an AWS Data Exports FOCUS 1.2 Parquet file as AWS writes it
(``bench.provider_exports``, independent of costlake's writer; hourly usage from 2025-01-01),
ingested into a lake; the raw SQL reads that export file itself. Measured with the answer
cache off (each request runs its query) and then on (the default, a repeated question). The
body is what a CloudZero dashboard sends (``group_by: ["Service"]``, ``daily``, the default
``real`` cost: FOCUS ``EffectiveCost`` without credits) for January 2025. Every (service,
day) figure is checked equal to the raw SQL's before timing. Data lives in
``bench/data/cloudzero-<size>``, apart from other benchmarks'.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx

from bench.api_bench import Unlimited
from bench.common import DATA, Results, median_of, standalone
from bench.provider_exports import write
from costlake.config import Settings
from costlake.dialects.cloudzero.dialect import CLOUDZERO_KEY
from costlake.dialects.registry import install
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.lake.store import Lake
from costlake.platform import Platform
from costlake.serving import serve_in_thread

BODY = {"start": "2025-01-01", "end": "2025-02-01", "group_by": ["Service"], "granularity": "daily"}
RAW = (
    "SELECT strftime(date_trunc('day', ChargePeriodStart), '%Y-%m-%dT%H:%M:%SZ') AS d, "
    "ServiceName AS s, sum(EffectiveCost) AS c FROM F "
    "WHERE ChargePeriodStart >= TIMESTAMP '2025-01-01' AND ChargePeriodStart < TIMESTAMP "
    "'2025-02-01' AND ChargeCategory <> 'Credit' GROUP BY 1, 2"
)


def export_file(size: int) -> Path:
    """The AWS FOCUS export of ``size`` rows, written once."""
    out = DATA / f"cloudzero-{size}" / "aws-focus.parquet"
    if not out.exists():
        write("aws-focus", out, size)
    return out


def lake_home(size: int) -> Path:
    home = DATA / f"cloudzero-{size}" / "home"
    if Lake(home / "lake").snapshot("bench").rows != size:
        shutil.rmtree(home, ignore_errors=True)
        Ingestor(Lake(home / "lake")).ingest([export_file(size)], org="bench", source="aws")
    return home


def run(size: int, results: Results, repeat: int) -> None:
    """The question with the answer cache off (every request runs its query: the figure
    compared with raw SQL), then on (the default: a repeated question)."""
    install()
    home = lake_home(size)
    for cache, label in ((0, "answer cache off"), (Settings().query_cache_size, "cache on")):
        settings = Settings(home=home, query_cache_size=cache)
        measure(Platform.start(settings, rate_limits=Unlimited()), size, results, repeat, label)


def measure(platform: Platform, size: int, results: Results, repeat: int, label: str) -> None:
    with platform.session() as s:
        key = create_key(s, "bench", "bench", ["*"], CLOUDZERO_KEY)[1]
    sql = RAW.replace("FROM F", f"FROM read_parquet('{export_file(size)}')")
    con = duckdb.connect()
    try:
        with (
            serve_in_thread(platform) as url,
            httpx.Client(base_url=url, headers={"Authorization": key}, timeout=300) as c,
        ):

            def ask() -> httpx.Response:
                return c.post("/v2/billing/costs", json=BODY).raise_for_status()

            ours = {
                (p["timestamp"], item["group"]["Service"]): p["value"]
                for item in ask().json()["data"]
                for p in item["cost"]
            }
            raw: dict[tuple[str, str], Decimal] = {
                (d, s): v for d, s, v in con.execute(sql).fetchall()
            }
            assert ours == {k: float(v) for k, v in raw.items()}, "answers differ"
            took = median_of(ask, repeat * 3)
            base = median_of(lambda: con.execute(sql).fetchall(), repeat * 3)
            results.add(
                size, "api", f"POST /v2/billing/costs (Service, daily, 1 month; {label})",
                took, base,
                "raw DuckDB SQL", "<= 1.2x + 5 ms", overhead_ms=(took - base) * 1000,
            )  # fmt: skip
    finally:
        con.close()
        platform.close()


def main() -> None:
    standalone(run, "CloudZero billing costs", "cloudzero", 1_000_000, __doc__ or "")


if __name__ == "__main__":
    main()
