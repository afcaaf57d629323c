"""Reading the lake's Parquet files as the whole canonical schema, whatever columns they hold.

A line-item file carries only the columns its ingest filled: a column an adapter never maps
(32 of the 76 for an AWS FOCUS export) is not written, since writing a column of NULLs costs
the Parquet writer about as much per row as a column of values (a fifth of a raw copy of
such an export; ``docs/decisions/0009-lake-without-null-columns.md``). Readers get those
columns back as typed NULLs from ``scan``: the files are read by name together with a
zero-row file of the full schema (``schema_file``), so every column exists with its lake
type, and one a file lacks reads as NULL in that file's rows. Files of earlier releases,
which hold every column, read the same.

Tags are JSON object text (``costlake.focus.schema``). Files written before that hold them
as maps; ``scan`` reads such files on their own and gives their tags as the same text
(``to_json``), so a lake of both kinds reads as one (``legacy_tag_files``).

Spark takes the schema itself instead (``spark_ddl``, ``spark_legacy_ddl``).
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from costlake.focus.schema import FOCUS_SCHEMA, LEGACY_TAGS, TAG_COLUMNS, sql_type
from costlake.kit.sql import ident, lit

ROW_COUNT = "x_RowCount"
"""The extra column of rollup files (how many line items a row sums); part of the schema
readers see, NULL in line items."""

SPARK_SCHEMA: pa.Schema = FOCUS_SCHEMA.append(pa.field(ROW_COUNT, pa.int64()))
"""What Spark reads from lake files: the canonical columns and the rollups' row count
(DuckDB takes the row count from the rollup files themselves)."""

LEGACY_SCHEMA: pa.Schema = pa.schema(
    [f.with_type(LEGACY_TAGS) if f.name in TAG_COLUMNS else f for f in FOCUS_SCHEMA]
)
"""The schema of line-item files written when tags were maps."""

_lock = threading.Lock()
_DIGESTS = {
    legacy: hashlib.sha256(str(schema).encode()).hexdigest()[:16]
    for legacy, schema in ((False, FOCUS_SCHEMA), (True, LEGACY_SCHEMA))
}
"""Each schema file's name part, worked out once (``schema_file`` is asked on every scan)."""


def schema_file(*, legacy: bool = False) -> str:
    """A zero-row Parquet file of ``FOCUS_SCHEMA`` (``LEGACY_SCHEMA`` with ``legacy``), made
    once per machine and schema.

    It lives in ``COSTLAKE_CACHE_DIR`` (else the temporary folder), named after the schema,
    and is made again if something removes it: callers ask for it each time."""
    schema = LEGACY_SCHEMA if legacy else FOCUS_SCHEMA
    digest = _DIGESTS[legacy]
    folder = Path(os.environ.get("COSTLAKE_CACHE_DIR") or tempfile.gettempdir())
    user = os.getuid() if hasattr(os, "getuid") else 0
    path = folder / f"costlake-{user}-schema-{digest}.parquet"
    if not path.exists():
        with _lock:
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=folder, suffix=".parquet.tmp")
                os.close(fd)
                try:
                    pq.write_table(schema.empty_table(), tmp)
                    os.replace(tmp, path)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
    return str(path)


def scan(files: Sequence[str], *, options: str = "") -> str:
    """``read_parquet`` of ``files`` yielding every column of ``FOCUS_SCHEMA`` (and any
    other column the files hold, such as the rollups' row count), for DuckDB. ``options``
    are more named parameters (``"file_row_number = true"``). Files whose tags are maps
    (``legacy_tag_files``) are read on their own, their tags turned into JSON text."""
    legacy = set(legacy_tag_files(files))
    current = _read([schema_file(), *(f for f in files if f not in legacy)], options)
    if not legacy:
        return current
    as_text = ", ".join(f"CAST(to_json({ident(c)}) AS VARCHAR) AS {ident(c)}" for c in TAG_COLUMNS)
    old = _read([schema_file(legacy=True), *(f for f in files if f in legacy)], options)
    return f"(SELECT * FROM {current} UNION ALL BY NAME SELECT * REPLACE ({as_text}) FROM {old})"


def _read(files: Sequence[str], options: str) -> str:
    listing = ", ".join(lit(str(f)) for f in files)
    extra = f", {options}" if options else ""
    return f"read_parquet([{listing}], union_by_name = true, hive_partitioning = false{extra})"


def legacy_tag_files(files: Sequence[str]) -> list[str]:
    """The files among ``files`` that hold a tag column as a map (written before tags were
    JSON text). Each file's footer is read once per process: lake files never change in
    place (a restatement writes new ones), and the cache is keyed by size and mtime too.
    A file that cannot be read is not legacy: the reader that opens it says what is wrong."""
    out = []
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            continue
        if _tags_are_maps(str(f), st.st_mtime_ns, st.st_size):
            out.append(f)
    return out


@functools.lru_cache(maxsize=65_536)
def _tags_are_maps(path: str, mtime_ns: int, size: int) -> bool:
    try:
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException):
        return False
    return any(pa.types.is_map(schema.field(c).type) for c in TAG_COLUMNS if c in schema.names)


@functools.cache
def spark_ddl() -> str:
    """``SPARK_SCHEMA`` as a Spark DDL string, for ``spark.read.schema(...)``."""
    return _ddl(SPARK_SCHEMA)


@functools.cache
def spark_legacy_ddl() -> str:
    """``spark_ddl`` for files whose tags are maps (``legacy_tag_files``)."""
    return _ddl(LEGACY_SCHEMA.append(pa.field(ROW_COUNT, pa.int64())))


def _ddl(schema: pa.Schema) -> str:
    return ", ".join(f"`{f.name}` {sql_type(f.type, 'spark')}" for f in schema)
