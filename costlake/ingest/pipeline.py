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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol, TypeVar

import duckdb

from costlake.errors import IngestError, MalformedFile
from costlake.focus.schema import COLUMNS, duckdb_type
from costlake.ingest import commitments, files, registry
from costlake.ingest.base import Adapter, RawColumns
from costlake.ingest.files import Skipped, file_format_of
from costlake.ingest.sql import Expr, ident, lit
from costlake.kit import clock
from costlake.kit.duck import connect, parquet_null_counts
from costlake.lake import rollups
from costlake.lake.manifest import Manifest, Partition
from costlake.lake.store import PARQUET_OPTIONS, Lake, StagedPartition, check_name

_T = TypeVar("_T")
_R = TypeVar("_R")

ProgressCallback = Callable[[float, int], None]
"""Called with (fraction done 0..1, estimated rows done) while an ingest runs."""


class Enricher(Protocol):
    """Adds derived ``x_`` columns (carbon, allocation) to canonical rows during ingest.

    ``prepare`` may register lookup tables on the connection; ``wrap`` takes a SELECT that yields
    every canonical column and returns one that yields the same columns, in the same order, with
    some ``x_`` columns filled. It must stay one streaming SQL statement; with ``rescan`` (the
    source is cheap enough to read twice, ``_RESCAN``) it may read the source once more in that
    statement, e.g. to build a small lookup of distinct values. With ``quantity``, the SELECT
    also yields that column: ``ConsumedQuantity`` as a DOUBLE read from the raw value (the same
    double a cast of the decimal gives, for a fraction of the cost), which ``wrap`` may use and
    must not pass on.
    """

    name: str
    columns: tuple[str, ...]
    """The ``x_`` columns it may fill (written even where it leaves them NULL)."""

    def prepare(self, con: duckdb.DuckDBPyConnection) -> None: ...

    def wrap(
        self, select_sql: str, *, rescan: bool = False, quantity: str | None = None
    ) -> str: ...


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


@dataclass(slots=True)
class _Group:
    """Files read together: same adapter, same file kind, same source."""

    adapter: Adapter
    file_format: str
    paths: list[Path] = field(default_factory=list)
    columns: RawColumns | None = None


def _reader(
    paths: Sequence[Path],
    file_format: str,
    null_strings: Sequence[str] = ("",),
    *,
    all_varchar: bool = True,
) -> str:
    files = "[" + ", ".join(lit(str(p)) for p in paths) + "]"
    if file_format == "parquet":
        return f"read_parquet({files}, union_by_name = true)"
    if file_format == "json":
        return f"read_json_auto({files}, union_by_name = true, format = 'newline_delimited')"
    nulls = "[" + ", ".join(lit(n) for n in null_strings) + "]"
    return (
        f"read_csv({files}, header = true, all_varchar = {str(all_varchar).lower()}, "
        f"nullstr = {nulls}, union_by_name = true, strict_mode = true, "
        "sample_size = 20480)"
    )


def describe(con: duckdb.DuckDBPyConnection, path: Path) -> RawColumns:
    """The columns of one raw file, read from its header or schema only."""
    if not path.exists():
        raise MalformedFile("no such file or folder", path=str(path))
    kind = file_format_of(path)
    files.check_readable(path, kind)
    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {_reader([path], kind)}").fetchall()
    except duckdb.Error as e:
        raise _unreadable(path, kind, e) from None
    types = {r[0].lstrip("\ufeff"): r[1] for r in rows}
    if kind == "csv" and (len(types) == 1 or any("," in name for name in types)):
        # The sniffer settled on another delimiter: often a last line cut off mid-row.
        cut = files.truncation(path)
        if cut is not None:
            raise cut
    return RawColumns(types=types, file_format=kind)


def _unreadable(path: Path, kind: str, e: duckdb.Error) -> MalformedFile:
    """One line for a file DuckDB cannot open: truncated CSV or Parquet said as such."""
    if kind == "parquet":
        return files.not_parquet(path)
    cut = files.truncation(path) if kind == "csv" else None
    return cut or MalformedFile(f"cannot read as {kind}: {_short(e)}", path=str(path))


