"""Exact money: integer prices and quantities, multiplied into DECIMAL(38, 18) Arrow arrays.

Floats would make totals depend on summation order (and so on batching); integers of 1e-10 USD
times integers of 1e-8 units are exact, and their product is a DECIMAL(38, 18) value as is.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pyarrow as pa

from costlake.demo.hashing import U64
from costlake.focus.schema import MONEY

PRICE = 10**10  # unit prices and amounts: integers of 1e-10 USD
QTY = 10**8  # quantities: integers of 1e-8 units


def decimal128(a: np.ndarray | int, b: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """``a * b`` as DECIMAL(38, 18), ``a`` in 1e-10 and ``b`` in 1e-8 units, signed.

    The 128-bit product is computed from 32-bit halves, in cache-sized chunks, straight into
    the little-endian two-word layout Arrow uses for decimal128.
    """
    n, m, step = len(b), U64(0xFFFFFFFF), 16384
    a = np.broadcast_to(np.asarray(a, np.int64), (n,))
    words = np.empty((n, 2), U64)
    for s in range(0, n, step):
        x, y = a[s : s + step], b[s : s + step]
        ux, uy = np.abs(x).view(U64), np.abs(y).view(U64)
        x0, x1, y0, y1 = ux & m, ux >> 32, uy & m, uy >> 32
        p00, p01, p10, p11 = x0 * y0, x0 * y1, x1 * y0, x1 * y1
        mid = p00 >> 32
        mid += p01 & m
        mid += p10 & m
        lo = (p00 & m) | (mid << 32)
        hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32)
        negative = (x < 0) ^ (y < 0)
        if negative.any():  # two's complement of the 128-bit magnitude
            nlo = ~lo + U64(1)
            hi = np.where(negative, ~hi + (nlo == 0).astype(U64), hi)
            lo = np.where(negative, nlo, lo)
        words[s : s + step, 0], words[s : s + step, 1] = lo, hi
    validity = None
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(MONEY, n, [validity, pa.py_buffer(words)])


def price_int(text: str, permille: int = 1000) -> int:
    return int(Decimal(text) * PRICE) * permille // 1000
