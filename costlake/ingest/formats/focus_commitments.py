"""FOCUS 1.3 Contract Commitment exports -> the lake's commitments dataset.

A second FOCUS dataset, not cost and usage: its rows are contract terms (see
``costlake.focus.commitments``), so this adapter fills the commitment columns, not the
canonical cost columns, and says so with ``dataset``. The pipeline stores its rows beside the
cost and usage of the same source (``costlake.ingest.commitments``). Read the same way as the
FOCUS adapter reads cost and usage: columns by name (case-insensitively), ``NULL`` tokens and
blanks as null, timestamps with or without ``T``/``Z``/offset. See
docs/ingest/focus-commitments.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from costlake.errors import MalformedFile
from costlake.focus.commitments import COMMITMENT_CATEGORIES, COMMITMENT_COLUMNS, DATASET
from costlake.focus.schema import MONEY, QUANTITY, TIMESTAMP
from costlake.ingest import sql
from costlake.ingest.base import CsvOptions, RawColumns
from costlake.ingest.formats._native import is_focus
from costlake.ingest.registry import register
from costlake.ingest.sql import Expr

_SIGNATURE = ("ContractCommitmentId", "ContractCommitmentPeriodStart", "ContractId")
_FIXED = frozenset({"x_SourceId", "x_SourceFormat", "x_IngestedAt"})


class FocusCommitmentsAdapter:
    name: ClassVar[str] = "focus-commitments"
    description: ClassVar[str] = "FinOps FOCUS 1.3 Contract Commitment dataset (CSV or Parquet)"
    csv_options: ClassVar[CsvOptions] = CsvOptions(null_strings=("", "NULL"))
    dataset: ClassVar[str] = DATASET

    def detect(self, columns: RawColumns) -> int:
        if is_focus(columns) or any(columns.find(c) is None for c in _SIGNATURE):
            return 0
        return 100 + sum(1 for c in COMMITMENT_COLUMNS if columns.find(c.name) is not None)

    def select(self, columns: RawColumns) -> Mapping[str, Expr]:
        """One expression per commitment column present; a missing required one is an error."""
        out: dict[str, Expr] = {}
        for column in COMMITMENT_COLUMNS:
            if column.name in _FIXED:
                continue
            raw = columns.find(column.name)
            if raw is None:
                if column.nullable:
                    continue
                raise MalformedFile(
                    f"FOCUS Contract Commitment column {column.name} is missing",
                    column=column.name,
                )
            type_ = columns.types[raw]
            if column.type in (MONEY, QUANTITY):
                out[column.name] = sql.money(raw, type_)
            elif column.type == TIMESTAMP:
                out[column.name] = sql.timestamp(raw, type_=type_)
            else:
                out[column.name] = sql.text(raw)
        out["ContractCommitmentCategory"] = sql.enum_value(
            out["ContractCommitmentCategory"], COMMITMENT_CATEGORIES
        )
        return out


register(FocusCommitmentsAdapter())
