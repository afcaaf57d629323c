"""Where one ``costlake ingest`` spends its time, phase by phase, on a provider-shaped file.

    python -m bench.profile_ingest bench/data/provider-aws-focus-1000000.parquet [--no-carbon]

Wraps the ingest's steps with timers (wall and process CPU): reading the header and picking
the adapter, the scan that lists billing periods, the conversion COPY (read, cast, carbon,
write), the required-columns check, the partition statistics, the rollups, and the manifest
commit. Then, on the same file, DuckDB alone: the raw copy, and the raw copy writing the
columns the file lacks as NULLs, to separate the cost of the lake's layout from ours.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb

from bench.ingest_bench import raw_copy_sql
from costlake.carbon.enricher import CarbonEnricher
from costlake.ingest import pipeline
from costlake.ingest.pipeline import Ingestor
from costlake.lake import rollups
from costlake.lake.store import Lake

PHASES: list[tuple[str, float, float]] = []


def _timed(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            PHASES.append((name, time.perf_counter() - wall, time.process_time() - cpu))

    return wrapper


def profile(path: Path, carbon: bool) -> None:
    patches: dict[tuple[Any, str], str] = {
        (Ingestor, "_group"): "read header, pick adapter",
        (Ingestor, "_copy"): "convert COPY (periods scan, read, cast, enrich, write)",
        (pipeline, "check_required"): "required columns (footers)",
        (Ingestor, "_partitions"): "partition statistics",
        (Ingestor, "_with_rollups"): "rollups",
        (Lake, "commit"): "manifest commit",
    }
    originals = {k: getattr(*k) for k in patches}
    for (cls, attr), name in patches.items():
        setattr(cls, attr, _timed(name, getattr(cls, attr)))
    original_write = rollups.write
    rollups.write = _timed("  one partition's rollups", original_write)  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory(dir=path.parent) as d:
            wall, cpu = time.perf_counter(), time.process_time()
            result = Ingestor(
                Lake(Path(d) / "lake"), enrichers=[CarbonEnricher()] if carbon else []
            ).ingest([path], org="p", source="p")
            total = (time.perf_counter() - wall, time.process_time() - cpu)
    finally:
        for (cls, attr), fn in originals.items():
            setattr(cls, attr, fn)
        rollups.write = original_write  # type: ignore[assignment]
    print(f"{path.name}: {result.rows_written:,} rows, carbon {'on' if carbon else 'off'}")
    for name, w, c in PHASES:
        print(f"  {name:<58} {w:7.2f} s wall {c:7.2f} CPU-s")
    print(f"  {'whole ingest':<58} {total[0]:7.2f} s wall {total[1]:7.2f} CPU-s")
    with tempfile.TemporaryDirectory(dir=path.parent) as d:
        con = duckdb.connect()
        wall, cpu = time.perf_counter(), time.process_time()
        con.execute(raw_copy_sql(path, Path(d) / "raw.parquet"))
        print(
            f"  {'raw copy (DuckDB alone)':<58} {time.perf_counter() - wall:7.2f} s wall "
            f"{time.process_time() - cpu:7.2f} CPU-s"
        )
        shutil.rmtree(d, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--no-carbon", action="store_true")
    args = parser.parse_args()
    profile(args.path, carbon=not args.no_carbon)


if __name__ == "__main__":
    main()
