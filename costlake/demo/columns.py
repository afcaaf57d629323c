"""Frames to Arrow tables, one batch at a time.

The run's vocabularies (``vocab``) are built once; a batch only gathers dictionary indices,
multiplies its exact decimals, and assembles resource ids and names, nearly unique per row, from
fixed-width hex tokens straight into Arrow buffers.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from costlake.demo.lines import PURCHASE, UNUSED
from costlake.demo.money import PRICE, decimal128
from costlake.demo.plan import Plan
from costlake.demo.rows import Frame
from costlake.demo.vocab import Vocabularies
from costlake.focus.schema import FOCUS_SCHEMA, MONEY

_DAY_US = 86_400_000_000

_HEX = (
    np.array([[ord(a), ord(b)] for a in "0123456789abcdef" for b in "0123456789abcdef"], np.uint8)
    .view(np.uint16)
    .ravel()
)
_UPPER = np.frombuffer(bytes(range(256)).upper(), np.uint8)
_DICT_STRING = pa.dictionary(pa.int32(), pa.string())
_DICT_MONEY = pa.dictionary(pa.int32(), MONEY)
_UNIT_PRICES = ("ListUnitPrice", "ContractedUnitPrice")
PLAIN = ("ResourceId", "ResourceName")  # nearly unique per row: built as plain strings


def _digits(h: np.ndarray) -> np.ndarray:
    """The 16 hex digits of each hash, as an (n, 16) byte matrix."""
    return _HEX[np.ascontiguousarray(h).view(np.uint8)].view(np.uint8).reshape(-1, 16)


def _tokens(digits: np.ndarray, width: int, valid: np.ndarray, upper: bool = False) -> pa.Array:
    """The first ``width`` digits of each row as strings, null where not ``valid``."""
    data = np.ascontiguousarray(digits[:, :width])
    if upper:
        rows = np.flatnonzero(valid)
        data[rows] = _UPPER[data[rows]]
    offsets = np.arange(0, width * len(data) + 1, width, dtype=np.int32)
    validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.StringArray.from_buffers(
        len(data), pa.py_buffer(offsets), pa.py_buffer(data), validity
    )


def _indices(index: np.ndarray) -> pa.Array:
    null = index < 0
    if null.any():
        return pa.array(np.where(null, 0, index).astype(np.int32), mask=null)
    return pa.array(index.astype(np.int32, copy=False))


class Builder:
    """Turns frames into Arrow tables: dictionary-encoded strings, exact decimals, timestamps.

    String columns are written as dictionaries over small vocabularies (keyed by sub account,
    SKU, line kind, ...), so Parquet gets its dictionary pages without hashing a single value.
    """

    def __init__(self, plan: Plan, now: datetime) -> None:
        self.plan = plan
        delta = now - datetime(1970, 1, 1)
        self.now_us = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
        self.schema = pa.schema(
            [
                pa.field(f.name, _DICT_MONEY, f.nullable)
                if f.name in _UNIT_PRICES
                else pa.field(f.name, _DICT_STRING, f.nullable)
                if pa.types.is_string(f.type) and f.name not in PLAIN
                else f
                for f in FOCUS_SCHEMA
            ]
        )
        self.vocab = Vocabularies(plan)
        self._nulls: dict[tuple[int, pa.DataType], pa.Array] = {}
        self._zero = np.zeros(0, np.int64)

    def _null(self, n: int, type_: pa.DataType) -> pa.Array:
        if (n, type_) not in self._nulls:
            self._nulls = {k: v for k, v in self._nulls.items() if k[0] == n}
            self._nulls[n, type_] = pa.nulls(n, type_)
        return self._nulls[n, type_]

    def _dictionaries(self, keys: dict[str, np.ndarray | None], n: int) -> dict[str, pa.Array]:
        """Every dictionary column: one gather per key, then zero-copy index arrays."""
        cols: dict[str, pa.Array] = {}
        for key, (columns, table) in self.vocab.groups.items():
            frame_key = self._zeros(n) if key == "const" else keys.get(key)
            if frame_key is None:
                continue
            absent = frame_key < 0
            if absent.any():
                frame_key = np.where(absent, 0, frame_key)
            else:
                absent = None
            index = table[:, frame_key]
            for (name, vocab, nullable), idx in zip(columns, index, strict=True):
                null = absent
                if nullable:
                    null = idx < 0 if null is None else null | (idx < 0)
                if null is None or not null.any():
                    indices = pa.array(idx)
                elif null.all():
                    continue
                else:
                    indices = pa.array(np.where(null, 0, idx), mask=null)
                cols[name] = pa.DictionaryArray.from_arrays(indices, vocab, safe=False)
        return cols

    def _zeros(self, n: int) -> np.ndarray:
        if len(self._zero) != n:
            self._zero = np.zeros(n, np.int64)
        return self._zero

    def table(self, f: Frame) -> pa.Table:
        p, n = self.plan, len(f.line)
        usage = f.resource is not None
        commit = f.commit if (f.commit >= 0).any() else None
        keys = {
            "sub": f.sub,
            "sku": f.sku,
            "line": f.line,
            "desc": f.desc,
            "region": f.region,
            "invoice": self.vocab.sub_account[f.sub] * len(p.months) + f.month,
            "commit": commit,
        }
        if usage:
            keys.update(usage_sku=f.sku, usage_desc=f.desc, zone=f.zone)
        else:  # bill-level rows: no SKU detail; commitment rows name their commitment
            keys["commit_resource"] = np.where(
                (f.line == UNUSED) | (f.line == PURCHASE), f.commit, -1
            )
        cols = self._dictionaries(keys, n)
        if usage:
            self._resource_columns(f, cols)
        else:
            cols.update((c, cols[c].dictionary_decode()) for c in PLAIN if c in cols)
        list_cost, effective = decimal128(f.lp, f.pq), decimal128(f.ep, f.pq)
        cols["ListCost"], cols["EffectiveCost"] = list_cost, effective
        cols["ContractedCost"] = effective if np.array_equal(f.cp, f.ep) else decimal128(f.cp, f.pq)
        cols["BilledCost"] = effective if np.array_equal(f.bp, f.ep) else decimal128(f.bp, f.pq)
        if commit is not None:
            cols["CommitmentDiscountQuantity"] = decimal128(f.qa, f.qb, commit >= 0)
        days = (p.epoch + np.stack([f.day0, f.day1])) * _DAY_US
        months = p.month_epoch[np.stack([f.month, f.month + 1])] * _DAY_US
        for name, values in (
            ("ChargePeriodStart", days[0]),
            ("ChargePeriodEnd", days[1]),
            ("BillingPeriodStart", months[0]),
            ("BillingPeriodEnd", months[1]),
            ("x_IngestedAt", np.full(n, self.now_us, np.int64)),
        ):
            cols[name] = pa.array(np.ascontiguousarray(values).view("datetime64[us]"))
        return pa.Table.from_arrays(
            [cols[x.name] if x.name in cols else self._null(n, x.type) for x in self.schema],
            schema=self.schema,
        )

    def _resource_columns(self, f: Frame, cols: dict[str, pa.Array]) -> None:
        """Ids are prefix + random token (16 hex, 13 upper-case hex or 5 hex: the tokens are
        fixed-width arrays, null where a row's kind uses another width); names stem + 5 hex."""
        kind = self.vocab.sku_kind[f.sku]
        width, digits = self.vocab.id_width[kind], _digits(f.resource)
        tokens = [
            _tokens(digits, w, width == w, upper=w == 13) for w in (16, 13, 5) if (width == w).any()
        ]
        cols["ResourceId"] = pc.binary_join_element_wise(
            self.vocab.prefixes.take(pa.array(f.prefix)), *tokens, "", null_handling="skip"
        )
        cols["ResourceName"] = pc.binary_join_element_wise(
            self.vocab.names.take(pa.array(kind * self.vocab.slots + f.app)),
            _tokens(digits, 5, self.vocab.name_token[kind]),
            "",
            null_handling="skip",
        )
        cols["Tags"] = self.vocab.tags.take(_indices(f.tagset))
        cell = pa.array(f.cell.astype(np.int32))
        for name, prices in zip(_UNIT_PRICES, self.vocab.unit_prices, strict=True):
            cols[name] = pa.DictionaryArray.from_arrays(cell, prices, safe=False)
        cols["PricingQuantity"] = quantity = decimal128(PRICE, f.pq)
        cols["ConsumedQuantity"] = (
            quantity if np.array_equal(f.pq, f.cq) else decimal128(PRICE, f.cq)
        )
