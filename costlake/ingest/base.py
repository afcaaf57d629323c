"""The ingest adapter contract: one billing format -> canonical FOCUS columns, as SQL.

An adapter is a small, stateless object. The pipeline (``costlake.ingest.pipeline``) opens the
raw files with DuckDB, asks the registry which adapter recognises the columns, asks that adapter
for one ``Expr`` per canonical column, and streams ``SELECT <exprs> FROM raw`` into the lake.
No adapter sees rows in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, Protocol, runtime_checkable

from costlake.ingest.sql import Expr


@dataclass(frozen=True, slots=True)
class RawColumns:
    """The columns of the raw relation, in file order, with their DuckDB types.

    CSV files are read with every column as VARCHAR; Parquet and JSON keep their own types
    (GCP's JSON export has STRUCT and LIST columns).
    """

    types: Mapping[str, str]
    file_format: str  # "csv", "parquet" or "json"
    dialect: str | None = None  # a CSV file's read_csv options, as DuckDB's sniffer found them

    @property
    def names(self) -> frozenset[str]:
        return frozenset(self.types)

    def has(self, *names: str) -> bool:
        return all(n in self.types for n in names)

    def find(self, *candidates: str) -> str | None:
        """The first of ``candidates`` present (case-insensitive), by its real name."""
        lower = {n.lower(): n for n in self.types}
        for c in candidates:
            if c in self.types:
                return c
            if c.lower() in lower:
                return lower[c.lower()]
        return None


@dataclass(frozen=True, slots=True)
class CsvOptions:
    """How the pipeline should read a CSV file for this adapter."""

    null_strings: tuple[str, ...] = ("",)
    date_format: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


@runtime_checkable
class Adapter(Protocol):
    """Maps one billing export format to FOCUS."""

    name: ClassVar[str]
    """Format id used by ``--format`` and stored in ``x_SourceFormat`` (e.g. ``aws-cur``)."""

    description: ClassVar[str]
    csv_options: ClassVar[CsvOptions]

    def detect(self, columns: RawColumns) -> int:
        """How sure the adapter is that it reads these columns: 0 = not mine, higher = surer."""
        ...

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        """One expression per canonical column it can fill (the rest are NULL).

        Must fill every non-nullable FOCUS column. Raise ``MalformedFile`` when a column the
        format needs is absent.
        """
        ...
