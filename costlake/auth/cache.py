"""Recently resolved credentials, for a few seconds, so a busy client does not cost a
database round trip and a hash verification on every request.

Keyed by the SHA-256 of the credential (the secret itself is not kept as a key). A revoked
or expired key, or a user who lost a grant, takes effect within ``ttl`` seconds on every
process (``COSTLAKE_CREDENTIAL_CACHE_SECONDS``; 0 turns the cache off).
"""

from __future__ import annotations

import hashlib
import threading
import time

from costlake.auth.principals import Principal

MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._lock = threading.Lock()
        self._entries: dict[bytes, tuple[float, Principal]] = {}

    @staticmethod
    def _key(kind: str, credential: str) -> bytes:
        return hashlib.sha256(f"{kind}\0{credential}".encode()).digest()

    def get(self, kind: str, credential: str) -> Principal | None:
        if self.ttl <= 0:
            return None
        entry = self._entries.get(self._key(kind, credential))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, kind: str, credential: str, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] >= now}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
            self._entries[self._key(kind, credential)] = (now + self.ttl, principal)
