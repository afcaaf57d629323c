"""The 100M-row run: the CLI generates demo data, ingests it, and answers the five questions.

    uv run python -m bench.scale                       # 100M rows (about 20 minutes, ~13 GB)
    uv run python -m bench.scale --rows 20000000       # a smaller look

Each step runs as its own process under ``/usr/bin/time`` so peak memory (max RSS) is
measured, not guessed. The five questions then run through the query engine against
hand-written DuckDB SQL over the same lake, in one process, as in ``bench.run``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import query_bench  # noqa: E402
from bench.common import DATA, DEMO_END, SEED, Results  # noqa: E402
from costlake.lake.store import Lake  # noqa: E402


def run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; return (seconds, peak RSS in MiB)."""
    started = time.perf_counter()
    proc = subprocess.run(
        ["/usr/bin/time", "-v", *args], env=env, stderr=subprocess.PIPE, text=True, check=False
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr[-3000:])
        raise SystemExit(f"failed: {' '.join(args)}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return seconds, int(found.group(1)) // 1024 if found else -1


def folder_size(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the data afterwards")
    args = parser.parse_args()
    rows = args.rows
    data, home = DATA / f"scale-{rows}", DATA / f"scale-home-{rows}"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(home, ignore_errors=True)
    # The same 120 days as bench.run: "today" pinned to the benchmark's end date.
    env = {**os.environ, "COSTLAKE_HOME": str(home), "COSTLAKE_NOW": f"{DEMO_END}T00:00:00"}
    cli = [str(Path(sys.executable).with_name("costlake"))]
    print(f"costlake at scale: {rows:,} rows, {os.cpu_count()} cores", flush=True)

    secs, rss = run_measured(
        [*cli, "demo-data", "--rows", str(rows), "--days", "120", "--seed", str(SEED),
         "--out", str(data)],
        env,
    )  # fmt: skip
    print(
        f"  demo-data  {secs:7.1f} s  {rows / secs:>10,.0f} rows/s  peak {rss:,} MiB  "
        f"{folder_size(data):.1f} GiB of Parquet",
        flush=True,
    )
    files = sorted(str(p) for p in data.glob("*.parquet"))
    secs, rss = run_measured([*cli, "ingest", *files, "--org", "bench", "--source", "demo"], env)
    lake = Lake(home / "lake")
    print(
        f"  ingest     {secs:7.1f} s  {rows / secs:>10,.0f} rows/s  peak {rss:,} MiB  "
        f"{folder_size(home / 'lake'):.1f} GiB lake, {lake.snapshot('bench').rows:,} rows",
        flush=True,
    )
    results = Results()
    query_bench.run(rows, lake, results, repeat=2, with_pandas=False)
    if not args.keep:
        shutil.rmtree(data, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
