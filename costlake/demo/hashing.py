"""Counter-based randomness: every random draw is a hash of (seed, row number, purpose).

Hashing a counter instead of advancing a generator is what makes a row independent of the batch
it is built in, and lets numpy draw a whole batch in a few vectorised operations.
"""

from __future__ import annotations

import numpy as np

U64 = np.uint64
MASK64 = (1 << 64) - 1
GOLD = 0x9E3779B97F4A7C15


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser, vectorised: a well-mixed 64-bit hash of each element."""
    z = x + U64(GOLD)
    z = (z ^ (z >> 30)) * U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> 27)) * U64(0x94D049BB133111EB)
    return z ^ (z >> 31)


def mix_int(x: int) -> int:
    z = (x + GOLD) & MASK64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


def uniform(h: np.ndarray) -> np.ndarray:
    return (h >> 11).astype(np.float64) * (1.0 / (1 << 53))


def bits(h: np.ndarray, shift: int, width: int) -> np.ndarray:
    return ((h >> shift) & U64((1 << width) - 1)).astype(np.int64)