def _unreadable_group(group: _Group, e: duckdb.Error) -> MalformedFile | None:
    """A failure while copying that is one file's damage: a CSV cut off mid-line, or a
    Parquet file DuckDB cannot decode (named when the group is that one file)."""
    if group.file_format == "csv":
        return next(filter(None, map(files.truncation, group.paths)), None)
    # Decoding failures surface as IO, invalid-input or bare errors (Thrift's "Invalid
    # data"); a SQL or conversion error is the adapter's, not the file's.
    damage = isinstance(e, duckdb.IOException | duckdb.InvalidInputException) or (
        type(e) is duckdb.Error
    )
    if group.file_format == "parquet" and len(group.paths) == 1 and damage:
        return _unreadable(group.paths[0], "parquet", e)
    return None


def _short(e: Exception) -> str:
    """DuckDB's message without its SQL echo (``LINE 1: ...`` and the caret line)."""
    lines = [line.strip() for line in str(e).strip().splitlines()]
    kept = [line for line in lines if line and not line.startswith("LINE ") and set(line) != {"^"}]
    text = " ".join(kept[:6])
    return re.sub(r"^\w+ Error: ", "", text)[:600]


_FIXED_COLUMNS = ("x_SourceId", "x_SourceFormat", "x_IngestedAt")
"""Columns the pipeline fills itself, whatever the adapter."""


def build_select(
    adapter: Adapter,
    columns: RawColumns,
    *,
    source: str,
    ingested_at: str,
    skip_bad_rows: bool,
    check_required: bool = True,
) -> tuple[str, str]:
    """(select list of canonical columns, predicate that is true for a bad row).

    Without ``check_required``, the select does not stop at an empty required column: the
    caller checks the written files instead (``Ingestor._check_required``).
    """
    exprs: Mapping[str, Expr] = adapter.select(columns)
    unknown = set(exprs) - {c.name for c in COLUMNS}
    if unknown:
        raise IngestError(f"adapter {adapter.name} produced unknown columns {sorted(unknown)}")
    fixed = {
        "x_SourceId": Expr(lit(source)),
        "x_SourceFormat": Expr(lit(adapter.name)),
        "x_IngestedAt": Expr(f"TIMESTAMP {lit(ingested_at)}"),
    }
    assert set(fixed) == set(_FIXED_COLUMNS)
    items: list[str] = []
    bad: list[str] = []
    for column in COLUMNS:
        e = fixed.get(column.name) or exprs.get(column.name)
        typ = duckdb_type(column)
        if e is None:
            items.append(f"CAST(NULL AS {typ}) AS {ident(column.name)}")
            continue
        value = f"CAST({e.sql} AS {typ})"
        checks: list[tuple[str, str]] = []
        if e.raw is not None:
            checks.append(
                (
                    f"({value}) IS NULL AND ({e.raw}) IS NOT NULL",
                    f"printf('cannot read %s as {column.name}', to_json(CAST({e.raw} AS VARCHAR)))",
                )
            )
        if not column.nullable and (check_required or skip_bad_rows):
            checks.append(
                (f"({value}) IS NULL", lit(f"{column.name} is empty, and FOCUS requires a value"))
            )
        if skip_bad_rows or not checks:
            items.append(f"{value} AS {ident(column.name)}")
        else:
            whens = " ".join(f"WHEN {cond} THEN error({msg})" for cond, msg in checks)
            items.append(f"CASE {whens} ELSE {value} END AS {ident(column.name)}")
        bad.extend(cond for cond, _ in checks)
    return ",\n  ".join(items), (" OR ".join(f"({b})" for b in bad) or "false")


