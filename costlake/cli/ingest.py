"""``costlake ingest``: billing files into the lake."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import duckdb
import typer

from costlake.cli.audit import audited
from costlake.cli.context import console, handle_errors, open_platform, out, row_progress
from costlake.ingest.files import collect, file_format_of
from costlake.kit.duck import parquet_rows
from costlake.sources.service import ingest_files

if TYPE_CHECKING:
    from costlake.ingest.pipeline import IngestResult


def formats_epilog() -> str:
    """Every registered billing format, for ``ingest --help`` (from the registry, so a new
    adapter shows up without editing this text)."""
    from costlake.ingest.registry import adapters

    lines = [f"{name}: {adapter.description}" for name, adapter in sorted(adapters().items())]
    return "Formats (detected from the columns, or named with --format):\n\n" + "\n\n".join(lines)


def estimate_rows(paths: list[Path]) -> int | None:
    """Rows in the files: exact for Parquet (metadata), estimated from line length for CSV."""
    total = 0
    for p in paths:
        try:
            kind = file_format_of(p)
            if kind == "parquet":
                con = duckdb.connect()
                try:
                    total += parquet_rows(con, [str(p)])
                finally:
                    con.close()
            elif kind == "csv" and not p.name.endswith(".gz"):
                head = p.open("rb").read(1 << 16)
                lines = max(head.count(b"\n"), 1)
                total += int(p.stat().st_size / (len(head) / lines))
            else:
                return None
        except Exception:  # noqa: BLE001 - an estimate only
            return None
    return total


@handle_errors
@audited("ingest", target=lambda kw: f"source {kw['source'] or '(detected)'}")
def ingest(
    paths: Annotated[
        list[Path],
        typer.Argument(
            metavar="PATH", help="Billing export files (CSV, CSV.gz, Parquet, JSON lines)"
        ),
    ],
    org: Annotated[
        str, typer.Option(metavar="ORG", help="Tenant the data belongs to; created on first use")
    ] = "default",
    source: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Name of this data source; a later delivery with the same source replaces the "
            "same billing periods. Default: derived from the format and billing account",
        ),
    ] = None,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="FORMAT",
            help="Force the format (one of those listed below); default: detected from the columns",
        ),
    ] = None,
    skip_bad_rows: Annotated[
        bool,
        typer.Option(
            help="Skip rows with unreadable values (counted in the output) instead of refusing "
            "the whole file"
        ),
    ] = False,
) -> None:
    """Ingest billing exports into the FOCUS cost lake."""
    billing_files, _ = collect(paths)  # folders expanded, sidecars left out
    estimate = estimate_rows(billing_files)
    with open_platform() as platform:
        with row_progress(f"ingest {len(billing_files)} file(s)", estimate) as update:

            def progress(fraction: float, rows: int) -> None:
                if rows >= 0:
                    update(rows)
                elif estimate:
                    update(int(fraction * estimate))

            result = ingest_files(
                platform,
                paths,
                org=org,
                source=source,
                format=format,
                skip_bad_rows=skip_bad_rows,
                progress=progress,
                detect="caller",
            )
            update(result.rows_written)
        _report(result, skip_bad_rows)
        if result.periods:
            from costlake.anomalies.tasks import detect_after_ingest

            with console.status("looking for cost anomalies in the periods ingested"):
                found = detect_after_ingest(platform, result.org, result.periods)
            if found is not None and found.created:
                out.print(
                    f"{found.created} new cost anomal{'y' if found.created == 1 else 'ies'}: "
                    f"costlake anomalies list --org {result.org}"
                )


def _report(result: IngestResult, skip_bad_rows: bool) -> None:
    out.print(
        f"ingested {result.rows_written:,} rows ({', '.join(result.formats)}) into org "
        f"{result.org}, source {', '.join(result.sources) or '-'}, periods "
        f"{', '.join(result.periods) or '-'} in {result.seconds:.2f}s "
        f"({result.rows_per_second:,.0f} rows/s)"
    )
    for left_out in result.skipped_files:
        out.print(f"skipped {left_out.path}: {left_out.reason}")
    for old in result.replaced:
        rows = f"{old.rows:,} row{'' if old.rows == 1 else 's'}"
        out.print(f"replaced {rows} of {old.source}/{old.period}")
    if skip_bad_rows:
        out.print(f"skipped {result.rows_skipped:,} malformed rows")
    if result.rows_written == 0:
        console.print("[yellow]warning:[/] no rows found")
