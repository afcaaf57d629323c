"""Ingest of FOCUS Parquet through costlake vs a raw DuckDB COPY of the same files."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import duckdb

from bench.common import Results, best_of_interleaved
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake


def run(size: int, files: list[Path], results: Results, repeat: int) -> None:
    listing = "[" + ", ".join(f"'{f}'" for f in files) + "]"

    def raw_copy() -> None:
        with tempfile.TemporaryDirectory(dir=files[0].parent.parent) as d:
            con = duckdb.connect()
            con.execute(
                f"COPY (SELECT * FROM read_parquet({listing})) TO '{d}/out.parquet' "
                "(FORMAT parquet)"
            )
            con.close()

    def ours(enrich: bool) -> None:
        with tempfile.TemporaryDirectory(dir=files[0].parent.parent) as d:
            lake = Lake(Path(d) / "lake")
            Ingestor(lake, enrichers=None if enrich else []).ingest(
                files, org="bench", source="demo"
            )
            shutil.rmtree(d, ignore_errors=True)

    best = best_of_interleaved(
        {"raw": raw_copy, "carbon": lambda: ours(True), "plain": lambda: ours(False)},
        repeat,
        warmup=1,
    )
    results.add(
        size,
        "ingest",
        "ingest FOCUS Parquet (with carbon)",
        best["carbon"],
        best["raw"],
        "raw COPY",
        "<= 1.3x",
    )
    results.add(
        size,
        "ingest",
        "ingest FOCUS Parquet (no enrichers)",
        best["plain"],
        best["raw"],
        "raw COPY",
        "(info)",
    )
