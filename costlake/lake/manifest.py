"""The per-org manifest: the one file that says which Parquet files make up the lake.

A commit writes a new manifest beside the old one and renames it over it (``os.replace`` is
atomic on POSIX), under an exclusive ``flock`` so that concurrent writers serialise. A reader
reads the manifest once and so sees one generation: the old period or the new one, never half.
Files a commit replaced are listed as ``retired`` and deleted only after a grace period, so a
reader that took its snapshot just before the commit can still finish.

Each partition also records every file's size and digest (``FileSum``, ``CHECKSUM``), so
damage inside the lake (a file deleted, cut short or altered) is found by ``costlake check``
and, for size and presence, by every read (``LakeSnapshot``). Manifests written before
checksums existed read as partitions without them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import xxhash

from costlake.errors import CorruptManifest

MANIFEST_NAME = "_manifest.json"
LOCK_NAME = ".lock"
FORMAT_VERSION = 1


CHECKSUM = "xxh3_128"
"""The digest kept for each file: XXH3 (128 bits) hashes 25 GB/s here, SHA-256 1.7 GB/s
(SHA-NI; 30 ms of a 1M-row ingest, 0.15 s of 10M: 0014). The checksum finds damage (a
file cut short, a flipped bit, a copy gone wrong), not tampering: whoever can write the
files can write the manifest too. The name is stored beside each digest; lakes written
with ``sha256`` keep verifying with it."""

_DIGESTS: dict[str, Callable[[], Any]] = {"xxh3_128": xxhash.xxh3_128}
"""Non-hashlib digests by name; any other name is one of ``hashlib``'s."""


@dataclass(frozen=True, slots=True)
class FileSum:
    """What a file of the lake was when it was published: its size and digest."""

    path: str  # relative to the org folder
    size: int
    digest: str  # hex, of algorithm ``algorithm``
    algorithm: str = CHECKSUM


def file_sum(path: Path, relative: str, algorithm: str = CHECKSUM) -> FileSum:
    """Size and digest of one file; ValueError for an algorithm neither ``_DIGESTS`` nor
    hashlib knows."""
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, _DIGESTS.get(algorithm, algorithm)).hexdigest()
        size = os.fstat(fh.fileno()).st_size
    return FileSum(relative, size, digest, algorithm)


