"""Quoting for the SQL costlake writes by hand (DuckDB): identifiers and string literals.

Here, below every package that writes SQL, so the lake, carbon and ingest share one
quoting without the lake or carbon importing ingest.
"""

from __future__ import annotations


def ident(column: str) -> str:
    """Quote a raw column name for DuckDB SQL (names like ``lineItem/UnblendedCost``)."""
    return '"' + column.replace('"', '""') + '"'


def lit(value: str | None) -> str:
    """A SQL string literal (or NULL)."""
    if value is None:
        return "NULL"
    return "'" + value.replace("'", "''") + "'"
