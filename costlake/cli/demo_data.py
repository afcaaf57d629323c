"""``costlake demo-data``: generate realistic multi-cloud FOCUS data."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from costlake.cli.context import handle_errors, out, row_progress
from costlake.errors import InvalidInput


@handle_errors
def demo_data(
    out_path: Annotated[Path, typer.Option("--out", help="Folder (or .parquet file) to write")],
    rows: Annotated[int, typer.Option(help="Number of rows to generate")] = 100_000,
    days: Annotated[int, typer.Option(help="Days of history, ending today (UTC)")] = 90,
    seed: Annotated[int, typer.Option(help="Random seed: same seed, same data")] = 42,
) -> None:
    """Write demo FOCUS Parquet: AWS, Azure, GCP, SaaS and AI spend, with labelled anomalies."""
    from costlake.demo.generator import generate

    if rows < 1 or days < 1:
        raise InvalidInput("--rows and --days must be at least 1")
    with row_progress("generate", rows) as update:
        summary = generate(out_path, rows=rows, days=days, seed=seed, progress=update)
    out.print(
        f"wrote {summary.rows:,} rows ({summary.start} to {summary.end}) to {out_path} "
        f"in {summary.seconds:.2f}s ({summary.rows / max(summary.seconds, 1e-9):,.0f} "
        f"rows/s); {len(summary.anomalies)} labelled anomalies"
    )
