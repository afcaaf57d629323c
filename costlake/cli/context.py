"""What every CLI command shares: settings, the lake, progress bars, error rendering."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NoReturn, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
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

from costlake.config import ENV_PREFIX, Settings
from costlake.errors import CostlakeError, InvalidInput
from costlake.lake.store import Lake

if TYPE_CHECKING:
    from costlake.platform import Platform

HELP_OPTIONS = {"help_option_names": ["-h", "--help"]}
"""Click context settings every command group takes: ``-h`` as well as ``--help``."""

console = Console(stderr=True)
out = Console(highlight=False, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def settings(**overrides: object) -> Settings:
    """The settings from ``COSTLAKE_*`` (and command-line ``overrides`` that are not None);
    a bad value is one line naming its environment variable."""
    given = {k: v for k, v in overrides.items() if v is not None}
    try:
        return Settings(**given)  # type: ignore[arg-type]
    except ValidationError as e:
        raise settings_error(e, given) from None


def settings_error(error: ValidationError, overrides: dict[str, object]) -> InvalidInput:
    """``COSTLAKE_QUERY_THREADS=0: Input should be greater than or equal to 1`` for each bad
    field, instead of pydantic's multi-line report."""
    parts = []
    for e in error.errors():
        field = str(e["loc"][0]) if e["loc"] else "?"
        name = f"--{field.replace('_', '-')}" if field in overrides else ENV_PREFIX + field.upper()
        field_info = Settings.model_fields.get(field)
        secret = field_info is not None and "SecretStr" in str(field_info.annotation)
        shown = "" if secret else f"={e.get('input')!s}"
        parts.append(f"{name}{shown}: {e['msg']}")
    return InvalidInput("; ".join(parts))


def check_output(output: str) -> None:
    """The ``--output`` of a listing: ``table`` or ``json``."""
    if output not in ("table", "json"):
        raise InvalidInput("--output must be table or json")


def lake() -> Lake:
    return Lake(settings().lake_dir)


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Turn costlake errors into one red line and exit code 2 (no stack trace)."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except CostlakeError as e:
            fail(e.message)
        except ValidationError as e:
            if e.title != Settings.__name__:
                raise
            fail(settings_error(e, {}).message)
        except OSError as e:
            if e.filename is None:
                raise
            fail(f"{e.filename}: {e.strerror or e}")  # a home or file costlake cannot use

    # Marks the commands that render errors this way (a test checks every command is one).
    wrapper.handles_errors = True  # type: ignore[attr-defined]
    return wrapper


def fail(message: str, code: int = 2) -> NoReturn:
    """Print ``error: message`` on one line of stderr and exit with ``code``."""
    console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


class RowsPerSecondColumn(ProgressColumn):
    """Rows done and the rate, e.g. ``1,200,000 rows  812,345 rows/s``."""

    def render(self, task: Task) -> Text:
        rate = task.speed or (task.completed / task.elapsed if task.elapsed else 0)
        return Text(f"{int(task.completed):,} rows  {int(rate or 0):,} rows/s", style="cyan")


@contextlib.contextmanager
def row_progress(description: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A progress bar counting rows; yields ``update(rows_done)``.

    The bar appears at the first update, and is erased when the work fails: the error is
    then the last thing on screen, not a bar stuck at 0% above it.
    """
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        RowsPerSecondColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    task = progress.add_task(description, total=total)
    started = False

    def update(rows_done: int) -> None:
        nonlocal started
        if not started:
            progress.start()
            started = True
        progress.update(task, completed=rows_done)

    try:
        yield update
    except BaseException:
        if started:
            progress.live.transient = True
            progress.stop()
        raise
    update(int(progress.tasks[0].completed))
    progress.update(task, total=progress.tasks[0].completed or 1)
    progress.stop()


@contextlib.contextmanager
def db_session() -> Iterator[Session]:
    """A metadata-database unit of work (migrations applied first)."""
    with open_platform() as platform, platform.session() as session:
        yield session


@contextlib.contextmanager
def open_platform(**overrides: object) -> Iterator[Platform]:
    """The composition root for one command (``costlake.platform.Platform``, as the server
    and the worker build it), started from the settings and closed when the command ends."""
    from costlake.platform import Platform

    platform = Platform.start(settings(**overrides))
    try:
        yield platform
    finally:
        platform.close()
