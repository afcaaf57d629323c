"""The cost lake: Parquet partitions per org, source and billing period, under one root folder.

    <root>/org=<org>/_manifest.json
    <root>/org=<org>/source=<source>/period=<YYYY-MM>/v=<version>/*.parquet
    <root>/org=<org>/source=<source>.commitments/period=<YYYY-MM>/...  (FOCUS 1.3 Contract
                                                   Commitment rows of that source)
    <root>/org=<org>/_staging/<version>/...        (an ingest in progress)
    <root>/org=<org>/_staging/<version>/.alive     (locked by that ingest while it runs)

Writers stage files, then ``commit`` swaps whole periods in the manifest. Readers call
``snapshot`` and read only the files it lists. See docs/decisions/0002-lake-layout.md.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from costlake.errors import DamagedPartition, InvalidInput
from costlake.focus.commitments import SOURCE_SUFFIX
from costlake.lake import manifest as mf
from costlake.lake.manifest import FileSum, Manifest, Partition, Retired

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
DEFAULT_RETENTION = timedelta(minutes=15)

PARQUET_OPTIONS = "FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 122880"
"""How the lake's line items and rollups are written (DuckDB ``COPY`` options). LZ4 made
files 6% smaller but ingest no faster, measured (``docs/decisions/0005-ingest-cpu.md``)."""


def utcnow() -> datetime:
    """Wall-clock time (never the pinned COSTLAKE_NOW: retention compares with file times)."""
    return datetime.now(UTC).replace(tzinfo=None)


def _crash_point(name: str) -> None:
    """Fault injection for the crash-safety tests: ``COSTLAKE_CRASH_AT=<name>`` kills the
    process right here, as ``kill -9`` would."""
    if os.environ.get("COSTLAKE_CRASH_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def check_name(kind: str, value: str) -> str:
    """Org and source names become folder names: keep them short and safe."""
    if not _NAME.match(value):
        raise InvalidInput(
            f"invalid {kind} name {value!r}: use 1-63 letters, digits, '.', '_' or '-', "
            "starting with a letter or digit"
        )
    return value


@dataclass(frozen=True, slots=True)
class LakeSnapshot:
    """One consistent view of an org's lake; cheap to make, immutable, safe to share."""

    root: Path
    org: str
    generation: int
    partitions: tuple[Partition, ...]
    """Cost and usage: what every cost query reads."""
    commitments: tuple[Partition, ...] = ()
    """The FOCUS Contract Commitment dataset, per source and period (sources named
    ``<source>.commitments``); see ``costlake.lake.commitments``."""

    def files(
        self,
        start: datetime | None = None,
        end: datetime | None = None,
        sources: Iterable[str] | None = None,
    ) -> list[str]:
        """Absolute paths of the files that may hold charges starting in [start, end)."""
        wanted = set(sources) if sources is not None else None
        org_dir = self.root / f"org={self.org}"
        return [
            str(org_dir / f)
            for p in self.partitions
            if (wanted is None or p.source in wanted) and p.overlaps(start, end)
            for f in self._verified(p).files
        ]

    def _verified(self, p: Partition) -> Partition:
        """``p`` if each of its files (line items and rollups) is there at its recorded
        size; else ``DamagedPartition`` naming it. A ``stat`` per file: cheap enough for
        every read, while the digests are for ``costlake check``."""
        org_dir = self.root / f"org={self.org}"
        for f in p.all_files:
            recorded = p.checksum(f)
            try:
                size = (org_dir / f).stat().st_size
            except FileNotFoundError:
                problem = "is missing"
            else:
                if recorded is None or recorded.size == size:
                    continue
                problem = f"has {size:,} bytes, {recorded.size:,} when written"
            raise damaged(self.org, p, f"{f} {problem}")
        return p

    def rollup_files(
        self,
        name: str,
        start: datetime | None = None,
        end: datetime | None = None,
        sources: Iterable[str] | None = None,
    ) -> list[str] | None:
        """Like ``files``, the files of one rollup instead of the line items; None when a
        partition in range has no such rollup (the caller then reads the line items)."""
        wanted = set(sources) if sources is not None else None
        org_dir = self.root / f"org={self.org}"
        out: list[str] = []
        for p in self.partitions:
            if (wanted is None or p.source in wanted) and p.overlaps(start, end):
                files = self._verified(p).rollup_files(name)
                if files is None:
                    return None
                out += (str(org_dir / f) for f in files)
        return out

    @property
    def rows(self) -> int:
        return sum(p.rows for p in self.partitions)

    @property
    def is_empty(self) -> bool:
        return not self.partitions


