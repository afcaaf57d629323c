"""Demo FOCUS data: a realistic multi-cloud + SaaS bill of any size, streamed to Parquet.

Every row is a pure function of (seed, row number), never of the batch it is built in, so the
output is the same whatever ``batch_rows`` is, and memory stays bounded: a batch is a handful of
numpy vectors, written as one row group, then dropped. The rows come in three segments:

1. on-demand and spot usage, day by day, and within a day by *cell* (sub account, SKU, region).
   A cell runs resources ``0..n-1`` that persist from day to day: a pre-pass over resource numbers
   draws each one's cell and start day, so fleets grow smoothly and totals are exact;
2. usage covered by commitments (savings plans, reservations, CUDs): one fleet per commitment;
3. a few hundred bill-level rows (unused commitment, monthly commitment fees, taxes, credits,
   corrections) whose amounts come from totals accumulated while streaming 1 and 2.

Sorted rows make the dimension columns long runs, which Parquet stores almost for free. Money is
exact: unit prices are integers of 1e-10 USD, quantities integers of 1e-8 units, and a cost is
their 128-bit product, i.e. a DECIMAL(38, 18) assembled directly from its two 64-bit words.

The modules, in the order a run uses them: ``plan`` (which rows exist), ``rows`` (their values
as numbers), ``vocab`` and ``columns`` (Arrow columns), ``writer`` (Parquet files and anomaly
labels); ``hashing`` and ``money`` hold the counter-based randomness and the exact decimals.
This module is the public entry point.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from costlake.demo.anomalies import ANOMALIES_KEY, DemoAnomaly, anomalies_path
from costlake.demo.columns import Builder
from costlake.demo.plan import Plan
from costlake.demo.vocab import SOURCE_ID
from costlake.demo.writer import write
from costlake.kit import clock

__all__ = [
    "ANOMALIES_KEY",
    "ROWS_PER_FILE",
    "SOURCE_ID",
    "DemoAnomaly",
    "DemoSummary",
    "anomalies_path",
    "generate",
]

ROWS_PER_FILE = 5_000_000
"""Rows per ``part-NNNNN.parquet`` file when writing a directory (read at each call)."""


@dataclass(frozen=True)
class DemoSummary:
    """What :func:`generate` wrote, for the CLI and benchmarks to report."""

    rows: int
    start: date
    end: date
    files: tuple[Path, ...]
    anomalies: tuple[DemoAnomaly, ...]
    seconds: float


def generate(
    out: Path,
    *,
    rows: int,
    days: int = 90,
    seed: int = 42,
    end: date | None = None,
    now: datetime | None = None,
    batch_rows: int = 250_000,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    """Write exactly ``rows`` FOCUS rows covering ``[end - days, end)`` to ``out``.

    ``out`` is a directory (``part-NNNNN.parquet`` files of up to 5 M rows; stale parts of an
    earlier run are removed) or, when it ends in ``.parquet``, a single file. The anomaly labels
    are stored in each file's key-value metadata (``costlake.demo.anomalies``) and in
    :func:`anomalies_path`. ``progress`` gets the number of rows written after each batch.
    """
    started = time.perf_counter()
    if days < 1 or batch_rows < 1:
        raise ValueError("days and batch_rows must be positive")
    end = end or clock.today()
    if now is None:
        now = clock.utcnow()
    elif now.tzinfo:
        now = now.astimezone(UTC).replace(tzinfo=None)
    plan = Plan(rows, days, seed, end)
    files = write(Path(out), plan, Builder(plan, now), batch_rows, progress, ROWS_PER_FILE)
    return DemoSummary(rows, plan.start, end, files, plan.anomalies, time.perf_counter() - started)
