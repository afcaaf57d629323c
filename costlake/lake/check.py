"""Verify the lake against its manifests: ``costlake check``.

Queries read rollups, so a line-item file cut short or deleted would go unnoticed until an
export or an unusual query hit it. This reads every file of every live partition (line items
and rollups), compares its size and SHA-256 with what the manifest recorded at publication,
and says, per damaged partition, what is wrong and how to repair it: re-ingesting the source
files for that source and billing period replaces the partition atomically. Files of lakes
written before checksums existed are checked for presence and a whole Parquet frame.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from costlake.errors import CorruptManifest, NotFound
from costlake.lake import manifest as mf
from costlake.lake.manifest import Partition
from costlake.lake.store import Lake

_PARQUET_MAGIC = b"PAR1"


@dataclass(frozen=True, slots=True)
class FileProblem:
    path: str
    """Relative to the org folder."""
    problem: str


@dataclass(frozen=True, slots=True)
class PartitionDamage:
    """One live partition with at least one file that is not what was published."""

    org: str
    source: str
    period: str
    version: str
    source_format: str
    problems: tuple[FileProblem, ...]

    @property
    def repair(self) -> str:
        return (
            f"re-ingest the source files for {self.source}/{self.period}: costlake ingest "
            f"<the {self.source_format} files of {self.period}> --org {self.org} "
            f"--source {self.source}"
        )


@dataclass(frozen=True, slots=True)
class OrgCheck:
    org: str
    partitions: int
    files: int
    bytes: int
    unverified: int
    """Files with no recorded checksum (written by an older costlake): checked for presence
    and a whole Parquet frame only."""
    damaged: tuple[PartitionDamage, ...]
    manifest_error: str | None = None

    @property
    def ok(self) -> bool:
        return not self.damaged and self.manifest_error is None


def check_lake(lake: Lake, org: str | None = None, *, threads: int | None = None) -> list[OrgCheck]:
    """Check one org (``NotFound`` if it has no lake) or every org."""
    orgs = lake.orgs()
    if org is not None:
        if org not in orgs:
            raise NotFound(f"no such org {org!r} in the lake at {lake.root}")
        orgs = [org]
    return [check_org(lake, name, threads=threads) for name in orgs]


def check_org(lake: Lake, org: str, *, threads: int | None = None) -> OrgCheck:
    """Every file of every live partition of ``org``, hashed on ``threads`` threads."""
    org_dir = lake.org_dir(org)
    try:
        manifest = mf.read(org_dir, org)
    except CorruptManifest as e:
        return OrgCheck(org, 0, 0, 0, 0, (), manifest_error=e.message)
    work = [(p, f) for p in manifest.partitions for f in p.all_files]
    workers = threads or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda item: _check_file(org_dir, *item), work))
    problems: dict[tuple[str, str], list[FileProblem]] = {}
    size = unverified = 0
    for (p, f), (problem, n, checked) in zip(work, results, strict=True):
        size += n
        unverified += not checked
        if problem is not None:
            problems.setdefault((p.source, p.period), []).append(FileProblem(f, problem))
    damaged = tuple(
        PartitionDamage(org, p.source, p.period, p.version, p.source_format, tuple(problems[key]))
        for p in manifest.partitions
        if (key := (p.source, p.period)) in problems
    )
    return OrgCheck(org, len(manifest.partitions), len(work), size, unverified, damaged)


def _check_file(org_dir: Path, p: Partition, relative: str) -> tuple[str | None, int, bool]:
    """(what is wrong or None, bytes read, whether a checksum was compared)."""
    path = org_dir / relative
    recorded = p.checksum(relative)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return "missing", 0, recorded is not None
    if recorded is None:
        return _parquet_frame_problem(path, size), size, False
    if size != recorded.size:
        how = "cut short" if size < recorded.size else "grown"
        return f"{how}: {size:,} bytes, {recorded.size:,} when written", size, True
    try:
        actual = mf.file_sum(path, relative, recorded.algorithm).digest
    except ValueError:
        return f"unknown checksum algorithm {recorded.algorithm!r} in the manifest", size, False
    if actual != recorded.digest:
        return f"altered: its {recorded.algorithm} differs from when it was written", size, True
    return None, size, True


def _parquet_frame_problem(path: Path, size: int) -> str | None:
    """For files without a checksum: does it start and end as a Parquet file does?"""
    if size < 12:
        return f"not a Parquet file ({size} bytes)"
    with open(path, "rb") as fh:
        head = fh.read(4)
        fh.seek(-4, os.SEEK_END)
        tail = fh.read(4)
    if head != _PARQUET_MAGIC or tail != _PARQUET_MAGIC:
        return "not a whole Parquet file (cut short or overwritten)"
    return None


def summary(checks: Iterable[OrgCheck]) -> dict[str, object]:
    """The JSON document ``costlake check --output json`` prints."""
    orgs = [
        {
            "org": c.org,
            "ok": c.ok,
            "partitions": c.partitions,
            "files": c.files,
            "bytes": c.bytes,
            "unverified_files": c.unverified,
            "manifest_error": c.manifest_error,
            "damaged": [
                {
                    "source": d.source,
                    "period": d.period,
                    "version": d.version,
                    "format": d.source_format,
                    "problems": [{"file": f.path, "problem": f.problem} for f in d.problems],
                    "repair": d.repair,
                }
                for d in c.damaged
            ],
        }
        for c in checks
    ]
    return {"ok": all(o["ok"] for o in orgs), "orgs": orgs}
