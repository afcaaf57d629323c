"""Run every benchmark and print ratios against raw DuckDB SQL (and pandas) on the same data,
measured in one run.

    uv run python -m bench.run                    # 1M and 10M rows
    uv run python -m bench.run --sizes 200000     # a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import api_bench, ingest_bench, query_bench  # noqa: E402
from bench.common import DATA, OUT, Results, dataset  # noqa: E402
from costlake.carbon.enricher import CarbonEnricher  # noqa: E402
from costlake.ingest.pipeline import Ingestor  # noqa: E402
from costlake.kit.duck import connect  # noqa: E402
from costlake.lake.rollups import backfill  # noqa: E402
from costlake.lake.store import Lake  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        help="timed rounds of each benchmark (default: ingest 15 up to 1M rows and 5 above, "
        "queries and API 3)",
    )
    parser.add_argument("--skip", default="", help="comma list of: ingest,query,pandas,api")
    parser.add_argument(
        "--inputs",
        default="",
        help="ingest inputs to measure, comma list of: aws-focus,azure-focus,aws-cur,gcp,"
        "aws-focus-random (default: all)",
    )
    parser.add_argument("--out", default="results.json", help="file name under bench/out")
    parser.add_argument("--warmup", type=int, default=1, help="untimed ingest rounds first")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    results = Results()
    started = time.time()
    print(
        f"costlake benchmarks on {host.machine()}, {os.cpu_count()} cores, "
        f"Python {host.python_version()}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"\n== {size:,} rows ==", flush=True)
        if "ingest" not in skip:
            kinds = set(filter(None, args.inputs.split(","))) or None
            rounds = args.repeat or ingest_bench.default_rounds(size)
            ingest_bench.run(size, results, rounds, kinds, warmup=args.warmup)
        if not {"query", "api"} - skip:
            continue
        files = dataset(size)
        home = DATA / f"home-{size}"
        lake = Lake(home / "lake")
        if lake.snapshot("bench").rows != size:
            shutil.rmtree(home, ignore_errors=True)
            Ingestor(lake, enrichers=[CarbonEnricher()]).ingest(files, org="bench", source="demo")
        backfill(lake, "bench", connect())  # rollups an older costlake did not write
        if "query" not in skip:
            query_bench.run(size, lake, results, args.repeat or 3, "pandas" not in skip)
        if "api" not in skip:
            api_bench.run(size, home, results, args.repeat or 3)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / args.out).write_text(
        json.dumps(
            {"started": started, "seconds": time.time() - started, "results": results.rows},
            indent=2,
            default=str,
        )
    )
    print(f"\nall results in {OUT / args.out} ({time.time() - started:.0f}s)")


if __name__ == "__main__":
    main()