def written_columns(exprs: Mapping[str, Expr], enrichers: Sequence[Enricher]) -> list[str]:
    """The canonical columns an ingest writes, in schema order: those the adapter maps, the
    pipeline's own, and the enrichers'. The others would be NULL in every row; they are not
    written, and readers see them as NULL (``costlake.focus.scan``)."""
    filled = {*exprs, *_FIXED_COLUMNS, *(c for e in enrichers for c in e.columns)}
    return [c.name for c in COLUMNS if c.name in filled]


_RESCAN = ("parquet",)
"""Sources an enricher may read twice (``Enricher.wrap``). Not CSV: the carbon lookup from
a second scan of a 1M-row Azure CSV was 0.4-0.7 s faster than classifying every line, but
held 2.0 GB resident against 0.8 GB (12 GB for 10M rows)."""

_PERIOD = "strftime(\"BillingPeriodStart\", '%Y-%m')"
_QUANTITY = "__quantity_double"
_DECIMAL_CAST = re.compile(r"^(TRY_CAST|CAST)\((.*) AS DECIMAL\(38, 18\)\)$", re.S)


def _quantity_double(exprs: Mapping[str, Expr]) -> str | None:
    """``ConsumedQuantity`` as a DOUBLE straight from the raw value, when the adapter reads
    it with one cast (``CAST(raw AS DECIMAL(38, 18))``, or ``TRY_CAST`` of text): a cast of
    the lake's ``DECIMAL(38, 18)`` to DOUBLE costs about 0.4 µs a value in DuckDB (its
    exact path for scales past 15), the raw decimal's or text's cast a hundredth of that,
    and both round the same decimal value to the nearest double. None otherwise."""
    e = exprs.get("ConsumedQuantity")
    m = _DECIMAL_CAST.match(e.sql) if e is not None else None
    if m is None or not _one_argument(m.group(2)):
        return None
    return f"TRY_CAST({m.group(2)} AS DOUBLE)"