def damaged(org: str, p: Partition, problem: str) -> DamagedPartition:
    """The error for a partition whose files are not what the manifest says."""
    return DamagedPartition(
        f"the lake partition {p.source}/{p.period} of org {org!r} is damaged: {problem}. "
        f"Run 'costlake check --org {org}'; to repair, re-ingest the source files for "
        f"{p.source}/{p.period}",
        org=org,
        source=p.source,
        period=p.period,
    )


def _checksums(files: Sequence[tuple[Path, str]]) -> dict[str, FileSum]:
    """Size and digest of each (file, name relative to the org folder), hashed on every
    core (the files were just written: they are read from the page cache)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(len(files), os.cpu_count() or 1) or 1) as pool:
        sums = pool.map(lambda item: mf.file_sum(*item), files)
        return {s.path: s for s in sums}


@dataclass(frozen=True, slots=True)
class StagedPartition:
    """A period's files written by an ingest into its staging folder, not yet visible."""

    source: str
    source_format: str
    period: str
    files: tuple[Path, ...]
    rows: int
    min_charge_start: datetime | None
    max_charge_end: datetime | None
    rollups: tuple[tuple[str, Path], ...] = ()
    """(rollup name, its file) computed from ``files`` (see ``costlake.lake.rollups``)."""


ALIVE_NAME = ".alive"
"""The liveness marker in each staging folder: its ingest holds an exclusive ``flock`` on it
from creation to commit or abort. The kernel drops the lock when the process dies, so
``collect_garbage`` tells a running ingest (lock held: keep) from a killed one (lock free:
remove now) whatever the folder's age."""


def _staging_alive(folder: Path) -> bool | None:
    """True while the ingest that owns ``folder`` runs, False once it is gone, None when the
    folder has no marker (made by an older costlake: only its age can tell)."""
    try:
        fd = os.open(folder / ALIVE_NAME, os.O_RDWR)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also releases the lock if we got it
    return False


