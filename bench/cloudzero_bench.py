"""CloudZero's ``POST /v2/billing/costs`` over a live server against the same question in raw
DuckDB SQL over the same lake's line items: cost per service per day for one month.

    uv run python -m bench.cloudzero_bench --size 1000000
    uv run python -m bench.cloudzero_bench --size 10000000 --repeat 5

Measured with the answer cache off (each request runs its query) and then on (the
default, a repeated question). The body is what a CloudZero dashboard sends (``group_by:
["Service"]``, ``daily``, the default ``real`` cost: FOCUS ``EffectiveCost`` without
credits, November 2025 of the demo data ending 2025-12-01). Every (service, day) figure is
checked equal to the raw SQL's before timing. The lake lives in
``bench/data/cloudzero-home-<size>``, apart from other benchmarks'.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import httpx

from bench.api_bench import Unlimited
from bench.common import DATA, DEMO_END, SEED, Results, dataset, median_of, standalone
from costlake.config import Settings
from costlake.dialects.cloudzero.dialect import CLOUDZERO_KEY
from costlake.dialects.registry import install
from costlake.ingest.pipeline import Ingestor
from costlake.keys.service import create_key
from costlake.lake.store import Lake
from costlake.platform import Platform
from costlake.serving import serve_in_thread

BODY = {"start": "2025-11-01", "end": "2025-12-01", "group_by": ["Service"], "granularity": "daily"}
RAW = (
    "SELECT strftime(date_trunc('day', ChargePeriodStart), '%Y-%m-%dT%H:%M:%SZ') AS d, "
    "ServiceName AS s, sum(EffectiveCost) AS c FROM F "
    "WHERE ChargePeriodStart >= TIMESTAMP '2025-11-01' AND ChargePeriodStart < TIMESTAMP "
    "'2025-12-01' AND ChargeCategory <> 'Credit' GROUP BY 1, 2"
)


def demo_files(size: int) -> list[Path]:
    """``bench.run``'s demo data when it is complete, or the custom-cost benchmark's (the
    same generator, seed and days) once it is complete; else the same data generated into a
    folder of this benchmark's own (never another benchmark's, which may be mid-write)."""
    if (DATA / f"demo-{size}" / ".complete").exists():
        return dataset(size)
    shared = DATA / f"customcost-demo-{size}"
    if (shared / ".complete").exists():
        return sorted(shared.glob("*.parquet"))
    from costlake.demo.generator import generate

    folder = DATA / f"cloudzero-demo-{size}"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        generate(folder, rows=size, days=120, seed=SEED, end=DEMO_END)
        (folder / ".complete").touch()
    return sorted(folder.glob("*.parquet"))


def lake_home(size: int) -> Path:
    home = DATA / f"cloudzero-home-{size}"
    if Lake(home / "lake").snapshot("bench").rows != size:
        shutil.rmtree(home, ignore_errors=True)
        Ingestor(Lake(home / "lake")).ingest(demo_files(size), org="bench", source="demo")
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
    files = platform.lake.snapshot("bench").files()
    sql = RAW.replace("FROM F", "FROM read_parquet([" + ", ".join(f"'{f}'" for f in files) + "])")
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