def _one_argument(sql: str) -> bool:
    """Whether ``sql``, the inside of ``CAST(...)``, never closes that parenthesis early
    (``CAST(a) + CAST(b`` does), quoted text aside."""
    depth, quoted = 1, False
    for ch in sql:
        if ch == "'":
            quoted = not quoted
        elif not quoted:
            depth += {"(": 1, ")": -1}.get(ch, 0)
            if depth == 0:
                return False
    return depth == 1 and not quoted


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
    ) -> list[_Group]:
        forced = registry.get(format) if format else None
        groups: dict[tuple[str, str, frozenset[str]], _Group] = {}
        for path in paths:
            cols = describe(con, path)
            adapter = forced or registry.detect(cols, path=str(path))
            key = (adapter.name, cols.file_format, cols.names)
            group = groups.setdefault(key, _Group(adapter, cols.file_format, columns=cols))
            group.paths.append(path)
        return list(groups.values())

    def _stage(
        self,
        con: duckdb.DuckDBPyConnection,
        groups: list[_Group],
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
            reader = _reader(group.paths, group.file_format, group.adapter.csv_options.null_strings)
            out = staging / f"g{i}"
            try:
                name = source or self._default_source(con, group, reader, skip_bad_rows)
                select, bad = build_select(
                    group.adapter,
                    group.columns,
                    source=name,
                    ingested_at=ingested_at,
                    skip_bad_rows=skip_bad_rows,
                    check_required=False,
                )
                n = self._copy(con, group, reader, select, bad, out, skip_bad_rows, progress)
            except MalformedFile as e:
                raise MalformedFile(e.message, path=where) from None
            except duckdb.Error as e:
                raise self._explain(con, group, reader, e) from None
            if not skip_bad_rows:
                self._check_required(con, group, reader, out)
            written += n
            if skip_bad_rows:
                total = con.execute(f"SELECT count(*) FROM {reader}").fetchall()[0][0]
                skipped += total - n
            staged.extend(self._partitions(con, group, out, name))
        return staged, written, skipped

    @staticmethod
    def _default_source(
        con: duckdb.DuckDBPyConnection, group: _Group, reader: str, skip_bad_rows: bool
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
        group: _Group,
        reader: str,
        select: str,
        bad: str,
        out: Path,
        skip_bad_rows: bool,
        progress: ProgressCallback | None,
    ) -> int:
        """Stream one group into ``out/__period=<YYYY-MM>/`` folders; returns rows written.

        CSV is parsed once, into one file split by period after (``_copy_text``). Columnar
        input (Parquet, JSON) is cheaper to read than to partition: one plain COPY per
        billing period, each with a filter DuckDB pushes into the scan (exports are
        clustered by period, so each pass reads little more than its own row groups).
        """

        for enricher in self.enrichers:
            enricher.prepare(con)

        assert group.columns is not None
        exprs = group.adapter.select(group.columns)
        quantity = _quantity_double(exprs)
        written = written_columns(exprs, self.enrichers)

        def body(where: str | None) -> str:
            conds = [c for c in (where, f"NOT ({bad})" if skip_bad_rows else None) if c]
            extra = f",\n  {quantity} AS {_QUANTITY}" if quantity and self.enrichers else ""
            sql = f"SELECT\n  {select}{extra}\nFROM {reader} AS raw"
            if conds:
                sql += "\nWHERE " + " AND ".join(conds)
            for i, enricher in enumerate(self.enrichers):
                sql = enricher.wrap(
                    sql,
                    rescan=group.file_format in _RESCAN,
                    quantity=_QUANTITY if extra and i == 0 else None,
                )
            if len(written) < len(COLUMNS):
                sql = f"SELECT {', '.join(map(ident, written))} FROM ({sql}) AS __written"
            return sql

        options = PARQUET_OPTIONS
        if group.file_format == "csv":
            return self._copy_text(con, body(None), out, progress)
        start = exprs["BillingPeriodStart"].sql
        period = f"strftime(CAST({start} AS TIMESTAMP), '%Y-%m')"
        periods = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {period} FROM {reader} AS raw ORDER BY 1 NULLS LAST"
            ).fetchall()
        ]
        jobs = []
        for p in periods:
            where = (
                f"{period} IS NULL" if p is None else _month_range(f"CAST({start} AS TIMESTAMP)", p)
            )
            target = out / f"__period={p or 'unknown'}"
            target.mkdir(parents=True, exist_ok=True)
            jobs.append(
                f"COPY ({body(where)}) TO {lit(str(target / 'data_0.parquet'))} ({options})"
            )
        return self._run_parallel(con, jobs, progress)

    def _copy_text(
        self,
        con: duckdb.DuckDBPyConnection,
        select: str,
        out: Path,
        progress: ProgressCallback | None,
    ) -> int:
        """A CSV group: parsed once into one file, which becomes its billing period's file
        when it holds one period (an export is usually a month), or is split by period.

        DuckDB's ``PARTITION_BY`` write costs a quarter more CPU than a plain one (1M-row
        Azure CSV: 17.8 vs 14.4 CPU-s) and buffers rows per period; splitting the written
        file is a Parquet copy that reads each period's row groups (0010)."""
        whole = out / "__whole.parquet"
        out.mkdir(parents=True, exist_ok=True)
        n = _run_with_progress(
            con, f"COPY ({select}) TO {lit(str(whole))} ({PARQUET_OPTIONS})", progress
        )
        periods = [
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {_PERIOD} FROM read_parquet({lit(str(whole))}) ORDER BY 1"
            ).fetchall()
        ]
        if len(periods) == 1:
            target = out / f"__period={periods[0] or 'unknown'}"
            target.mkdir()
            whole.rename(target / "data_0.parquet")
            return n
        jobs = []
        start = ident("BillingPeriodStart")
        for p in periods:
            where = f"{start} IS NULL" if p is None else _month_range(start, p)
            target = out / f"__period={p or 'unknown'}"
            target.mkdir()
            jobs.append(
                f"COPY (SELECT * FROM read_parquet({lit(str(whole))}) WHERE {where}) "
                f"TO {lit(str(target / 'data_0.parquet'))} ({PARQUET_OPTIONS})"
            )
        self._per_core(con, lambda cur, sql: cur.execute(sql).fetchall(), jobs)
        whole.unlink()
        return n

    def _run_parallel(
        self, con: duckdb.DuckDBPyConnection, jobs: list[str], progress: ProgressCallback | None
    ) -> int:
        """Run the per-period COPYs, one per core at a time (``_per_core``)."""
        if len(jobs) == 1:
            return _run_with_progress(con, jobs[0], progress)
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

        return sum(self._per_core(con, run, jobs))

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

        return self._per_core(con, build, list(enumerate(staged)))

    def _per_core(
        self,
        con: duckdb.DuckDBPyConnection,
        fn: Callable[[duckdb.DuckDBPyConnection, _T], _R],
        items: list[_T],
    ) -> list[_R]:
        """``fn(cursor, item)`` for every item, in order of ``items``.

        With at least two items, each runs on its own cursor, as many at once as there are
        cores, and DuckDB gives each query a single thread: one period is a few row groups,
        and splitting its COPY over threads costs more CPU than it wins (up to 60% more for
        a plain conversion, which has no joins to share). With one item, the query gets every
        core instead.
        """
        # The connection's threads: every core, unless the caller or
        # COSTLAKE_DUCKDB_THREADS asked for fewer.
        cores = int(con.execute("SELECT current_setting('threads')").fetchall()[0][0])
        if len(items) <= 1 or cores <= 1:
            return [fn(con, item) for item in items]
        from concurrent.futures import ThreadPoolExecutor

        con.execute("SET threads = 1")

        def run(item: _T) -> _R:
            cur = _configured(con.cursor())
            try:
                return fn(cur, item)
            finally:
                cur.close()

        try:
            with ThreadPoolExecutor(max_workers=min(len(items), cores)) as pool:
                return list(pool.map(run, items))
        finally:
            con.execute(f"SET threads = {cores}")

    def _partitions(
        self, con: duckdb.DuckDBPyConnection, group: _Group, out: Path, name: str
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

    def _check_required(
        self, con: duckdb.DuckDBPyConnection, group: _Group, reader: str, out: Path
    ) -> None:
        """Refuse the group if a column FOCUS requires is empty in any row it wrote.

        The Parquet writer counts each column's nulls in the file footer, so this reads
        footers instead of testing every value of every required column while it copies
        (a tenth of the copy's CPU on FOCUS Parquet); a column without counts is scanned.
        """
        if not any(out.rglob("*.parquet")):
            return
        assert group.columns is not None
        exprs = group.adapter.select(group.columns)
        required = [
            c.name
            for c in COLUMNS
            if not c.nullable and (c.name in exprs or c.name in _FIXED_COLUMNS)
        ]
        nulls = parquet_null_counts(con, str(out / "**" / "*.parquet"), required)
        for name in required:
            if nulls[name]:
                row = self._first_bad_row(con, group, reader, name)
                detail = f"{name} is empty, and FOCUS requires a value"
                if row is not None and group.file_format == "csv":
                    detail += f" (line {row + 1} of the file)"
                path = ", ".join(map(str, group.paths))
                raise MalformedFile(detail, path=path, row=row, column=name)

    def _explain(
        self, con: duckdb.DuckDBPyConnection, group: _Group, reader: str, error: duckdb.Error
    ) -> MalformedFile:
        """Turn a DuckDB failure into an error naming the file, row and column."""
        path = str(group.paths[0]) if len(group.paths) == 1 else ", ".join(map(str, group.paths))
        message = _short(error)
        m = re.search(r"cannot read (.*) as (\w+)", message) or re.search(
            r"(\w+) is empty, and FOCUS requires a value", message
        )
        if not m:
            return _unreadable_group(group, error) or MalformedFile(message, path=path)
        column = m.group(2) if m.re.groups == 2 else m.group(1)
        row = self._first_bad_row(con, group, reader, column)
        detail = (
            f"value {m.group(1)} is not a valid {column}"
            if m.re.groups == 2
            else f"{column} is empty, and FOCUS requires a value"
        )
        if row is not None and group.file_format == "csv":
            detail += f" (line {row + 1} of the file)"
        return MalformedFile(detail, path=path, row=row, column=column)

    def _first_bad_row(
        self, con: duckdb.DuckDBPyConnection, group: _Group, reader: str, column: str
    ) -> int | None:
        assert group.columns is not None
        exprs = group.adapter.select(group.columns)
        e = exprs.get(column)
        col = next(c for c in COLUMNS if c.name == column)
        if e is None:
            return None
        value = f"CAST({e.sql} AS {duckdb_type(col)})"
        cond = f"({value}) IS NULL" + (f" AND ({e.raw}) IS NOT NULL" if e.raw else "")
        try:
            rows = con.execute(
                f"SELECT n FROM (SELECT row_number() OVER () AS n, {cond} AS bad "
                f"FROM {reader} AS raw) WHERE bad ORDER BY n LIMIT 1"
            ).fetchall()
        except duckdb.Error:
            return None
        return int(rows[0][0]) if rows else None


def _stage_commitments(
    con: duckdb.DuckDBPyConnection, groups: list[_Group], staging: Path, source: str | None
) -> list[StagedPartition]:
    """The FOCUS Contract Commitment groups, staged beside cost and usage for the same
    commit (``costlake.ingest.commitments``)."""
    ingested_at = clock.utcnow().isoformat(sep=" ")
    staged: list[StagedPartition] = []
    for i, group in enumerate(g for g in groups if commitments.is_commitments(g.adapter)):
        assert group.columns is not None
        reader = _reader(group.paths, group.file_format, group.adapter.csv_options.null_strings)
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


def _month_range(ts_sql: str, period: str) -> str:
    """``ts_sql`` within the calendar month ``YYYY-MM``, as a range DuckDB can push into the
    Parquet scan (row groups outside it are skipped by their statistics)."""
    year, month = (int(x) for x in period.split("-"))
    nxt = f"{year + month // 12:04d}-{month % 12 + 1:02d}-01"
    return f"{ts_sql} >= TIMESTAMP '{year:04d}-{month:02d}-01' AND {ts_sql} < TIMESTAMP '{nxt}'"


def ingest_connection(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection set up for ingest.

    Enrichers join line items to small lookup tables. A period-filtered Parquet scan is
    estimated at one row, and DuckDB would then swap the join sides and hash the whole
    line-item stream (2-4x slower); the plan as written is the right one here.
    """
    return _configured(connect(threads=threads))


def _configured(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """Settings every ingest connection and cursor needs (cursors don't inherit them).

    A CSV used to be written with ``PARTITION_BY`` (10.4 GB resident for a 10M-row Azure
    CSV at DuckDB's default flush threshold); it is now one plain write split afterwards
    (``Ingestor._copy_text``). Only commitments files, which are small, still use it."""
    con.execute("SET disabled_optimizers = 'build_side_probe_side'")
    return con


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


def _run_with_progress(
    con: duckdb.DuckDBPyConnection, sql: str, progress: ProgressCallback | None
) -> int:
    """Run a COPY, reporting DuckDB's own progress estimate while it runs."""
    if progress is None:
        return int(con.execute(sql).fetchall()[0][0])
    done = threading.Event()

    def poll() -> None:
        while not done.wait(0.2):
            try:
                p = con.query_progress()
            except Exception:  # noqa: BLE001 - progress is best effort
                continue
            if p is not None and p >= 0:
                progress(min(p / 100.0, 1.0), -1)

    t = threading.Thread(target=poll, daemon=True)
    t.start()
    try:
        n = int(con.execute(sql).fetchall()[0][0])
    finally:
        done.set()
        t.join()
    progress(1.0, n)
    return n
