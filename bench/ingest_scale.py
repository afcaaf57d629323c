"""Ingest of a large provider-shaped export through the CLI, with its memory over time.

    uv run python -m bench.ingest_scale                      # 100M rows of AWS FOCUS Parquet
    uv run python -m bench.ingest_scale --rows 30000000      # a smaller look

The input is AWS FOCUS 1.2 Parquet from ``bench.provider_exports`` (hourly usage of 2,300
resources): one 10M-row file (six months, six billing periods), and for larger runs copies of
it a year later each (the same rows, every timestamp plus one, two, ... years: a delivery per
half-year, 100M rows in 60 billing periods), which is far quicker to make than new rows. Then
``costlake ingest`` runs on those files in its own process, its resident memory read every
second (``/proc/<pid>/status`` VmRSS) beside ``/usr/bin/time``'s peak. With ``--baseline``
DuckDB alone copies the same files to one Parquet file, measured the same way. The curve
goes to ``bench/out/ingest-scale-<rows>.csv``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402

from bench import provider_exports  # noqa: E402
from bench.common import DATA, OUT  # noqa: E402
from bench.ingest_bench import raw_copy_sql  # noqa: E402


def _rss_mib(pid: int) -> int:
    """Resident memory of ``pid`` and its children, in MiB (0 once they are gone)."""
    total = 0
    for p in [pid, *_children(pid)]:
        try:
            text = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        found = re.search(r"VmRSS:\s+(\d+) kB", text)
        total += int(found.group(1)) if found else 0
    return total // 1024


def _children(pid: int) -> list[int]:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    out = [int(k) for k in kids]
    for k in list(out):
        out += _children(k)
    return out


def run_sampled(args: list[str], env: dict[str, str]) -> tuple[float, int, list[tuple[float, int]]]:
    """Run a command; return (seconds, peak RSS in MiB from /usr/bin/time, [(s, MiB)])."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        ["/usr/bin/time", "-v", *args], env=env, stderr=subprocess.PIPE, text=True
    )
    curve: list[tuple[float, int]] = []
    done = threading.Event()

    def sample() -> None:
        while not done.wait(1.0):
            curve.append((time.perf_counter() - started, _rss_mib(proc.pid)))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(err[-3000:])
        raise SystemExit(f"failed: {' '.join(args)}")
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", err)
    return seconds, int(found.group(1)) // 1024 if found else -1, curve


BLOCK = 10_000_000
TIMESTAMPS = ("BillingPeriodStart", "BillingPeriodEnd", "ChargePeriodStart", "ChargePeriodEnd")


def inputs(rows: int) -> list[Path]:
    """The files of a ``rows``-row run (made once, then reused): ``rows`` rows in one file
    up to 10M, else 10M-row files, each a year after the one before."""
    if rows <= BLOCK or rows % BLOCK:
        path = DATA / f"provider-aws-focus-{rows}.parquet"
        if not path.exists():
            provider_exports.write("aws-focus", path, rows)
        return [path]
    first = inputs(BLOCK)[0]
    out = [first]
    for year in range(1, rows // BLOCK):
        path = DATA / f"provider-aws-focus-{BLOCK}-plus{year}y.parquet"
        if not path.exists():
            shifted = ", ".join(f"{c} + INTERVAL {year} YEAR AS {c}" for c in TIMESTAMPS)
            tmp = path.with_name(path.name + ".tmp")
            duckdb.connect().execute(
                f"COPY (SELECT * REPLACE ({shifted}) FROM read_parquet('{first}')) TO '{tmp}' "
                "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 122880)"
            )
            tmp.rename(path)
        out.append(path)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000_000)
    parser.add_argument("--baseline", action="store_true", help="also time DuckDB's raw copy")
    parser.add_argument("--keep", action="store_true", help="keep the input and the lake")
    args = parser.parse_args()
    rows = args.rows
    sources = inputs(rows)
    home = DATA / f"ingest-scale-home-{rows}"
    shutil.rmtree(home, ignore_errors=True)
    env = {**os.environ, "COSTLAKE_HOME": str(home)}
    cli = [str(Path(sys.executable).with_name("costlake"))]
    size = sum(p.stat().st_size for p in sources) / 2**30
    print(f"ingest at scale: {rows:,} rows ({size:.1f} GiB), {os.cpu_count()} cores", flush=True)
    secs, peak, curve = run_sampled(
        [*cli, "ingest", *map(str, sources), "--org", "bench", "--source", "scale"], env
    )
    OUT.mkdir(exist_ok=True)
    with open(OUT / f"ingest-scale-{rows}.csv", "w") as f:
        f.write("seconds,rss_mib\n")
        f.writelines(f"{s:.0f},{m}\n" for s, m in curve)
    tenths = [curve[int(len(curve) * i / 10)][1] for i in range(10)] if curve else []
    print(
        f"  costlake ingest  {secs:7.0f} s  {rows / secs:>10,.0f} rows/s  peak {peak:,} MiB  "
        f"(RSS at each tenth of the run: {', '.join(map(str, tenths))} MiB)",
        flush=True,
    )
    if args.baseline:
        out = home / "raw.parquet"
        listing = "[" + ", ".join(f"'{p}'" for p in sources) + "]"
        sql = raw_copy_sql(sources[0], out).replace(f"'{sources[0]}'", listing)
        code = f"import duckdb; duckdb.connect().execute({sql!r})"
        secs_raw, peak_raw, _ = run_sampled([sys.executable, "-c", code], env)
        print(
            f"  raw DuckDB copy  {secs_raw:7.0f} s  {rows / secs_raw:>10,.0f} rows/s  "
            f"peak {peak_raw:,} MiB  (ours / raw = {secs / secs_raw:.2f}x)",
            flush=True,
        )
    if not args.keep:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
