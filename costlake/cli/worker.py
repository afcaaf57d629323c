"""``costlake worker`` runs the scheduled jobs; ``costlake jobs`` shows how they went."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from dataclasses import asdict
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Column, Table

from costlake.cli.context import check_output, console, handle_errors, open_platform, out


@handle_errors
def worker(
    once: Annotated[
        bool,
        typer.Option(help="Run every job that is due once, then exit (1 if one failed)"),
    ] = False,
    run: Annotated[
        str | None,
        typer.Option(metavar="JOB", help="Run this job now, due or not, then exit"),
    ] = None,
) -> None:
    """Run the scheduled jobs until Ctrl-C or SIGTERM, alongside or instead of the
    server's scheduler (COSTLAKE_SCHEDULER); a lease runs each job in one process at a time."""
    from costlake.tasks.runner import new_holder, run_job

    with open_platform() as platform:
        if once or run:
            holder = new_holder()
            jobs = [platform.jobs.get(run)] if run else list(platform.jobs)
            failed = False
            for job in jobs:
                outcome = run_job(platform, job, holder, force=run is not None)
                if not outcome.ran:
                    out.print(f"{job.name}: not due, or running elsewhere")
                elif outcome.ok:
                    out.print(f"{job.name}: succeeded")
                else:
                    failed = True
                    retry = outcome.retry_at.isoformat() if outcome.retry_at else "next turn"
                    out.print(f"{job.name}: failed ({outcome.error}); retry at {retry}")
            if failed:
                raise typer.Exit(1)
            return
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        platform.start_scheduler(force=True)
        console.print(f"worker running {len(platform.jobs)} job(s); Ctrl-C stops it")
        stop.wait()
        console.print("stopping: waiting for running jobs to finish")


@handle_errors
def jobs(
    output: Annotated[str, typer.Option(metavar="FORMAT", help="table or json")] = "table",
) -> None:
    """List the scheduled jobs: schedule, state, last run, failures and the last error."""
    from costlake.tasks.status import job_statuses

    check_output(output)
    with open_platform() as platform, platform.session() as session:
        statuses = job_statuses(session, platform.jobs)
    if output == "json":
        rows = [{k: _text(v) for k, v in asdict(s).items()} for s in statuses]
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table(
        Column("job", no_wrap=True),
        Column("schedule", no_wrap=True),
        Column("state", no_wrap=True),
        "last run",
        "failures",
        "retry at",
        "last error",
    )
    for s in statuses:
        table.add_row(
            s.name,
            s.schedule,
            s.state if s.holder is None else f"{s.state} ({s.holder})",
            _when(s.last_run_at),
            str(s.attempts or ""),
            _when(s.next_retry_at),
            (s.last_error or "").splitlines()[0][:80] if s.last_error else "",
        )
    out.print(table)


def _text(value: object) -> object:
    return value.isoformat() if isinstance(value, datetime) else value


def _when(value: datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="seconds") if value else ""
