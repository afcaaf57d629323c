"""``costlake export``: an org's lake as a FOCUS dataset file (Parquet or CSV)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, cast

import typer

from costlake.cli.context import handle_errors, lake, row_progress, settings
from costlake.cli.context import out as stdout
from costlake.cli.query import parse_time
from costlake.errors import InvalidInput
from costlake.lake.export import (
    FILE_FORMATS,
    FOCUS_VERSIONS,
    FileFormat,
    FocusVersion,
    estimate_rows,
    export_focus,
)
from costlake.query.service import require_data

_SUFFIXES: dict[str, str] = {
    ".parquet": "parquet",
    ".parq": "parquet",
    ".pq": "parquet",
    ".csv": "csv",
    ".csv.gz": "csv",
    ".csv.zst": "csv",
}


def format_of(path: Path, given: str | None) -> FileFormat:
    """The ``--format`` given, else the one the file name says (``.parquet``, ``.csv[.gz]``)."""
    if given is not None:
        if given not in FILE_FORMATS:
            raise InvalidInput(f"--format must be parquet or csv, not {given!r}")
        return cast(FileFormat, given)
    name = path.name.lower()
    for suffix, kind in _SUFFIXES.items():
        if name.endswith(suffix):
            return cast(FileFormat, kind)
    raise InvalidInput(
        f"cannot tell the format from {path.name!r}: name it .parquet or .csv, or pass --format"
    )


@handle_errors
def export(
    out: Annotated[
        Path, typer.Option("--out", help="File to write: .parquet, .csv, .csv.gz or .csv.zst")
    ],
    org: Annotated[str, typer.Option(help="Tenant to export")] = "default",
    format: Annotated[
        str | None, typer.Option("--format", help="parquet or csv; default: from the file name")
    ] = None,
    focus_version: Annotated[
        str,
        typer.Option(help="FOCUS version of the columns: 1.2 (leaves out 1.3's columns) or 1.3"),
    ] = "1.2",
    start: Annotated[
        str | None,
        typer.Option(
            help="Only charges starting at or after this UTC time, YYYY-MM-DD or ISO time"
        ),
    ] = None,
    end: Annotated[
        str | None,
        typer.Option(help="Only charges starting before this UTC time, YYYY-MM-DD or ISO time"),
    ] = None,
    x_columns: Annotated[
        bool, typer.Option("--x-columns/--no-x-columns", help="Include costlake's own x_ columns")
    ] = True,
) -> None:
    """Export the cost lake as a FinOps FOCUS dataset (Parquet or CSV)."""
    file_format = format_of(out, format)
    if focus_version not in FOCUS_VERSIONS:
        raise InvalidInput(
            f"--focus-version must be {' or '.join(FOCUS_VERSIONS)}, not {focus_version!r}"
        )
    lo = parse_time(start, "start") if start else None
    hi = parse_time(end, "end") if end else None
    the_lake = lake()
    require_data(the_lake, org)
    with row_progress(f"export {org}", estimate_rows(the_lake, org, lo, hi) or None) as update:
        result = export_focus(
            the_lake,
            org,
            out,
            file_format=file_format,
            focus_version=cast(FocusVersion, focus_version),
            start=lo,
            end=hi,
            include_x_columns=x_columns,
            progress=update,
            threads=settings().duckdb_threads,
        )
    stdout.print(
        f"exported {result.rows:,} rows of org {org} as FOCUS {focus_version} "
        f"{file_format} to {out} in {result.seconds:.2f}s"
    )
