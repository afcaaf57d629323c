"""Optional parts of costlake and the pip extras that install them.

A plain ``pip install costlake`` brings the embedded stack (DuckDB, SQLite). PostgreSQL,
Spark and Redis need packages of their own; asking for one without its package should say,
in one line, what to install, not end in ``ModuleNotFoundError`` from deep inside a driver.
"""

from __future__ import annotations

import importlib

from costlake.errors import MissingExtra

EXTRAS: dict[str, tuple[str, str]] = {
    "postgres": ("psycopg", "PostgreSQL"),
    "spark": ("pyspark", "The Spark engine"),
    "redis": ("redis", "Redis"),
}
"""extra -> (the module it installs, what needs it)."""


def require_extra(extra: str, module: str | None = None) -> None:
    """Raise ``MissingExtra`` naming ``extra`` unless its module (or ``module``) imports."""
    default_module, what = EXTRAS[extra]
    try:
        importlib.import_module(module or default_module)
    except ImportError:
        raise MissingExtra(
            f"{what} needs the '{extra}' extra: pip install 'costlake[{extra}]'", extra=extra
        ) from None
