"""The canonical FinOps FOCUS data model that every other package imports."""

from costlake.focus.schema import (
    COLUMNS,
    COLUMNS_BY_NAME,
    FOCUS_SCHEMA,
    MONEY,
    QUANTITY,
    Column,
    ColumnKind,
    duckdb_type,
)

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_NAME",
    "FOCUS_SCHEMA",
    "MONEY",
    "QUANTITY",
    "Column",
    "ColumnKind",
    "duckdb_type",
]