@dataclass(frozen=True, slots=True)
class Partition:
    """One billing period of one source: an immutable, versioned folder of Parquet files."""

    source: str
    period: str  # "YYYY-MM" of BillingPeriodStart
    version: str  # the ingest transaction that wrote it
    files: tuple[str, ...]  # relative to the org folder
    rows: int
    min_charge_start: datetime | None
    max_charge_end: datetime | None
    source_format: str
    committed_at: datetime
    rollups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(rollup name, its files relative to the org folder); see ``costlake.lake.rollups``."""
    checksums: tuple[FileSum, ...] = ()
    """Size and digest of every file and rollup file (empty: written before checksums)."""

    @property
    def folder(self) -> str:
        return f"source={self.source}/period={self.period}/v={self.version}"

    def overlaps(self, start: datetime | None, end: datetime | None) -> bool:
        """Could this partition hold charges starting in [start, end)?"""
        if self.min_charge_start is None or self.max_charge_end is None:
            return True
        if end is not None and self.min_charge_start >= end:
            return False
        return not (start is not None and self.max_charge_end <= start)

    def rollup_files(self, name: str) -> tuple[str, ...] | None:
        """The files of one rollup of this partition (None: it has none; lakes written
        before rollups existed, or a rollup added since)."""
        for rollup, files in self.rollups:
            if rollup == name:
                return files
        return None

    @property
    def all_files(self) -> tuple[str, ...]:
        """Line-item files, then every rollup file (relative to the org folder)."""
        return self.files + tuple(f for _, files in self.rollups for f in files)

    def checksum(self, path: str) -> FileSum | None:
        for s in self.checksums:
            if s.path == path:
                return s
        return None


@dataclass(frozen=True, slots=True)
class Retired:
    folder: str
    retired_at: datetime


@dataclass(frozen=True, slots=True)
class Manifest:
    org: str
    generation: int = 0
    partitions: tuple[Partition, ...] = ()
    retired: tuple[Retired, ...] = field(default_factory=tuple)

    def to_json(self) -> bytes:
        def part(p: Partition) -> dict[str, object]:
            return {
                "source": p.source,
                "period": p.period,
                "version": p.version,
                "files": list(p.files),
                "rows": p.rows,
                "min_charge_start": _iso(p.min_charge_start),
                "max_charge_end": _iso(p.max_charge_end),
                "source_format": p.source_format,
                "committed_at": _iso(p.committed_at),
                "rollups": {name: list(files) for name, files in p.rollups},
                "checksums": {c.path: {"size": c.size, c.algorithm: c.digest} for c in p.checksums},
            }

        return orjson.dumps(
            {
                "format": FORMAT_VERSION,
                "org": self.org,
                "generation": self.generation,
                "partitions": [part(p) for p in self.partitions],
                "retired": [
                    {"folder": r.folder, "retired_at": _iso(r.retired_at)} for r in self.retired
                ],
            },
            option=orjson.OPT_INDENT_2,
        )

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        doc = orjson.loads(data)
        return cls(
            org=doc["org"],
            generation=doc["generation"],
            partitions=tuple(
                Partition(
                    source=p["source"],
                    period=p["period"],
                    version=p["version"],
                    files=tuple(p["files"]),
                    rows=p["rows"],
                    min_charge_start=_dt(p["min_charge_start"]),
                    max_charge_end=_dt(p["max_charge_end"]),
                    source_format=p["source_format"],
                    committed_at=_dt(p["committed_at"]) or datetime.min,
                    rollups=tuple(
                        (name, tuple(files)) for name, files in p.get("rollups", {}).items()
                    ),
                    checksums=tuple(_sums(p.get("checksums", {}))),
                )
                for p in doc["partitions"]
            ),
            retired=tuple(
                Retired(r["folder"], _dt(r["retired_at"]) or datetime.min) for r in doc["retired"]
            ),
        )


def _sums(doc: dict[str, dict[str, object]]) -> Iterator[FileSum]:
    for path, entry in doc.items():
        digests = [k for k in entry if k != "size"]
        if len(digests) != 1 or not isinstance(entry["size"], int):
            raise ValueError(f"checksum of {path}")
        yield FileSum(path, entry["size"], str(entry[digests[0]]), digests[0])


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def read(org_dir: Path, org: str) -> Manifest:
    """The current manifest of an org (an empty one if nothing was ever committed).

    Raises ``CorruptManifest`` naming the file when it is not a manifest (cut short,
    overwritten, edited by hand): never a bare JSON or key error."""
    path = org_dir / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return Manifest(org=org)
    try:
        return Manifest.from_json(data)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as e:
        problem = "not valid JSON" if isinstance(e, orjson.JSONDecodeError) else f"bad entry {e}"
        raise CorruptManifest(
            f"the lake manifest of org {org!r} ({org_dir.name}/{MANIFEST_NAME} in the lake) is "
            f"unreadable ({problem}); "
            f"restore it from a backup, or move it aside and re-ingest every source of {org!r}",
            org=org,
            path=str(path),
        ) from None


def write_atomically(org_dir: Path, manifest: Manifest) -> None:
    """Replace the manifest in one rename, after its bytes and folder entries are on disk."""
    tmp = org_dir / f".{MANIFEST_NAME}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as fh:
            fh.write(manifest.to_json())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, org_dir / MANIFEST_NAME)
    except BaseException:
        tmp.unlink(missing_ok=True)  # a disk-full half file; the manifest is untouched
        raise
    fsync_dir(org_dir)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def locked(org_dir: Path) -> Iterator[None]:
    """Hold the org's writer lock (released by the kernel if the process dies)."""
    org_dir.mkdir(parents=True, exist_ok=True)
    with open(org_dir / LOCK_NAME, "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
