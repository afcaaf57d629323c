"""The FOCUS 1.3 Contract Commitment dataset: the terms of the contracts behind the bill.

FOCUS 1.3 adds a second dataset beside cost and usage. Each row is one commitment period of
one contract (a spend or usage amount promised over ``[ContractCommitmentPeriodStart,
ContractCommitmentPeriodEnd)``); the cost-and-usage rows point to it from their
``ContractApplied`` JSON by ``ContractCommitmentId``. The columns and their nullability follow
the 1.3 specification (``specification/datasets/contract_commitment`` in the FOCUS_Spec
repository); costlake adds the same ``x_`` bookkeeping columns as in cost and usage.
"""

from __future__ import annotations

import pyarrow as pa

from costlake.focus.schema import MONEY, QUANTITY, STRING, TIMESTAMP, Column, ColumnKind

D, M = ColumnKind.DIMENSION, ColumnKind.METRIC

# (name, type, nullable, kind). Non-nullable: the spec says MUST NOT be null.
_SPEC: list[tuple[str, pa.DataType, bool, ColumnKind]] = [
    ("BillingCurrency", STRING, True, D),
    ("ContractCommitmentCategory", STRING, False, D),
    ("ContractCommitmentCost", MONEY, True, M),
    ("ContractCommitmentDescription", STRING, True, D),
    ("ContractCommitmentId", STRING, False, D),
    ("ContractCommitmentPeriodEnd", TIMESTAMP, False, D),
    ("ContractCommitmentPeriodStart", TIMESTAMP, False, D),
    ("ContractCommitmentQuantity", QUANTITY, True, M),
    ("ContractCommitmentType", STRING, False, D),
    ("ContractCommitmentUnit", STRING, True, D),
    ("ContractId", STRING, False, D),
    ("ContractPeriodEnd", TIMESTAMP, False, D),
    ("ContractPeriodStart", TIMESTAMP, False, D),
]

COMMITMENT_COLUMNS: tuple[Column, ...] = tuple(
    Column(name, type_, nullable, kind, "1.3") for name, type_, nullable, kind in _SPEC
) + (
    Column("x_SourceId", STRING, False, D, "costlake"),
    Column("x_SourceFormat", STRING, False, D, "costlake"),
    Column("x_IngestedAt", TIMESTAMP, False, D, "costlake"),
)
"""Every column of a stored commitment row, in order."""

COMMITMENT_SCHEMA = pa.schema(
    [pa.field(c.name, c.type, nullable=c.nullable) for c in COMMITMENT_COLUMNS]
)

COMMITMENT_CATEGORIES = frozenset({"Spend", "Usage"})

DATASET = "commitments"
SOURCE_SUFFIX = ".commitments"
"""Commitment partitions live beside a source's cost and usage as source ``<source>.commitments``
(``costlake.lake.store``): same manifest, same atomic replacement per (source, period)."""
