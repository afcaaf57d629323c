"""Ingest of exports shaped as providers write them, through costlake, against a raw DuckDB
copy of the same file to Parquet, in the same run.

Inputs come from ``bench.provider_exports`` (never the lake's own layout). Baselines:
Parquet ``COPY (SELECT * FROM read_parquet(f)) TO 'x.parquet'``; CSV ``read_csv`` and JSON
``read_json_auto`` to Parquet. Ours, with carbon and rollups, and without enrichers, take
turns with the baseline (``interleaved``): the ratio of the bests of ``repeat`` runs each,
and the median over rounds of the ratio within a round (``median_ratio``). Every round's
time is kept in the results file (``rounds_s``, ``baseline_rounds_s``) to read the spread.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from bench import provider_exports
from bench.common import DATA, Results, interleaved, median_ratio
from costlake.carbon.enricher import CarbonEnricher
from costlake.ingest.pipeline import Ingestor
from costlake.lake.store import Lake


@dataclass(frozen=True)
class Case:
    kind: str
    label: str
    target: str
    random_keys: bool = False


CASES: tuple[Case, ...] = (
    Case("aws-focus", "AWS FOCUS 1.2 Parquet", "<= 1.3x"),
    Case("azure-focus", "Azure FOCUS CSV", "<= 1.5x"),
    Case("aws-cur", "AWS legacy CUR CSV", "(info)"),
    Case("gcp", "GCP billing export JSON lines", "(info)"),
    Case("aws-focus", "AWS FOCUS Parquet, random keys", "(info)", random_keys=True),
)


def default_rounds(rows: int) -> int:
    """Timed rounds of each side when ``--repeat`` is not given: 15 up to 1M rows, where
    a raw copy runs a quarter faster in about one round of four on a 2-core machine and
    seven rounds often left one side without such a round; 5 above (0016)."""
    return 15 if rows <= 1_000_000 else 5


def provider_file(case: Case, rows: int) -> Path:
    """The case's input of ``rows`` rows (generated once into ``bench/data``, then reused)."""
    suffix = provider_exports.SUFFIX[case.kind]
    name = f"provider-{case.kind}{'-random' if case.random_keys else ''}-{rows}{suffix}"
    path = DATA / name
    if not path.exists():
        provider_exports.write(case.kind, path, rows, random_keys=case.random_keys)
    return path


def raw_copy_sql(path: Path, out: Path) -> str:
    """The baseline: the file read by DuckDB as it is, written to Parquet."""
    reader = {
        ".parquet": "read_parquet",
        ".csv": "read_csv",
        ".jsonl": "read_json_auto",
    }[path.suffix]
    return f"COPY (SELECT * FROM {reader}('{path}')) TO '{out}' (FORMAT parquet)"


def run(
    size: int, results: Results, repeat: int, kinds: set[str] | None = None, warmup: int = 1
) -> None:
    for case in CASES:
        key = case.kind + ("-random" if case.random_keys else "")
        if kinds is not None and key not in kinds:
            continue
        path = provider_file(case, size)
        work = DATA / "ingest-work"
        work.mkdir(parents=True, exist_ok=True)

        def raw_copy(path: Path = path, work: Path = work) -> None:
            with tempfile.TemporaryDirectory(dir=work) as d:
                con = duckdb.connect()
                con.execute(raw_copy_sql(path, Path(d) / "out.parquet"))
                con.close()

        def ours(enrich: bool, path: Path = path, work: Path = work) -> None:
            with tempfile.TemporaryDirectory(dir=work) as d:
                lake = Lake(Path(d) / "lake")
                Ingestor(lake, enrichers=[CarbonEnricher()] if enrich else []).ingest(
                    [path], org="bench", source="bench"
                )
                shutil.rmtree(d, ignore_errors=True)

        times = interleaved(
            {"raw": raw_copy, "carbon": lambda: ours(True), "plain": lambda: ours(False)},
            repeat,
            warmup=warmup,
        )
        for kind, label, target in (
            ("carbon", "carbon, rollups", case.target),
            ("plain", "no enrichers", "(info)"),
        ):
            results.add(
                size,
                "ingest",
                f"ingest {case.label} ({label})",
                min(times[kind]),
                min(times["raw"]),
                "raw copy",
                target,
                input=path.name,
                median_ratio=median_ratio(times[kind], times["raw"]),
                rounds_s=[round(t, 4) for t in times[kind]],
                baseline_rounds_s=[round(t, 4) for t in times["raw"]],
            )
