"""Recently resolved credentials, so a busy client does not cost a key lookup, a user check
and a grants listing on every request.

Keyed by the SHA-256 of the credential (the secret itself is not kept as a key). An entry is
used only while the credentials epoch (:mod:`costlake.db.epoch`) has not moved since it was
made, so a revoked key, a deactivated user or a withdrawn grant takes effect on the very next
request, on every process sharing the metadata database; the check is one primary-key read.
An entry also ends when its credential expires and after ``ttl`` seconds at most
(``COSTLAKE_CREDENTIAL_CACHE_SECONDS``; 0 turns the cache off).
"""

from __future__ import annotations

import hashlib
import threading
import time

from costlake.auth.principals import Principal
from costlake.kit.clock import now

MAX_ENTRIES = 10_000


class PrincipalCache:
    def __init__(self, ttl_seconds: float) -> None:
        self.ttl = ttl_seconds
        self._lock = threading.Lock()
        self._entries: dict[bytes, tuple[float, int, Principal]] = {}

    @staticmethod
    def _key(kind: str, credential: str) -> bytes:
        return hashlib.sha256(f"{kind}\0{credential}".encode()).digest()

    def get(self, kind: str, credential: str, epoch: int) -> Principal | None:
        """The principal cached for ``credential`` under the current ``epoch``, if any."""
        if self.ttl <= 0:
            return None
        entry = self._entries.get(self._key(kind, credential))
        if entry is None or entry[0] < time.monotonic() or entry[1] != epoch:
            return None
        who = entry[2]
        if who.expires_at is not None and who.expires_at <= now():
            return None
        return who

    def put(self, kind: str, credential: str, epoch: int, principal: Principal) -> None:
        if self.ttl <= 0:
            return
        moment = time.monotonic()
        with self._lock:
            if len(self._entries) >= MAX_ENTRIES:
                self._entries = {k: v for k, v in self._entries.items() if v[0] >= moment}
                if len(self._entries) >= MAX_ENTRIES:
                    self._entries.clear()
            self._entries[self._key(kind, credential)] = (moment + self.ttl, epoch, principal)