class Lake:
    """The lake under ``root``. Thread- and process-safe; holds no open files but one
    liveness lock per ingest in progress (see ``ALIVE_NAME``)."""

    def __init__(self, root: Path, *, retention: timedelta = DEFAULT_RETENTION) -> None:
        self.root = Path(root)
        self.retention = retention
        self._alive: dict[tuple[str, str], int] = {}
        self._alive_guard = threading.Lock()

    def org_dir(self, org: str) -> Path:
        return self.root / f"org={check_name('org', org)}"

    def orgs(self) -> list[str]:
        if not self.root.exists():
            return []
        return sorted(
            p.name.removeprefix("org=")
            for p in self.root.glob("org=*")
            if (p / mf.MANIFEST_NAME).exists()
        )

    def snapshot(self, org: str) -> LakeSnapshot:
        m = mf.read(self.org_dir(org), org)
        cost = tuple(p for p in m.partitions if not p.source.endswith(SOURCE_SUFFIX))
        commitments = tuple(p for p in m.partitions if p.source.endswith(SOURCE_SUFFIX))
        return LakeSnapshot(self.root, org, m.generation, cost, commitments)

    def new_staging_dir(self, org: str) -> tuple[str, Path]:
        """A new staging folder, marked alive until ``commit`` or ``abort``.

        The folder is made under a dotted name, locked, then renamed: a cleanup never sees
        it under its real name without its lock held."""
        version = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{uuid.uuid4().hex[:12]}"
        staging = self.org_dir(org) / "_staging"
        pending = staging / f".{version}.new"
        pending.mkdir(parents=True)
        fd = os.open(pending / ALIVE_NAME, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        path = staging / version
        pending.rename(path)
        with self._alive_guard:
            self._alive[(org, version)] = fd
        return version, path

    def _release(self, org: str, version: str) -> None:
        """Drop an ingest's liveness lock (its staging folder is gone or going)."""
        with self._alive_guard:
            fd = self._alive.pop((org, version), None)
        if fd is not None:
            os.close(fd)

    def commit(self, org: str, version: str, staged: Sequence[StagedPartition]) -> Manifest:
        """Make staged periods visible, replacing the same (source, period) pairs.

        Under the org's writer lock, files move from staging into their final folders (still
        invisible: no manifest names them), then one atomic manifest swap publishes them all.
        A crash before the swap leaves the previous state; a later ``collect_garbage`` removes
        the orphans.
        """
        keys = [(sp.source, sp.period) for sp in staged]
        if len(set(keys)) != len(keys):
            raise ValueError("staged partitions must be one per (source, period)")
        org_dir = self.org_dir(org)
        now = utcnow()
        sums = _checksums(
            [
                (f, f"source={sp.source}/period={sp.period}/v={version}/{name}")
                for sp in staged
                for f, name in [
                    *((f, f"part-{i:05d}.parquet") for i, f in enumerate(sp.files)),
                    *((f, f"rollup-{r}.parquet") for r, f in sp.rollups),
                ]
            ]
        )
        with mf.locked(org_dir):
            new_parts: list[Partition] = []
            for sp in staged:
                check_name("source", sp.source)
                folder = org_dir / f"source={sp.source}" / f"period={sp.period}" / f"v={version}"
                folder.mkdir(parents=True, exist_ok=True)
                rel_files = []
                for i, f in enumerate(sp.files):
                    target = folder / f"part-{i:05d}.parquet"
                    f.rename(target)
                    rel_files.append(str(target.relative_to(org_dir)))
                rollups = []
                for name, f in sp.rollups:
                    target = folder / f"rollup-{name}.parquet"
                    f.rename(target)
                    rollups.append((name, (str(target.relative_to(org_dir)),)))
                mf.fsync_dir(folder)
                new_parts.append(
                    Partition(
                        source=sp.source,
                        period=sp.period,
                        version=version,
                        files=tuple(rel_files),
                        rows=sp.rows,
                        min_charge_start=sp.min_charge_start,
                        max_charge_end=sp.max_charge_end,
                        source_format=sp.source_format,
                        committed_at=now,
                        rollups=tuple(rollups),
                        checksums=tuple(sums[f] for f in (*rel_files, *(r[1][0] for r in rollups))),
                    )
                )
            _crash_point("before-manifest")
            current = mf.read(org_dir, org)
            replaced = {(p.source, p.period) for p in new_parts}
            kept = [p for p in current.partitions if (p.source, p.period) not in replaced]
            retired = list(current.retired) + [
                Retired(p.folder, now)
                for p in current.partitions
                if (p.source, p.period) in replaced
            ]
            parts = sorted(kept + new_parts, key=lambda p: (p.source, p.period))
            new = replace(
                current,
                generation=current.generation + 1,
                partitions=tuple(parts),
                retired=tuple(retired),
            )
            mf.write_atomically(org_dir, new)
            _crash_point("after-manifest")
        shutil.rmtree(org_dir / "_staging" / version, ignore_errors=True)
        self._release(org, version)
        self.collect_garbage(org)
        return new

    def attach_rollups(
        self, org: str, partition: Partition, rollups: dict[str, tuple[str, ...]]
    ) -> bool:
        """Publish rollups built later for a live partition (files relative to the org
        folder, already written inside the partition's folder). Returns False, and changes
        nothing, if that version of the partition is no longer live."""
        org_dir = self.org_dir(org)
        key = (partition.source, partition.period, partition.version)
        if not any((p.source, p.period, p.version) == key for p in self.snapshot(org).partitions):
            return False  # replaced meanwhile: its folder may be gone, nothing to hash
        sums = _checksums([(org_dir / f, f) for files in rollups.values() for f in files])
        with mf.locked(org_dir):
            current = mf.read(org_dir, org)
            parts = list(current.partitions)
            for i, p in enumerate(parts):
                if (p.source, p.period, p.version) == key:
                    merged = dict(p.rollups) | rollups
                    kept = tuple(s for s in p.checksums if s.path not in sums)
                    parts[i] = replace(
                        p,
                        rollups=tuple(sorted(merged.items())),
                        checksums=kept + tuple(sums.values()),
                    )
                    new = replace(
                        current, generation=current.generation + 1, partitions=tuple(parts)
                    )
                    mf.write_atomically(org_dir, new)
                    return True
        return False

    def abort(self, org: str, version: str) -> None:
        """Throw away an ingest's staging folder."""
        shutil.rmtree(self.org_dir(org) / "_staging" / version, ignore_errors=True)
        self._release(org, version)

    def delete_source(self, org: str, source: str) -> Manifest:
        """Remove every period of one source from the lake (atomically)."""
        org_dir = self.org_dir(org)
        now = utcnow()
        with mf.locked(org_dir):
            current = mf.read(org_dir, org)
            gone = [p for p in current.partitions if p.source == source]
            new = replace(
                current,
                generation=current.generation + 1,
                partitions=tuple(p for p in current.partitions if p.source != source),
                retired=current.retired + tuple(Retired(p.folder, now) for p in gone),
            )
            mf.write_atomically(org_dir, new)
        return new

    def delete_org(self, org: str) -> tuple[Partition, ...]:
        """Delete everything of ``org`` in the lake (closing the org); returns the
        partitions (cost and commitments) it held.

        An empty manifest is published first, under the writer lock, so a reader never
        sees a manifest naming deleted files; then the org's folder goes, with what any
        ingest had staged there."""
        org_dir = self.org_dir(org)
        if not org_dir.exists():
            return ()
        with mf.locked(org_dir):
            current = mf.read(org_dir, org)
            empty = replace(current, generation=current.generation + 1, partitions=(), retired=())
            mf.write_atomically(org_dir, empty)
        shutil.rmtree(org_dir, ignore_errors=True)
        return current.partitions

    def collect_garbage(self, org: str, *, now: datetime | None = None) -> list[str]:
        """Delete retired versions past the retention, and what dead ingests left.

        A staging folder whose ingest is gone (its liveness lock is free) goes at once, with
        the version folders a commit it was killed in had filled; a running ingest's folder
        stays, however old. Folders without a marker (older costlake) go by age."""
        org_dir = self.org_dir(org)
        now = now or utcnow()
        now_ts = now.replace(tzinfo=UTC).timestamp()
        removed: list[str] = []
        with mf.locked(org_dir):
            current = mf.read(org_dir, org)
            keep: list[Retired] = []
            for r in current.retired:
                if now - r.retired_at >= self.retention:
                    shutil.rmtree(org_dir / r.folder, ignore_errors=True)
                    removed.append(r.folder)
                else:
                    keep.append(r)
            if removed:
                mf.write_atomically(org_dir, replace(current, retired=tuple(keep)))
            retention = self.retention.total_seconds()
            dead: set[str] = set()
            staging = org_dir / "_staging"
            for folder in sorted(staging.iterdir()) if staging.exists() else []:
                alive = None if folder.name.startswith(".") else _staging_alive(folder)
                if alive is None:
                    alive = now_ts - _mtime(folder) < retention
                if not alive:
                    dead.add(folder.name)
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(str(folder.relative_to(org_dir)))
            # Under the writer lock no commit is half done: a version folder the manifest
            # does not name is debris, of a killed commit (its staging was dead) or retired.
            live = {p.folder for p in current.partitions} | {r.folder for r in keep}
            for folder in org_dir.glob("source=*/period=*/v=*"):
                rel = str(folder.relative_to(org_dir))
                old = now_ts - _mtime(folder) >= retention
                if rel not in live and (old or folder.name.removeprefix("v=") in dead):
                    shutil.rmtree(folder, ignore_errors=True)
                    removed.append(rel)
        return removed


def _mtime(path: Path) -> float:
    """A path's modification time (now if it vanished meanwhile: never "old")."""
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()
