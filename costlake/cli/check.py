"""``costlake check``: verify the lake's files against its manifests, and say how to repair."""

from __future__ import annotations

from typing import Annotated

import typer

from costlake.cli.context import check_output, console, handle_errors, lake
from costlake.cli.context import out as stdout


@handle_errors
def check(
    org: Annotated[str | None, typer.Option(help="Tenant to check (default: every org)")] = None,
    output: Annotated[str, typer.Option(help="table or json")] = "table",
) -> None:
    """Verify every file of every live billing period (line items and rollups) against the
    size and checksum recorded when it was written.

    Prints each damaged partition, what is wrong with it and how to repair it (re-ingest its
    source files). Exits 1 when something is damaged. Safe to run while the server serves."""
    import orjson

    from costlake.lake.check import check_lake, summary

    check_output(output)
    the_lake = lake()
    with console.status("checking the lake's files"):
        checks = check_lake(the_lake, org)
    if output == "json":
        stdout.print(orjson.dumps(summary(checks), option=orjson.OPT_INDENT_2).decode())
    else:
        if not checks:
            stdout.print(f"the lake at {the_lake.root} is empty; run costlake ingest")
        for c in checks:
            if c.manifest_error:
                stdout.print(f"org {c.org}: DAMAGED: {c.manifest_error}")
                continue
            state = "ok" if c.ok else f"DAMAGED ({len(c.damaged)} billing period(s))"
            note = f", {c.unverified} without a recorded checksum" if c.unverified else ""
            stdout.print(
                f"org {c.org}: {state}: {c.partitions} billing period(s), {c.files} files, "
                f"{c.bytes / 1e6:,.1f} MB checked{note}"
            )
            for d in c.damaged:
                stdout.print(f"  {d.source}/{d.period} (version {d.version}):")
                for f in d.problems:
                    stdout.print(f"    {f.path}: {f.problem}")
                stdout.print(f"    repair: {d.repair}")
    if not all(c.ok for c in checks):
        raise typer.Exit(1)
