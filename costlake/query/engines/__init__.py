"""Query engines: each runs the portable SQL over a list of lake Parquet files.

``Engine`` is the plug-in point; ``get_engine`` is the explicit registry.
"""

from __future__ import annotations

from typing import Protocol

import pyarrow as pa

from costlake.errors import InvalidInput


class Engine(Protocol):
    name: str

    def execute(self, sql: str, files: list[str]) -> pa.Table:
        """Run ``sql`` (DuckDB dialect, over a relation named ``costs``) on ``files``."""
        ...

    def rows(self, sql: str, files: list[str]) -> list[dict[str, object]]:
        """The same, as a list of rows keyed by column name."""
        ...

    def numbered_rows(self, sql: str, file: str) -> list[dict[str, object]]:
        """Like ``rows`` over one Parquet file, whose ``costs`` relation also has
        ``file_row_number``: each row's 0-based position in the file. Lake files never
        change once written, so (file, row number) is a stable key to page by
        (``costlake.lineitems``), and the engine prunes row groups by it."""
        ...

    def close(self) -> None: ...


def get_engine(name: str = "duckdb", **options: object) -> Engine:
    if name == "duckdb":
        from costlake.query.engines.duckdb import DuckDBEngine

        return DuckDBEngine(**options)  # type: ignore[arg-type]
    if name == "spark":
        from costlake.kit.extras import require_extra
        from costlake.query.engines.spark import SparkEngine

        require_extra("spark")

        return SparkEngine(**options)  # type: ignore[arg-type]
    raise InvalidInput(f"unknown query engine {name!r}; use duckdb or spark")
