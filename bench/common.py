"""Shared benchmark plumbing: data sets, timers, the results table."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
OUT = HERE / "out"
DEMO_END = date(2025, 12, 1)  # fixed, so every run measures the same data
SEED = 7


def dataset(rows: int) -> list[Path]:
    """Demo FOCUS Parquet of ``rows`` rows (generated once, then reused)."""
    from costlake.demo.generator import generate

    folder = DATA / f"demo-{rows}"
    done = folder / ".complete"
    if not done.exists():
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        summary = generate(folder, rows=rows, days=120, seed=SEED, end=DEMO_END)
        print(
            f"  generated {rows:,} rows in {summary.seconds:.1f}s "
            f"({rows / summary.seconds:,.0f} rows/s)"
        )
        done.touch()
    return sorted(folder.glob("*.parquet"))


def best_of(fn: Callable[[], object], repeat: int, warmup: int = 1) -> float:
    """The fastest of ``repeat`` timed runs (seconds), after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def interleaved(
    fns: dict[str, Callable[[], object]], repeat: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Every one of ``repeat`` timed runs of each function, taking turns (a, b, c, a, b,
    c, ...) so that a machine getting busier or quieter during the benchmark weighs on every
    side alike; after ``warmup`` untimed rounds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return times


def best_of_interleaved(
    fns: dict[str, Callable[[], object]], repeat: int, warmup: int = 1
) -> dict[str, float]:
    """The fastest of ``repeat`` runs of each function, taking turns (``interleaved``)."""
    return {name: min(t) for name, t in interleaved(fns, repeat, warmup).items()}


def median_ratio(ours: list[float], baseline: list[float]) -> float:
    """The median over rounds of ours ÷ the baseline in the same round (``interleaved``):
    unlike the ratio of the two bests, one lucky run of either side does not move it."""
    return statistics.median(o / b for o, b in zip(ours, baseline, strict=True))


def median_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


@dataclass
class Results:
    rows: list[dict[str, object]] = field(default_factory=list)

    def add(
        self,
        size: int,
        group: str,
        name: str,
        ours: float,
        baseline: float,
        baseline_name: str,
        target: str,
        **extra: object,
    ) -> None:
        ratio = ours / baseline if baseline else float("inf")
        row = {
            "rows": size,
            "group": group,
            "name": name,
            "ours_s": ours,
            "baseline": baseline_name,
            "baseline_s": baseline,
            "ratio": ratio,
            "target": target,
            **extra,
        }
        self.rows.append(row)
        print(
            f"  {name:<38} ours {ours * 1000:9.1f} ms   {baseline_name} "
            f"{baseline * 1000:9.1f} ms   ratio {ratio:6.2f}  (target {target})"
            + (f"  median ratio {extra['median_ratio']:.2f}" if "median_ratio" in extra else ""),
            flush=True,
        )


def standalone(
    run: Callable[[int, Results, int], None], title: str, name: str, default_size: int, doc: str
) -> None:
    """The command line of a benchmark run on its own: ``--size`` and ``--repeat``, a
    heading, and its results written to ``bench/out/<name>-<size>.json``."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--size", type=int, default=default_size)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = Results()
    print(f"== {args.size:,} rows: {title} ==", flush=True)
    run(args.size, results, args.repeat)
    OUT.mkdir(parents=True, exist_ok=True)
    out = OUT / f"{name}-{args.size}.json"
    out.write_text(json.dumps(results.rows, indent=2, default=str))
    print(f"results in {out}")
