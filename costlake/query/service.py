"""Run cost queries against an org's lake: snapshot -> files -> compiled SQL -> engine."""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import duckdb
import pyarrow as pa

from costlake.errors import LakeDamaged, NotFound
from costlake.lake.manifest import MANIFEST_NAME
from costlake.lake.store import Lake, LakeSnapshot
from costlake.query.compile import compile_query, result_columns
from costlake.query.engines import Engine, get_engine
from costlake.query.model import CostQuery, QueryResult
from costlake.query.planner import choose_rollup


def require_data(lake: Lake, org: str) -> None:
    """Refuse an org the lake has no data for, so that a typo is not answered with a cost
    of zero. Interactive surfaces (the CLI) call this; the dialects do not, since an org
    whose keys exist before its first bill must answer with zeros, as the vendors' APIs do
    for a new account."""
    orgs = lake.orgs()
    if org in orgs:
        return
    if not orgs:
        raise NotFound("the lake is empty; run costlake ingest")
    raise NotFound(f"no such org {org!r}; orgs with data: {', '.join(orgs)}")


CACHED_ANSWERS = 2048
"""Answers kept per process; an answer is a few kB, so this bounds the cache to megabytes."""

Version = tuple[int, int, int]
T = TypeVar("T")
_MISSING = object()


class QueryService:
    """Answers ``CostQuery`` objects for any org of one lake, on one engine.

    Answers are cached by (org, lake version, query): a lake version is the manifest file's
    identity (inode, size, modification time), and every commit replaces the manifest by a
    rename, so a cached answer is exactly what the same query over the same snapshot returns
    and can never outlive the data it came from. The snapshot itself is cached the same way,
    so a repeated question costs one ``stat``.
    """

    def __init__(
        self,
        lake: Lake,
        engine: Engine | None = None,
        *,
        use_rollups: bool = True,
        cache_size: int = CACHED_ANSWERS,
    ) -> None:
        self.lake = lake
        self.engine = engine or get_engine("duckdb")
        self.use_rollups = use_rollups
        """Read a partition's rollups instead of its line items when they give the same
        answer (see ``costlake.query.planner``)."""
        self.cache_size = cache_size
        self._lock = threading.Lock()
        self._answers: OrderedDict[tuple[str, Version, CostQuery], QueryResult] = OrderedDict()
        self._snapshots: dict[str, tuple[Version, LakeSnapshot]] = {}
        self._derived: OrderedDict[tuple[str, Version, Hashable], object] = OrderedDict()

    def version(self, org: str) -> Version:
        """The identity of ``org``'s current manifest; (0, 0, 0) before the first commit."""
        try:
            st = os.stat(self.lake.org_dir(org) / MANIFEST_NAME)
        except FileNotFoundError:
            return (0, 0, 0)
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def snapshot(self, org: str) -> tuple[Version, LakeSnapshot]:
        """The org's current snapshot and its version, read again only when it changed."""
        version = self.version(org)
        cached = self._snapshots.get(org)
        if cached is not None and cached[0] == version:
            return cached
        snap = self.lake.snapshot(org)
        if self.version(org) == version:  # not replaced while we read it
            self._snapshots[org] = (version, snap)
        return version, snap

    def remember(self, org: str, key: Hashable, compute: Callable[[], T]) -> T:
        """``compute()``, kept with the org's lake version like the query answers: for core
        services whose answer depends only on the lake and ``key`` (so nothing mutable, no
        clock). The value is shared between callers: it must be immutable."""
        if self.cache_size == 0:
            return compute()
        version = self.version(org)
        full = (org, version, key)
        with self._lock:
            hit = self._derived.get(full, _MISSING)
            if hit is not _MISSING:
                self._derived.move_to_end(full)
                return hit  # type: ignore[return-value]
        value = compute()
        if self.version(org) == version:
            with self._lock:
                self._derived[full] = value
                while len(self._derived) > self.cache_size:
                    self._derived.popitem(last=False)
        return value

    def run(
        self, org: str, query: CostQuery, *, snapshot: LakeSnapshot | None = None
    ) -> QueryResult:
        if snapshot is not None or self.cache_size == 0:
            return self._run(query, snapshot or self.lake.snapshot(org))
        version, snap = self.snapshot(org)
        key = (org, version, query)
        with self._lock:
            hit = self._answers.get(key)
            if hit is not None:
                self._answers.move_to_end(key)
        if hit is not None:
            return _copy(hit)
        result = self._run(query, snap)
        with self._lock:
            self._answers[key] = result
            while len(self._answers) > self.cache_size:
                self._answers.popitem(last=False)
        return _copy(result)

    def _run(self, query: CostQuery, snap: LakeSnapshot) -> QueryResult:
        cols = result_columns(query)
        rollup = choose_rollup(query) if self.use_rollups else None
        files = (
            snap.rollup_files(rollup.name, query.scan_start, query.end, query.sources)
            if rollup is not None
            else None
        )
        if files is None:
            rollup, files = None, snap.files(query.scan_start, query.end, query.sources)
        if not files:
            return QueryResult(query, cols, [], self.engine.name, 0)
        try:
            rows = self.engine.rows(compile_query(query), files)
        except (duckdb.IOException, duckdb.InvalidInputException) as e:
            if "parquet" not in str(e).lower() and "magic" not in str(e).lower():
                raise
            raise LakeDamaged(
                f"a lake file of org {snap.org!r} cannot be read (changed on disk since it "
                "was written); run `costlake check` to find it and re-ingest its period"
            ) from None
        return QueryResult(
            query, cols, rows, self.engine.name, len(files), rollup.name if rollup else None
        )

    def clear_cache(self) -> None:
        with self._lock:
            self._answers.clear()
            self._snapshots.clear()
            self._derived.clear()

    def sql(self, org: str, sql: str) -> pa.Table:
        """Run raw portable SQL over the org's whole lake (for tools and tests)."""
        files = self.lake.snapshot(org).files()
        return self.engine.execute(sql, files)


def _copy(result: QueryResult) -> QueryResult:
    """A result whose rows the caller may change without touching the cached one."""
    return QueryResult(
        result.query,
        result.columns,
        [dict(r) for r in result.rows],
        result.engine,
        result.files_scanned,
        result.rollup,
    )
