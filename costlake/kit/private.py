"""costlake's files hold bills, keys and credentials: only their owner may read them.

Most files are not created by costlake's own ``open`` calls but by SQLite (the database
and its ``-wal`` and ``-shm`` files), DuckDB (every Parquet file of the lake) and
tempfile, so per-call modes cannot cover them. Every costlake process (the CLI, the
server) instead narrows its umask once at start: whatever umask the shell had (022 on most
systems), new folders are 0700 and new files 0600.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_MASK = 0o077


def private_files() -> None:
    """From now on, this process creates files 0600 and folders 0700 (bits the current
    umask already removes stay removed)."""
    current = os.umask(PRIVATE_MASK)
    os.umask(current | PRIVATE_MASK)


def private_dir(path: Path) -> Path:
    """``path`` created (with its parents) as a folder only its owner can enter."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path
