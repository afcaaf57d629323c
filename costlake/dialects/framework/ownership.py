"""Which dialect owns a path: the longest registered prefix, matched on whole segments.

Xplorr owns ``/api/v1`` and StackSpend ``/api/v1/public``: ``/api/v1/public/nope`` is
StackSpend's, ``/api/v1/publicity`` Xplorr's. Two dialects claiming the same prefix is
refused when the server is built, so an unknown path always has exactly one owner and is
answered in that owner's error body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Generic, Protocol, TypeVar


class HasPrefixes(Protocol):
    name: str
    path_prefixes: tuple[str, ...]


D = TypeVar("D", bound=HasPrefixes)


class AmbiguousOwner(ValueError):
    """Two dialects claim the same path prefix."""


class PathOwners(Generic[D]):
    def __init__(self, dialects: Iterable[D]) -> None:
        self._by_prefix: dict[str, D] = {}
        for dialect in dialects:
            for prefix in dialect.path_prefixes:
                norm = prefix.rstrip("/")
                if not norm.startswith("/") or norm != prefix:
                    raise ValueError(f"{dialect.name}: prefix {prefix!r} must be '/a/b'")
                other = self._by_prefix.get(norm)
                if other is not None and other is not dialect:
                    raise AmbiguousOwner(
                        f"{norm!r} is claimed by both {other.name!r} and {dialect.name!r}"
                    )
                self._by_prefix[norm] = dialect
        # longest first: the first match is the most specific owner
        self._ordered = sorted(self._by_prefix.items(), key=lambda kv: -len(kv[0]))

    def owner(self, path: str) -> D | None:
        for prefix, dialect in self._ordered:
            if path == prefix or path.startswith(prefix + "/"):
                return dialect
        return None

    def prefixes(self) -> dict[str, str]:
        return {p: d.name for p, d in self._ordered}
