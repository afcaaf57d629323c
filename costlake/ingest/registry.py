"""The explicit registry of ingest adapters: format name -> adapter, and detection by columns."""

from __future__ import annotations

import threading

from costlake.errors import UnknownFormat
from costlake.ingest.base import Adapter, RawColumns

_ADAPTERS: dict[str, Adapter] = {}


def register(adapter: Adapter) -> Adapter:
    """Add an adapter; its ``name`` becomes a valid ``--format`` value."""
    if adapter.name in _ADAPTERS:
        raise ValueError(f"adapter {adapter.name!r} is registered twice")
    _ADAPTERS[adapter.name] = adapter
    return adapter


def adapters() -> dict[str, Adapter]:
    _load_builtin()
    return dict(_ADAPTERS)


def get(name: str) -> Adapter:
    _load_builtin()
    try:
        return _ADAPTERS[name]
    except KeyError:
        known = ", ".join(sorted(_ADAPTERS))
        raise UnknownFormat(f"unknown format {name!r}; known formats: {known}") from None


def detect(columns: RawColumns, *, path: str) -> Adapter:
    """The adapter most sure it reads ``columns``, or ``UnknownFormat`` naming the file."""
    _load_builtin()
    scored = sorted(((a.detect(columns), a.name) for a in _ADAPTERS.values()), reverse=True)
    if not scored or scored[0][0] <= 0:
        sample = ", ".join(sorted(columns.names)[:8])
        raise UnknownFormat(
            f"{path}: no known billing format has these columns ({sample}, ...); "
            f"pass --format with one of: {', '.join(sorted(_ADAPTERS))}"
        )
    return _ADAPTERS[scored[0][1]]


_loaded = False
_loading = threading.Lock()


def _load_builtin() -> None:
    """Import the built-in adapters once. Ingests may start on several threads at once (the
    server, tests): each waits until every adapter is registered, not just the first one."""
    global _loaded
    if _loaded:
        return
    with _loading:
        if _loaded:
            return
        from costlake.ingest import formats  # noqa: F401  (registers the built-in adapters)

        _loaded = True
