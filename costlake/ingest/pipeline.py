"""Ingest: billing files -> canonical FOCUS Parquet in the lake, streamed by DuckDB.

    paths --open--> raw relation --adapter.select--> SELECT <FOCUS exprs>
          --COPY per billing period--> staging --commit--> lake (one manifest swap)

Nothing is visible until the commit, so a failed or killed ingest leaves the lake as it was.
Bad values stop the ingest with an error naming the file, row and column; with
``skip_bad_rows`` such rows are left out and counted instead.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import duckdb

from costlake.errors import IngestError, MalformedFile
from costlake.focus.schema import COLUMNS
from costlake.ingest import commitments, files, registry
from costlake.ingest.canonical import (
    QUANTITY,
    Enricher,
    build_select,
    quantity_double,
    written_columns,
)
from costlake.ingest.connection import (
    ProgressCallback,
    ingest_connection,
    per_core,
    run_with_progress,
)
from costlake.ingest.files import Skipped
from costlake.ingest.periods import footer_periods, month_range, write_chunked
from costlake.ingest.reading import Group, check_required, describe, explain, raw_reader
from costlake.ingest.sql import ident, lit
from costlake.kit import clock
from costlake.lake import rollups
from costlake.lake.manifest import Manifest, Partition
from costlake.lake.store import PARQUET_OPTIONS, Lake, StagedPartition, check_name


@dataclass(frozen=True, slots=True)
class Replaced:
    """A (source, period) that was in the lake before this ingest, and its rows then."""

    source: str
    period: str
    rows: int


@dataclass(frozen=True, slots=True)
class IngestResult:
    org: str
    sources: tuple[str, ...]
    formats: tuple[str, ...]
    files: tuple[str, ...]
    rows_written: int
    rows_skipped: int
    periods: tuple[str, ...]
    seconds: float
    replaced: tuple[Replaced, ...] = ()
    """Periods this ingest replaced (a restatement or a re-delivery), with their old rows."""
    skipped_files: tuple[Skipped, ...] = ()
    """Files left out on purpose (folders' non-billing files, known sidecars), with why."""

    @property
    def rows_per_second(self) -> float:
        return self.rows_written / self.seconds if self.seconds else 0.0


_READ_ONCE = ("csv", "json")
"""Sources read once whatever their periods (``periods.write_chunked``): a text format's
parse is most of an ingest's cost (a 1M-row GCP JSON lines file was read twice, once to
list its periods)."""

SAMPLE_ROWS = 20_000
"""Rows at the head of a source read once that an enricher may read for its lookups
(``Enricher.wrap``'s ``sample``): an export's first hours hold most of its usage
descriptions. 0.1 s less than 100,000 rows on a 1M-row Azure CSV."""

_RESCAN = ("parquet",)
"""Sources an enricher may read twice (``Enricher.wrap``). Not CSV: the carbon lookup from
a second scan of a 1M-row Azure CSV was 0.4-0.7 s faster than classifying every line, but
held 2.0 GB resident against 0.8 GB (12 GB for 10M rows)."""


class Ingestor:
    """Runs ingests into one lake.

    ``enrichers`` are given by the composition root (``Platform.enrichers``: carbon today);
    ingest knows none of them by name, so a broken enricher fails loudly where it is built
    instead of silently ingesting without its columns.
    """

    def __init__(
        self, lake: Lake, *, threads: int | None = None, enrichers: Sequence[Enricher] = ()
    ) -> None:
        self.lake = lake
        self.threads = threads
        self.enrichers = list(enrichers)

    def ingest(
        self,
        paths: Sequence[Path | str],
        *,
        org: str = "default",
        source: str | None = None,
        format: str | None = None,
        skip_bad_rows: bool = False,
        progress: ProgressCallback | None = None,
    ) -> IngestResult:
        started = time.perf_counter()
        check_name("org", org)
        if source is not None:
            check_name("source", source)
            commitments.check_cost_source(source)
        if not paths:
            raise IngestError("no files to ingest")
        paths, left_out = files.collect([Path(p) for p in paths])
        replaced: tuple[Replaced, ...] = ()
        con = ingest_connection(self.threads)
        try:
            groups = self._group(con, paths, format)
            version, staging = self.lake.new_staging_dir(org)
            try:
                staged, written, skipped = self._stage(
                    con,
                    [g for g in groups if not commitments.is_commitments(g.adapter)],
                    staging,
                    source=source,
                    skip_bad_rows=skip_bad_rows,
                    progress=progress,
                )
                staged = self._with_rollups(con, _merge_same_partitions(staged), staging)
                supporting = _stage_commitments(con, groups, staging, source)
                staged, written = staged + supporting, written + sum(s.rows for s in supporting)
                if staged:
                    snap = self.lake.snapshot(org)
                    before = snap.partitions + snap.commitments
                    after = self.lake.commit(org, version, staged)
                    replaced = _replaced(before, after, {(s.source, s.period) for s in staged})
                else:
                    self.lake.abort(org, version)
            except BaseException:
                self.lake.abort(org, version)
                raise
        finally:
            con.close()
        return IngestResult(
            org=org,
            sources=tuple(sorted({s.source for s in staged})),
            formats=tuple(sorted({g.adapter.name for g in groups})),
            files=tuple(str(p) for p in paths),
            rows_written=written,
            rows_skipped=skipped,
            periods=tuple(sorted({s.period for s in staged})),
            seconds=time.perf_counter() - started,
            replaced=replaced,
            skipped_files=tuple(left_out),
        )

    # -- steps -------------------------------------------------------------------------------

    def _group(
        self, con: duckdb.DuckDBPyConnection, paths: list[Path], format: str | None
    ) -> list[Group]:
        forced = registry.get(format) if format else None
        groups: dict[tuple[str, str, frozenset[str]], Group] = {}
        for path in paths:
            cols = describe(con, path)
            adapter = forced or registry.detect(cols, path=str(path))
            key = (adapter.name, cols.file_format, cols.names)
            group = groups.setdefault(key, Group(adapter, cols.file_format, columns=cols))
            group.add(path, cols)
        return list(groups.values())

    def _stage(
        self,
        con: duckdb.DuckDBPyConnection,
        groups: list[Group],
        staging: Path,
        *,
        source: str | None,
        skip_bad_rows: bool,
        progress: ProgressCallback | None,
    ) -> tuple[list[StagedPartition], int, int]:
        ingested_at = clock.utcnow().isoformat(sep=" ")
        staged: list[StagedPartition] = []
        written = skipped = 0
        for i, group in enumerate(groups):
            assert group.columns is not None
            where = f"{group.paths[0]}" if len(group.paths) == 1 else f"{len(group.paths)} files"
            reader = raw_reader(
                group.paths,
                group.file_format,
                group.adapter.csv_options.null_strings,
                dialect=group.dialect,
            )
            out = staging / f"g{i}"
            try:
                name = source or self._default_source(con, group, reader, skip_bad_rows)
                canonical = partial(
                    build_select,
                    group.adapter,
                    group.columns,
                    source=name,
                    ingested_at=ingested_at,
                    check_required=False,
                )
                select, bad = canonical(skip_bad_rows=skip_bad_rows)
                wanted = self._sample_columns(group, skip_bad_rows)
                sample = canonical(skip_bad_rows=False, only=wanted)[0] if wanted else None
                n = self._copy(
                    con, group, reader, select, bad, out, skip_bad_rows, progress, sample
                )
            except MalformedFile as e:
                raise MalformedFile(e.message, path=where) from None
            except duckdb.Error as e:
                raise explain(con, group, reader, e) from None
            if not skip_bad_rows:
                check_required(con, group, reader, out)
            written += n
            if skip_bad_rows:
                total = con.execute(f"SELECT count(*) FROM {reader}").fetchall()[0][0]
                skipped += total - n
            staged.extend(self._partitions(con, group, out, name))
        return staged, written, skipped

    def _sample_columns(self, group: Group, skip_bad_rows: bool) -> tuple[str, ...]:
        """The columns the first enricher's sample of a source read once selects (its
        ``sample_columns``); none for the whole select (with bad rows skipped, the sample
        must skip the same rows, which takes every column's checks)."""
        if group.file_format not in _READ_ONCE or skip_bad_rows or not self.enrichers:
            return ()
        return self.enrichers[0].sample_columns

    @staticmethod
    def _default_source(
        con: duckdb.DuckDBPyConnection, group: Group, reader: str, skip_bad_rows: bool
    ) -> str:
        """The source name of a delivery ingested without ``--source``: its format and the
        billing accounts of the rows it will write (one narrow scan, before the copy, so
        the files are written with their final name)."""
        assert group.columns is not None
        select, bad = build_select(
            group.adapter,
            group.columns,
            source="__pending__",
            ingested_at="1970-01-01 00:00:00",
            skip_bad_rows=skip_bad_rows,
        )
        account = group.adapter.select(group.columns)["BillingAccountId"].sql
        where = f" WHERE NOT ({bad})" if skip_bad_rows else ""
        rows = con.execute(
            f"SELECT DISTINCT {account} FROM {reader} AS raw{where} ORDER BY 1"
        ).fetchall()
        return default_source(group.adapter.name, [str(r[0]) for r in rows if r[0] is not None])

    def _copy(
        self,
        con: duckdb.DuckDBPyConnection,
        group: Group,
        reader: str,
        select: str,
        bad: str,
        out: Path,
        skip_bad_rows: bool,
        progress: ProgressCallback | None,
        sample_select: str | None = None,
    ) -> int:
        """Stream one group into ``out/__period=<YYYY-MM>/`` folders; returns rows written.

        ``sample_select`` is the select list the first enricher reads its sample through
        (its ``sample_columns``); without it the sample is the whole select.

        CSV and JSON lines are parsed once, into chunks sorted into periods after
        (``periods.write_chunked``). Parquet is cheaper to read than to partition: one
        plain COPY per billing period, each with a filter DuckDB pushes into the scan
        (exports are clustered by period, so each pass reads little more than its own row
        groups).
        """

        for enricher in self.enrichers:
            enricher.prepare(con)

        assert group.columns is not None
        exprs = group.adapter.select(group.columns)
        quantity = quantity_double(exprs)
        written = written_columns(exprs, self.enrichers)

        def body(where: str | None) -> str:
            conds = [c for c in (where, f"NOT ({bad})" if skip_bad_rows else None) if c]
            extra = f",\n  {quantity} AS {QUANTITY}" if quantity and self.enrichers else ""
            sql = f"SELECT\n  {select}{extra}\nFROM {reader} AS raw"
            if conds:
                sql += "\nWHERE " + " AND ".join(conds)
            # A source read once lends its first rows to an enricher's lookups.
            sample = None
            if group.file_format in _READ_ONCE:
                head = f"SELECT\n  {sample_select}\nFROM {reader} AS raw" if sample_select else sql
                sample = f"{head}\nLIMIT {SAMPLE_ROWS}"
            for i, enricher in enumerate(self.enrichers):
                sql = enricher.wrap(
                    sql,
                    rescan=group.file_format in _RESCAN,
                    quantity=QUANTITY if extra and i == 0 else None,
                    sample=sample if i == 0 else None,
                )
            if len(written) < len(COLUMNS):
                sql = f"SELECT {', '.join(map(ident, written))} FROM ({sql}) AS __written"
            return sql

        options = PARQUET_OPTIONS
        if group.file_format in _READ_ONCE:

            def finish(files: list[str]) -> None:
                for enricher in self.enrichers:
                    enricher.finish(con, files, options)

            return write_chunked(con, body(None), out, progress, finish)
        start = exprs["BillingPeriodStart"].sql
        period = f"strftime(CAST({start} AS TIMESTAMP), '%Y-%m')"
        footers = footer_periods(con, group.paths, start)
        periods = footers or [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {period} FROM {reader} AS raw ORDER BY 1 NULLS LAST"
            ).fetchall()
        ]
        jobs = []
        for p in periods:
            where: str | None = (
                f"{period} IS NULL" if p is None else month_range(f"CAST({start} AS TIMESTAMP)", p)
            )
            if footers and len(footers) == 1:
                where = None  # every row group's statistics say this period, and no NULLs
            target = out / f"__period={p or 'unknown'}"
            target.mkdir(parents=True, exist_ok=True)
            jobs.append(
                f"COPY ({body(where)}) TO {lit(str(target / 'data_0.parquet'))} ({options})"
            )
        return self._run_parallel(con, jobs, progress)

    def _run_parallel(
        self, con: duckdb.DuckDBPyConnection, jobs: list[str], progress: ProgressCallback | None
    ) -> int:
        """Run the per-period COPYs, one per core at a time (``connection.per_core``)."""
        if len(jobs) == 1:
            return run_with_progress(con, jobs[0], progress)
        done: list[int] = []
        lock = threading.Lock()

        def run(cur: duckdb.DuckDBPyConnection, sql: str) -> int:
            for enricher in self.enrichers:
                enricher.prepare(cur)
            n = int(cur.execute(sql).fetchall()[0][0])
            with lock:
                done.append(n)
                if progress is not None:
                    progress(len(done) / len(jobs), sum(done))
            return n

        return sum(per_core(con, run, jobs))

    def _with_rollups(
        self, con: duckdb.DuckDBPyConnection, staged: list[StagedPartition], staging: Path
    ) -> list[StagedPartition]:
        """Compute each staged partition's rollups beside its files, one partition per core."""
        folder = staging / "rollups"
        folder.mkdir(exist_ok=True)

        def build(
            cur: duckdb.DuckDBPyConnection, item: tuple[int, StagedPartition]
        ) -> StagedPartition:
            i, sp = item
            made = rollups.write(cur, [str(f) for f in sp.files], folder, tag=str(i))
            return replace(sp, rollups=tuple(made.items()))

        return per_core(con, build, list(enumerate(staged)))

    def _partitions(
        self, con: duckdb.DuckDBPyConnection, group: Group, out: Path, name: str
    ) -> list[StagedPartition]:
        if not out.exists():
            return []
        stats = con.execute(
            "SELECT __period, count(*), min(ChargePeriodStart), max(ChargePeriodEnd) "
            f"FROM read_parquet({lit(str(out / '**' / '*.parquet'))}, hive_partitioning = true) "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
        result = []
        for period, rows, lo, hi in stats:
            files = tuple(sorted((out / f"__period={period}").glob("*.parquet")))
            result.append(
                StagedPartition(
                    source=name,
                    source_format=group.adapter.name,
                    period=period,
                    files=files,
                    rows=rows,
                    min_charge_start=lo,
                    max_charge_end=hi,
                )
            )
        return result


def _stage_commitments(
    con: duckdb.DuckDBPyConnection, groups: list[Group], staging: Path, source: str | None
) -> list[StagedPartition]:
    """The FOCUS Contract Commitment groups, staged beside cost and usage for the same
    commit (``costlake.ingest.commitments``)."""
    ingested_at = clock.utcnow().isoformat(sep=" ")
    staged: list[StagedPartition] = []
    for i, group in enumerate(g for g in groups if commitments.is_commitments(g.adapter)):
        assert group.columns is not None
        reader = raw_reader(
            group.paths,
            group.file_format,
            group.adapter.csv_options.null_strings,
            dialect=group.dialect,
        )
        staged += commitments.stage(
            con,
            group.adapter,
            group.columns,
            group.paths,
            reader,
            staging / f"c{i}",
            source=source,
            ingested_at=ingested_at,
        )
    return _merge_same_partitions(staged)


def _replaced(
    before: Sequence[Partition], after: Manifest, keys: set[tuple[str, str]]
) -> tuple[Replaced, ...]:
    """The partitions of ``keys`` that the commit retired, with their rows.

    ``before`` is read just before the commit (outside its lock); a version committed by
    another writer in between is retired too, and counted only if ``before`` knew it.
    """
    gone = {r.folder for r in after.retired}
    return tuple(
        Replaced(p.source, p.period, p.rows)
        for p in sorted(before, key=lambda p: (p.source, p.period))
        if (p.source, p.period) in keys and p.folder in gone
    )


def _merge_same_partitions(staged: list[StagedPartition]) -> list[StagedPartition]:
    """One partition per (source, period): files of one delivery with different columns (a
    tag column that appears mid-month, say) are read as separate groups but replace the same
    period together."""
    merged: dict[tuple[str, str], StagedPartition] = {}
    for sp in staged:
        key = (sp.source, sp.period)
        seen = merged.get(key)
        if seen is None:
            merged[key] = sp
            continue
        formats = sorted({*seen.source_format.split("+"), sp.source_format})
        starts = [t for t in (seen.min_charge_start, sp.min_charge_start) if t is not None]
        ends = [t for t in (seen.max_charge_end, sp.max_charge_end) if t is not None]
        merged[key] = replace(
            seen,
            source_format="+".join(formats),
            files=seen.files + sp.files,
            rows=seen.rows + sp.rows,
            min_charge_start=min(starts, default=None),
            max_charge_end=max(ends, default=None),
        )
    return list(merged.values())


def default_source(format_name: str, billing_accounts: Sequence[str]) -> str:
    """The source a delivery replaces when ``--source`` is not given.

    One billing account: ``<format>-<account>``; several: a short hash of the sorted set. So a
    re-delivered or restated export replaces its earlier copy, and exports of two different
    payers never replace each other.
    """
    if len(billing_accounts) == 1:
        candidate = f"{format_name}-{re.sub(r'[^A-Za-z0-9._-]', '_', billing_accounts[0])}"
        if len(candidate) <= 63:
            return candidate
    digest = hashlib.sha256("\n".join(billing_accounts).encode()).hexdigest()[:12]
    return f"{format_name}-{digest}"
