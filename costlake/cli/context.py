"""What every CLI command shares: settings, the lake, progress bars, error rendering."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text
from sqlalchemy.orm import Session

from costlake.config import Settings
from costlake.errors import CostlakeError
from costlake.lake.store import Lake

console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def settings() -> Settings:
    return Settings()


def lake() -> Lake:
    return Lake(settings().lake_dir)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn costlake errors into one red line and exit code 2 (no stack trace)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CostlakeError as e:
            console.print(f"[bold red]error:[/] {e.message}", highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None

    return wrapper


class RowsPerSecondColumn(ProgressColumn):
    """Rows done and the rate, e.g. ``1,200,000 rows  812,345 rows/s``."""

    def render(self, task: Task) -> Text:
        rate = task.speed or (task.completed / task.elapsed if task.elapsed else 0)
        return Text(f"{int(task.completed):,} rows  {int(rate or 0):,} rows/s", style="cyan")


@contextlib.contextmanager
def row_progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar counting rows; yields ``update(rows_done)``."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        RowsPerSecondColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(description, total=total)

        def update(rows_done: int) -> None:
            progress.update(task, completed=rows_done)

        yield update
        progress.update(task, total=progress.tasks[0].completed or 1)


@contextlib.contextmanager
def db_session() -> Iterator[Session]:
    """A metadata-database unit of work (migrations applied first)."""
    from costlake.db.engine import engine_from_settings, migrate, session_factory

    engine = engine_from_settings(settings())
    try:
        migrate(engine)
        with session_factory(engine)() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
    finally:
        engine.dispose()
