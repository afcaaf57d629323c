"""How key secrets are stored and checked: an argon2id hash, found through a short lookup.

* ``lookup_of(secret)``: the first 16 hex digits of SHA-256(secret), stored indexed, so
  authentication verifies against the one row that can match instead of every key.
  64 bits of a hash of a 190-256 bit random secret give nothing usable away.
* ``hash_secret`` / ``verify``: argon2id, at OWASP's minimum profile (19 MiB, 2 passes,
  1 lane). Key secrets are random, not chosen by people, so the hash is defence in depth
  rather than the only protection, and each verification stays in the tens of ms.
* A bounded in-process memo of (secret digest, hash) pairs already verified, so a busy
  client does not pay argon2 on every request. It memoises a fact about two strings,
  never a decision: revocation and expiry are still read from the row each time.

See docs/decisions/0003-api-keys.md.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

LOOKUP_HEX_DIGITS = 16

_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def lookup_of(secret: str) -> str:
    """The indexed lookup value of ``secret``."""
    return hashlib.sha256(secret.encode()).hexdigest()[:LOOKUP_HEX_DIGITS]


def hash_secret(secret: str) -> str:
    """The argon2id hash (PHC string, parameters included) to store for ``secret``."""
    return _HASHER.hash(secret)


def needs_rehash(secret_hash: str) -> bool:
    """Whether a stored hash uses other parameters than the current profile."""
    try:
        return _HASHER.check_needs_rehash(secret_hash)
    except InvalidHashError:
        return False


class _VerifiedMemo:
    """A thread-safe LRU set of (sha256(secret), argon2 hash) pairs known to match."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._entries: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, entry: tuple[str, str]) -> bool:
        with self._lock:
            if entry in self._entries:
                self._entries.move_to_end(entry)
                return True
            return False

    def add(self, entry: tuple[str, str]) -> None:
        with self._lock:
            self._entries[entry] = None
            self._entries.move_to_end(entry)
            while len(self._entries) > self._capacity:
                self._entries.popitem(last=False)


_MEMO = _VerifiedMemo(capacity=10_000)


def verify(secret_hash: str, secret: str) -> bool:
    """Whether ``secret`` matches the stored argon2 hash."""
    entry = (hashlib.sha256(secret.encode()).hexdigest(), secret_hash)
    if entry in _MEMO:
        return True
    try:
        _HASHER.verify(secret_hash, secret)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    _MEMO.add(entry)
    return True
